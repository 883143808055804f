# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for cgroup-delegate

_cgroup_delegate()
{
	local cur prev words cword
	_init_completion -s || return

	case $prev in
	--user | -u)
		COMPREPLY=($(compgen -u -- "$cur"))
		return
		;;
	--root | -r)
		_filedir -d
		return
		;;
	--controllers | -c | --leaf | -l | --pid | -p)
		return
		;;
	esac
	$split && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--user= --controllers= --leaf= --pid=
			--root= --kill --dry-run --json --verbose --help
			--version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	if ((cword == 1)); then
		COMPREPLY=($(compgen -W 'set remove systemd-dropin' -- "$cur"))
	fi
} && complete -F _cgroup_delegate cgroup-delegate
