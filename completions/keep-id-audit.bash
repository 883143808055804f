# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for keep-id-audit

_keep_id_audit()
{
	local cur prev words cword
	_init_completion -s || return

	case $prev in
	--exclude | --record | --since)
		_filedir
		return
		;;
	--threads | -j)
		return
		;;
	esac
	$split && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--one-file-system --cross-mounts
			--exclude= --all --json --print0 --record= --since= --fix
			--dry-run --threads= --quiet --help --version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_filedir -d
} && complete -F _keep_id_audit keep-id-audit
