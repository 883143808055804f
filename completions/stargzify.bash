# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for stargzify

_stargzify()
{
	local cur prev words cword
	_init_completion -s || return

	case $prev in
	--format | -f)
		COMPREPLY=($(compgen -W 'estargz stargz zstd:chunked' -- "$cur"))
		__ltrim_colon_completions "$cur"
		return
		;;
	--prioritize | -p | --annotations | --output | -o)
		_filedir
		return
		;;
	--level | -l | --chunk-size | -c | --threads | -j | --toc-digest | -t)
		return
		;;
	esac
	$split && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--format= --level= --chunk-size=
			--prioritize= --threads= --json --annotations= --list
			--verify --toc-digest= --extract --output= --verbose
			--help --version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_filedir
} && complete -F _stargzify stargzify
