#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# cgroup-delegate on this machine's real cgroup v2 hierarchy (hybrid here:
# only hugetlb is in v2). Every test removes what it made and restores the
# root's cgroup.subtree_control.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	CD=$BIN/cgroup-delegate
	ROOT=
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [ "$(stat -f -c %T "$d" 2>/dev/null)" = cgroup2fs ]; then
			ROOT=$d
			break
		fi
	done
	CG=cgd-test-$$-$BATS_TEST_NUMBER
	if [ -n "$ROOT" ]; then
		ROOT_SUBTREE=$(cat "$ROOT/cgroup.subtree_control")
		CTRL=$(cat "$ROOT/cgroup.controllers" | cut -d' ' -f1)
	fi
}

teardown() {
	[ -n "$ROOT" ] || return 0
	if [ -d "$ROOT/$CG" ]; then
		echo 1 > "$ROOT/$CG/cgroup.kill" 2>/dev/null || true
		sleep 0.1
		find "$ROOT/$CG" -depth -type d -exec rmdir {} + 2>/dev/null || true
	fi
	# Put back the root's controllers as they were.
	for c in $(cat "$ROOT/cgroup.subtree_control"); do
		[[ " $ROOT_SUBTREE " == *" $c "* ]] ||
			echo "-$c" > "$ROOT/cgroup.subtree_control" || true
	done
}

require_cgroup2() {
	require_sandbox
	[ -n "$ROOT" ] || skip "no cgroup2 filesystem is mounted"
	[ -n "$CTRL" ] || skip "no controller is available in cgroup v2"
}

@test "cgroup-delegate: --help, --version, usage errors" {
	run "$CD" --help
	[ "$status" -eq 0 ]
	for opt in --user --controllers --leaf --pid --root --kill --dry-run --json; do
		[[ $output == *"$opt"* ]] || { echo "missing $opt"; false; }
	done
	run "$CD" --version
	[ "$output" = "cgroup-delegate $(cat "$TOP/VERSION")" ]
	run "$CD" some/cgroup
	[ "$status" -eq 2 ]
	[[ $output == *"--user is needed"* ]]
	run "$CD" ../escape --user=root
	[ "$status" -eq 2 ]
	[[ $output == *"may not contain . or .."* ]]
	run "$CD" a/../../b --user=root
	[ "$status" -eq 2 ]
	run "$CD" x --user=no-such-user-here
	[ "$status" -eq 2 ]
	run "$CD" set x
	[ "$status" -eq 2 ]
	run "$CD" systemd-dropin
	[ "$status" -eq 0 ]
	[[ $output == *"Delegate=cpu cpuset io memory pids"* ]]
}

@test "cgroup-delegate: delegation chowns the directory and exactly the delegation files" {
	require_cgroup2
	run "$CD" "$CG/sub" --user="$SANDBOX_USER"
	[ "$status" -eq 0 ]
	[[ " $(cat "$ROOT/cgroup.subtree_control") " == *" $CTRL "* ]]
	[[ " $(cat "$ROOT/$CG/cgroup.subtree_control") " == *" $CTRL "* ]]
	[[ " $(cat "$ROOT/$CG/sub/cgroup.subtree_control") " == *" $CTRL "* ]]
	[ "$(stat -c %u:%g "$ROOT/$CG/sub")" = "$SANDBOX_UID:$SANDBOX_GID" ]
	# The parent stays root's.
	[ "$(stat -c %u "$ROOT/$CG")" = 0 ]
	delegated=$(cat /sys/kernel/cgroup/delegate 2>/dev/null ||
		printf 'cgroup.procs\ncgroup.threads\ncgroup.subtree_control\n')
	for f in "$ROOT/$CG/sub"/*; do
		name=${f##*/}
		owner=$(stat -c %u "$f")
		if grep -qx "$name" <<< "$delegated"; then
			[ "$owner" = "$SANDBOX_UID" ] || { echo "$name not chowned"; false; }
		else
			[ "$owner" = 0 ] || { echo "$name chowned"; false; }
		fi
	done
}

@test "cgroup-delegate: the user creates children, moves its processes, enables controllers, sets limits" {
	require_cgroup2
	"${AS_USER[@]}" sleep 30 3>&- &
	pid=$!
	# A cgroup handing controllers on may hold no process itself.
	run "$CD" "$CG" --user="$SANDBOX_USER" --pid="$pid"
	[ "$status" -eq 1 ]
	[[ $output == *"may hold no process itself"*"--leaf=NAME"* ]]
	run "$CD" "$CG" --user="$SANDBOX_USER" --pid="$pid" --leaf=init
	[ "$status" -eq 0 ]
	grep -qx "$pid" "$ROOT/$CG/init/cgroup.procs"
	# From here on, without root.
	run as_user sh -c "mkdir '$ROOT/$CG/a' '$ROOT/$CG/b' &&
		echo $pid > '$ROOT/$CG/a/cgroup.procs' &&
		echo +$CTRL > '$ROOT/$CG/b/cgroup.subtree_control' &&
		mkdir '$ROOT/$CG/b/c'"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx "$pid" "$ROOT/$CG/a/cgroup.procs"
	if [ "$CTRL" = hugetlb ]; then
		file=hugetlb.2MB.max
		run as_user "$CD" set "$CG/b/c" "$file=4M"
		[ "$status" -eq 0 ]
		[ "$(cat "$ROOT/$CG/b/c/$file")" = 4194304 ]
		# The delegated cgroup's own limits stay root's.
		run as_user "$CD" set "$CG" "$file=4M"
		[ "$status" -eq 1 ]
		[[ $output == *"permission denied"* ]]
	fi
	kill "$pid"
	wait "$pid" || true
}

@test "cgroup-delegate: EBUSY is explained; --leaf moves the processes out of the way" {
	require_cgroup2
	mkdir "$ROOT/$CG"
	sleep 30 3>&- &
	pid=$!
	echo "$pid" > "$ROOT/$CG/cgroup.procs"
	run "$CD" "$CG" --user="$SANDBOX_USER"
	[ "$status" -eq 1 ]
	[[ $output == *"Device or resource busy"* ]]
	[[ $output == *"no-internal-process rule"* ]]
	[[ $output == *"processes in it: $pid"* ]]
	run "$CD" "$CG" --user="$SANDBOX_USER" --leaf=init
	[ "$status" -eq 0 ]
	grep -qx "$pid" "$ROOT/$CG/init/cgroup.procs"
	[ -z "$(cat "$ROOT/$CG/cgroup.procs")" ]
	[ "$(stat -c %u "$ROOT/$CG/init/cgroup.procs")" = "$SANDBOX_UID" ]
	kill "$pid"
	wait "$pid" || true
}

@test "cgroup-delegate: a controller bound to cgroup v1 is explained" {
	require_cgroup2
	v1=$(awk '$2 != 0 && $4 == 1 { print $1; exit }' /proc/cgroups)
	[ -n "$v1" ] || skip "no controller is bound to cgroup v1 here"
	run "$CD" "$CG" --user="$SANDBOX_USER" --controllers="$v1"
	[ "$status" -eq 1 ]
	[[ $output == *"the \`$v1\` controller is bound to a cgroup v1 hierarchy"* ]]
	[[ $output == *"systemd.unified_cgroup_hierarchy=1"* ]]
	[ ! -d "$ROOT/$CG" ]
}

@test "cgroup-delegate: --dry-run changes nothing; --json reports" {
	require_cgroup2
	run "$CD" --dry-run "$CG" --user="$SANDBOX_USER"
	[ "$status" -eq 0 ]
	[[ $output == *"mkdir $ROOT/$CG"* ]]
	[[ $output == *"chown $ROOT/$CG/cgroup.procs $SANDBOX_UID:$SANDBOX_GID"* ]]
	[ ! -d "$ROOT/$CG" ]
	[ "$(cat "$ROOT/cgroup.subtree_control")" = "$ROOT_SUBTREE" ]
	run "$CD" --json "$CG" --user="$SANDBOX_USER"
	[ "$status" -eq 0 ]
	[[ $output == *'{"action":"chown","path":"'"$ROOT/$CG"'/cgroup.procs","value":"'"$SANDBOX_UID:$SANDBOX_GID"'","done":true}'* ]]
}

@test "cgroup-delegate: set refuses bad values and missing files, writing nothing" {
	require_cgroup2
	mkdir "$ROOT/$CG"
	run "$CD" set "$CG" pids.max=abc
	[ "$status" -eq 2 ]
	run "$CD" set "$CG" no.such=1
	[ "$status" -eq 2 ]
	[[ $output == *"unknown setting \`no.such\`"* ]]
	if [ ! -e "$ROOT/$CG/memory.max" ] && [ "$CTRL" = hugetlb ]; then
		echo "+hugetlb" > "$ROOT/cgroup.subtree_control"
		file=hugetlb.2MB.max
		before=$(cat "$ROOT/$CG/$file")
		run "$CD" set "$CG" "$file=2M" memory.max=1G
		[ "$status" -eq 1 ]
		[[ $output == *"has no file \`memory.max\`"* ]]
		[ "$(cat "$ROOT/$CG/$file")" = "$before" ]
	fi
}

@test "cgroup-delegate: remove refuses a busy cgroup, --kill ends its processes" {
	require_cgroup2
	mkdir -p "$ROOT/$CG/x/y"
	sleep 30 3>&- &
	pid=$!
	echo "$pid" > "$ROOT/$CG/x/y/cgroup.procs"
	run "$CD" remove "$CG"
	[ "$status" -eq 1 ]
	[[ $output == *"Device or resource busy"* ]]
	run "$CD" remove --kill "$CG"
	[ "$status" -eq 0 ]
	[ ! -d "$ROOT/$CG" ]
	wait_pid "$pid" || true
	run ! kill -0 "$pid"
	run "$CD" remove /
	[ "$status" -eq 2 ]
}

@test "cgroup-delegate: a directory that is not a cgroup2 mount is refused" {
	run "$CD" --root=/tmp x --user=root
	[ "$status" -eq 1 ]
	[[ $output == *"/tmp is not a cgroup2 mount"* ]]
}

@test "cgroup-delegate: bash completion" {
	[ -f /usr/share/bash-completion/bash_completion ] ||
		skip "bash-completion is not installed"
	complete_words() {
		bash -c 'source /usr/share/bash-completion/bash_completion
			source "$1/completions/cgroup-delegate.bash"; shift
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_cgroup_delegate 2>/dev/null; echo "${COMPREPLY[*]}"' _ "$TOP" "$@"
	}
	[ "$(complete_words cgroup-delegate --contr)" = --controllers= ]
	[ "$(complete_words cgroup-delegate rem)" = remove ]
	[ "$(complete_words cgroup-delegate --user roo)" = root ]
}
