# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for slirp4netns

_slirp4netns()
{
	local cur prev words cword
	_init_completion -s || return

	case $prev in
	--api-socket | -a | --userns-path)
		_filedir
		return
		;;
	--netns-type)
		COMPREPLY=($(compgen -W 'pid path tapfd' -- "$cur"))
		return
		;;
	--target-type)
		COMPREPLY=($(compgen -W 'netns' -- "$cur"))
		return
		;;
	--outbound-addr | --outbound-addr6)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return
		;;
	--exit-fd | -e | --ready-fd | -r | --mtu | -m | --cidr | --macaddress)
		return
		;;
	esac
	$split && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--configure --exit-fd= --ready-fd= --mtu=
			--enable-ipv6 --api-socket= --cidr= --disable-host-loopback
			--netns-type= --userns-path= --enable-sandbox --enable-seccomp
			--outbound-addr= --outbound-addr6= --disable-dns --macaddress=
			--target-type= --help --version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	# The first word is a PID (or a path), the second a device name.
	local i args=0
	for ((i = 1; i < cword; i++)); do
		[[ ${words[i]} != -* ]] && ((args++))
	done
	if ((args == 0)); then
		if [[ " ${words[*]} " == *" --netns-type=path "* ]]; then
			_filedir
		else
			_pids
		fi
	elif ((args == 1)); then
		COMPREPLY=($(compgen -W 'tap0' -- "$cur"))
	fi
} && complete -F _slirp4netns slirp4netns
