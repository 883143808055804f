# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for overlay-session

_overlay_session()
{
	local cur prev words cword
	_init_completion -s || return

	case $prev in
	--keep | -k | --resume | -r | --changes | -c | --export-layer | -e | \
		--tmpfs | -t | --bind | -b)
		_filedir -d
		return
		;;
	esac
	$split && return
	# After the options, a command and its arguments.
	local i
	for ((i = 1; i < cword; i++)); do
		case ${words[i - 1]} in
		-k | --keep | -r | --resume | -c | --changes | -e | --export-layer | \
			-t | --tmpfs | -b | --bind)
			continue
			;;
		esac
		if [[ ${words[i]} == -- || ${words[i]} != -* ]]; then
			[[ ${words[i]} == -- ]] && ((i++))
			_command_offset "$i"
			return
		fi
	done
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--keep= --resume= --force --net --root --bind= --tmpfs=
			--changes= --export-layer= --json --verbose --help
			--version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_command_offset "$cword"
} && complete -F _overlay_session overlay-session
