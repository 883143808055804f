# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for become-root

_become_root()
{
	local cur prev words cword
	_init_completion -s || return

	case $prev in
	--pid-file)
		_filedir
		return
		;;
	--ready-fd | --preserve-fds)
		return
		;;
	esac
	$split && return

	# After the first non-option word (or --), complete the command.
	local i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--pid-file | --ready-fd | --preserve-fds)
			((i++))
			continue
			;;
		esac
		if [[ ${words[i]} == -- ]]; then
			_command_offset $((i + 1))
			return
		fi
		if [[ ${words[i]} != -* ]]; then
			_command_offset $i
			return
		fi
	done
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--mount --net --pid --ipc --uts --cgroup
			--time --mount-proc --keep-id --require-subids --pid-file=
			--ready-fd= --preserve-fds= --quiet --verbose --help
			--version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_command_offset $cword
} && complete -F _become_root become-root
