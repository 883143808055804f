#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# become-root as its users run it: as the sandbox's test user, through the
# real setuid newuidmap/newgidmap, in real namespaces.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	BR=$BIN/become-root
	if in_sandbox; then
		set_subuid 'rlt:200000:65536\nrlt:400000:65536\n'
		set_subgid 'rlt:200000:65536\nrlt:400000:65536\n'
		T=$(user_tmpdir)
	fi
}

teardown() {
	in_sandbox && restore_nsswitch
	true
}

# The maps, squeezed to "inside outside count" per line.
br_maps() {
	as_user "$BR" "$@" -- sh -c '
		echo uid; cat /proc/self/uid_map
		echo gid; cat /proc/self/gid_map
		echo setgroups $(cat /proc/self/setgroups)' | tr -s ' ' | sed 's/^ //'
}

@test "--help lists every option and exits 0" {
	run "$BR" --help
	[ "$status" -eq 0 ]
	for opt in --mount --net --pid --ipc --uts --cgroup --time --mount-proc \
		--keep-id --require-subids --pid-file --ready-fd --preserve-fds \
		--quiet --verbose --help --version; do
		[[ $output == *"$opt"* ]] || { echo "missing $opt"; false; }
	done
}

@test "--version prints the name and version" {
	run "$BR" --version
	[ "$status" -eq 0 ]
	[ "$output" = "become-root $(cat "$TOP/VERSION")" ]
}

@test "usage errors exit 2" {
	run "$BR" --no-such-option
	[ "$status" -eq 2 ]
	[[ $output == *"Try 'become-root --help'"* ]]
	run "$BR" --ready-fd=x true
	[ "$status" -eq 2 ]
	[[ $output == *"--ready-fd: \`x\` is not a file descriptor number"* ]]
	run "$BR" --preserve-fds=-1 true
	[ "$status" -eq 2 ]
}

@test "one range: caller is root, the range follows from 1" {
	require_sandbox
	set_subuid 'rlt:200000:65536\n'
	set_subgid 'rlt:300000:1000\n'
	run br_maps
	[ "$status" -eq 0 ]
	[ "$output" = "uid
0 48879 1
1 200000 65536
gid
0 48879 1
1 300000 1000
setgroups allow" ]
}

@test "two ranges are mapped contiguously" {
	require_sandbox
	run br_maps
	[ "$status" -eq 0 ]
	[ "$output" = "uid
0 48879 1
1 200000 65536
65537 400000 65536
gid
0 48879 1
1 200000 65536
65537 400000 65536
setgroups allow" ]
}

@test "three ranges, one of them given by numeric uid" {
	require_sandbox
	set_subuid 'rlt:200000:65536\nother:100000:5\n48879:400000:10\nrlt:500000:7\n'
	run br_maps
	[ "$status" -eq 0 ]
	[[ $output == "uid
0 48879 1
1 200000 65536
65537 400000 10
65547 500000 7
gid"* ]]
}

@test "the command runs as root with full capabilities inside" {
	require_sandbox
	run as_user "$BR" -- sh -c 'id -u; id -g; grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[[ ${lines[2]} == *000001ffffffffff ]] || [[ ${lines[2]} == *ffffffffff ]]
}

@test "no subordinate ids: single mapping, setgroups denied, one warning" {
	require_sandbox
	set_subuid ''
	set_subgid ''
	run as_user "$BR" -- sh -c 'cat /proc/self/uid_map /proc/self/setgroups'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'become-root:')" -eq 1 ]
	[[ $output == *"no subordinate ids for \`rlt\` in /etc/subuid and /etc/subgid: mapping only uid 48879 and gid 48879 (setgroups denied)"* ]]
	[[ $output == *"deny"* ]]
	run as_user "$BR" -q -- cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[[ $output != *become-root* ]]
	[ "$(echo $output)" = "0 48879 1" ]
}

@test "--require-subids makes the fallback an error (125)" {
	require_sandbox
	set_subuid ''
	set_subgid ''
	run as_user "$BR" --require-subids -- true
	[ "$status" -eq 125 ]
	[[ $output == *"no subordinate ids"*"(--require-subids)"* ]]
	set_subuid 'rlt:200000:65536\n'
	set_subgid 'rlt:200000:65536\n'
	run as_user "$BR" --require-subids -- true
	[ "$status" -eq 0 ]
}

@test "missing helpers: fallback with a warning naming them" {
	require_sandbox
	run as_user env NEWUIDMAP=/nonexistent/newuidmap "$BR" -- cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[[ $output == *"newuidmap or newgidmap not found"* ]]
	run as_user env NEWUIDMAP=/nonexistent/newuidmap "$BR" --require-subids -- true
	[ "$status" -eq 125 ]
}

@test "a refusing newuidmap: its own message is passed through, exit 125" {
	require_sandbox
	# A wrapper that asks the real newuidmap for a range we do not own.
	cat > "$T/badmap" <<-'EOS'
	#!/bin/sh
	exec newuidmap "$1" 0 48879 1 1 900000 10
	EOS
	chmod 755 "$T/badmap"
	run as_user env NEWUIDMAP="$T/badmap" "$BR" -- true
	[ "$status" -eq 125 ]
	[[ $output == *newuidmap:* ]]
	[[ $output == *"badmap failed with exit status"* ]]
	[[ $output == *"cannot write the maps of the new user namespace"* ]]
}

@test "malformed subuid lines are reported with file:line and skipped" {
	require_sandbox
	set_subuid 'rlt:100000\nrlt:200000:65536\nrlt:1:0\nrlt:010:5\nrlt:4294967295:1\nother:1:x\n'
	run as_user "$BR" -- cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[[ $output == *"/etc/subuid:1: ignored: expected 3 fields, found 2"* ]]
	[[ $output == *"/etc/subuid:3: ignored: count is 0"* ]]
	[[ $output == *"/etc/subuid:4: ignored: start has a leading zero"* ]]
	[[ $output == *"/etc/subuid:5: ignored: range runs past id 4294967294"* ]]
	# Another user's bad line is not ours to report.
	[[ $output != *"/etc/subuid:6"* ]]
	[[ $(echo "$output" | tr -s ' ') == *" 1 200000 65536"* ]]
}

@test "overlapping ranges are refused with both lines named" {
	require_sandbox
	set_subuid 'rlt:200000:65536\nrlt:250000:10\n'
	run as_user "$BR" -- true
	[ "$status" -eq 125 ]
	[[ $output == *"/etc/subuid: ranges overlap: 200000-265535 (line 1) and 250000-250009 (line 2)"* ]]
}

@test "a range holding the caller's own id is refused" {
	require_sandbox
	set_subgid 'rlt:48800:100\n'
	run as_user "$BR" -- true
	[ "$status" -eq 125 ]
	[[ $output == *"/etc/subgid: range 48800-48899 (line 1) contains the caller's own id"* ]]
}

@test "--keep-id: the caller keeps its ids, ranges fill around them" {
	require_sandbox
	run br_maps --keep-id
	[ "$status" -eq 0 ]
	[[ $output == "uid
0 200000 48879
48879 48879 1
48880 248879 16657
65537 400000 65536
gid"* ]]
	run as_user "$BR" --keep-id -- sh -c 'id -u; id -g'
	[ "${lines[0]}" = 48879 ]
	[ "${lines[1]}" = 48879 ]
}

@test "each namespace option makes a new namespace of that type" {
	require_sandbox
	for pair in mount:mnt net:net ipc:ipc uts:uts cgroup:cgroup pid:pid_for_children time:time_for_children; do
		opt=${pair%%:*} ns=${pair#*:}
		outside=$(as_user readlink /proc/self/ns/$ns)
		inside=$(as_user "$BR" --$opt -- readlink /proc/self/ns/$ns)
		echo "$opt: $outside -> $inside"
		[ -n "$inside" ]
		[ "$outside" != "$inside" ]
	done
	# Without the option, the namespace is shared.
	[ "$(as_user readlink /proc/self/ns/net)" = "$(as_user "$BR" -- readlink /proc/self/ns/net)" ]
}

@test "--pid: the command is PID 1; --mount-proc shows only its namespace" {
	require_sandbox
	run as_user "$BR" --pid -- sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	run as_user "$BR" --mount-proc -- sh -c 'ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	# sh and ls, perhaps grep: nothing from the host.
	[ "$output" -le 3 ]
}

@test "--mount: mounts inside do not reach the host" {
	require_sandbox
	run as_user "$BR" --mount -- sh -c "mount -t tmpfs none '$T' && touch '$T/inside' && ls '$T'"
	[ "$status" -eq 0 ]
	[ "$output" = inside ]
	[ ! -e "$T/inside" ]
}

@test "--pid-file: nsenter joins the namespaces through the pid it names" {
	require_sandbox
	"${AS_USER[@]}" "$BR" --net --pid-file="$T/ns.pid" -- sleep 30 3>&- &
	wait_for_file "$T/ns.pid"
	pid=$(cat "$T/ns.pid")
	inside=$(readlink /proc/$pid/ns/net)
	joined=$(as_user nsenter --preserve-credentials -U -n -t "$pid" readlink /proc/self/ns/net)
	kill "$pid"
	wait || true
	[ "$inside" = "$joined" ]
	[ "$inside" != "$(readlink /proc/self/ns/net)" ]
}

@test "--pid-file names the process running the command (with and without --pid)" {
	require_sandbox
	run as_user "$BR" --pid-file="$T/a.pid" -- sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/a.pid")" ]
	"${AS_USER[@]}" "$BR" --pid --pid-file="$T/b.pid" -- sleep 30 3>&- &
	wait_for_file "$T/b.pid"
	pid=$(cat "$T/b.pid")
	nspid=$(grep NSpid /proc/$pid/status)
	kill "$pid"
	wait || true
	[[ $nspid == *"	1" ]]
	ls -A "$T" | grep -v '\.pid$' && false
	true
}

@test "--pid-file in a missing directory fails before anything runs" {
	require_sandbox
	run as_user "$BR" --pid-file=/nonexistent/x.pid -- touch "$T/ran"
	[ "$status" -eq 125 ]
	[[ $output == *"--pid-file \`/nonexistent/x.pid\`: No such file or directory"* ]]
	[ ! -e "$T/ran" ]
}

@test "--ready-fd gets one byte once the maps are in place" {
	require_sandbox
	run as_user bash -c "exec 5>'$T/ready'; '$BR' --ready-fd=5 -- sh -c 'cat /proc/self/uid_map | wc -l; ls /proc/self/fd'"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/ready")" = 1 ]
	[ "${lines[0]}" = 3 ]
	# fd 5 was ours, not the command's.
	[[ " ${lines[*]:1} " != *" 5 "* ]]
	run as_user "$BR" --ready-fd=9 -- true
	[ "$status" -eq 125 ]
	[[ $output == *"--ready-fd: fd 9 is not open"* ]]
}

@test "no fd leaks: only stdio and --preserve-fds reach the command" {
	require_sandbox
	run as_user bash -c "exec 3</dev/null 4</dev/null 7</dev/null; '$BR' -- ls /proc/self/fd"
	[ "$status" -eq 0 ]
	# 0 1 2 and ls's own directory fd (3).
	[ "$(echo $output)" = "0 1 2 3" ]
	run as_user bash -c "exec 3</dev/null 4</dev/null 7</dev/null; '$BR' --preserve-fds=2 -- sh -c 'ls /proc/\$\$/fd'"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3 4" ]
	run as_user bash -c "exec 3>&- 4>&-; '$BR' --preserve-fds=2 -- true"
	[ "$status" -eq 125 ]
	[[ $output == *"--preserve-fds=2: fd 3 is not open"* ]]
}

@test "exit status: the command's, 126, 127, 128+signal" {
	require_sandbox
	run as_user "$BR" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run -127 as_user "$BR" -- no-such-command-anywhere
	[ "$status" -eq 127 ]
	[[ $output == *"\`no-such-command-anywhere\`: command not found"* ]]
	run as_user "$BR" -- /etc/passwd
	[ "$status" -eq 126 ]
	# PID 1 cannot be killed from inside its namespace: from outside.
	"${AS_USER[@]}" "$BR" --pid --pid-file="$T/k.pid" -- sleep 60 3>&- &
	br=$!
	wait_for_file "$T/k.pid"
	kill -KILL "$(cat "$T/k.pid")"
	rc=0; wait_pid "$br" || rc=$?
	[ "$rc" -eq 137 ]
	run as_user "$BR" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run as_user "$BR" --pid -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
}

@test "with --pid, signals are forwarded to the command" {
	require_sandbox
	for sig in INT TERM HUP QUIT USR1 USR2 WINCH; do
		rm -f "$T/up"
		# Background jobs start with INT and QUIT ignored, which the
		# kernel would discard before anyone could forward them.
		"${AS_USER[@]}" env --default-signal=INT,QUIT "$BR" --pid -- sh -c "trap 'exit 42' $sig; touch '$T/up'; while :; do sleep 0.05; done" 3>&- &
		br=$!
		wait_for_path "$T/up"
		kill -$sig "$br"
		rc=0; wait_pid "$br" || rc=$?
		echo "$sig -> $rc"
		[ "$rc" -eq 42 ]
	done
}

@test "with --pid, the command dies when become-root dies" {
	require_sandbox
	"${AS_USER[@]}" "$BR" --pid --pid-file="$T/c.pid" -- sleep 60 3>&- &
	br=$!
	wait_for_file "$T/c.pid"
	child=$(cat "$T/c.pid")
	[ -d /proc/$child ]
	kill -KILL "$br"
	wait_pid "$br" || true
	for i in $(seq 50); do [ -d /proc/$child ] || break; sleep 0.1; done
	[ ! -d /proc/$child ]
}

@test "user namespaces disabled: the sysctl is named (125)" {
	require_sandbox
	run as_user unshare -Ur sh -c "echo 0 > /proc/sys/user/max_user_namespaces && '$BR' -q -- true"
	[ "$status" -eq 125 ]
	[[ $output == *"cannot create the namespaces: user namespaces are disabled: /proc/sys/user/max_user_namespaces is 0"* ]]
	run as_user unshare -Ur sh -c "echo 0 > /proc/sys/user/max_net_namespaces && '$BR' -q --net -- true"
	[ "$status" -eq 125 ]
	[[ $output == *"net namespaces are disabled: /proc/sys/user/max_net_namespaces is 0"* ]]
}

@test "a uid with no passwd entry falls back, naming the cause" {
	require_sandbox
	run setpriv --reuid=48890 --regid=48890 --clear-groups -- "$BR" -- cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	[[ $output == *"uid 48890 has no entry in the user database"* ]]
	[[ $(echo "$output" | tr -s ' ') == *" 0 48890 1"* ]]
}

@test "real root writes the maps itself, setgroups stays allowed" {
	require_sandbox
	set_subuid 'root:300000:65536\nroot:500000:10\n'
	set_subgid 'root:300000:65536\n'
	# No helper may run: make them unfindable.
	run env NEWUIDMAP=/nonexistent NEWGIDMAP=/nonexistent "$BR" -- sh -c '
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -s ' ' | sed 's/^ //')" = "0 0 1
1 300000 65536
65537 500000 10
0 0 1
1 300000 65536
allow" ]
	set_subuid ''
	set_subgid ''
	run "$BR" -- sh -c 'cat /proc/self/uid_map /proc/self/setgroups'
	[ "$status" -eq 0 ]
	[[ $output == *"no subordinate ids for \`root\`"* ]]
	[[ $output == *allow* ]]
}

@test "the default command is \$SHELL, else /bin/sh" {
	require_sandbox
	run as_user env SHELL=/bin/echo "$BR"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run as_user env -u SHELL "$BR" < /dev/null
	[ "$status" -eq 0 ]
}

@test "bash completion: options, option arguments, then the command" {
	[ -f /usr/share/bash-completion/bash_completion ] ||
		skip "bash-completion is not installed"
	complete_words() {
		bash -c '
			source /usr/share/bash-completion/bash_completion
			source "$1/completions/become-root.bash"
			shift
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_become_root 2>/dev/null
			printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ "$TOP" "$@"
	}
	[ "$(complete_words become-root --keep)" = --keep-id ]
	[ "$(complete_words become-root --pid-file x --mount-p)" = --mount-proc ]
	[ "$(complete_words become-root --net -- become-roo)" = "" ] ||
		[[ $(complete_words become-root --net -- whoam) == whoami ]]
	[ "$(complete_words become-root --net whoam)" = whoami ]
}

@test "ranges from an NSS source (libsubid) are mapped" {
	require_sandbox
	set_subuid ''
	set_subgid ''
	use_nss_subid || skip "built without libsubid's header"
	lib=$NSS_LIBDIR
	# newuidmap is setuid and will not load a module from LD_LIBRARY_PATH:
	# the maps are shown, not written.
	run as_user env LD_LIBRARY_PATH="$lib" NEWUIDMAP=/bin/true \
		NEWGIDMAP=/bin/true "$BR" -v --require-subids -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"uid_map:
0 48879 1
1 300000 1000
1001 500000 10"* ]]
	[[ $output == *"gid_map:
0 48879 1
1 300000 1000"* ]]
}
