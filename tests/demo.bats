#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's `make demo`: a rootless container from the six tools, as the
# sandbox's test user, every step checked by the script itself; here we
# check that it says so, and that nothing is left behind.

bats_require_minimum_version 1.5.0
load lib/common

@test "demo: the composed rootless container passes every step and leaves nothing" {
	require_sandbox
	before_mounts=$(wc -l < /proc/self/mountinfo)
	run --separate-stderr env DEMO_BIN="$BIN" "$TOP/scripts/demo"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	for n in 1 2 3 4 5 6 7; do
		[[ "$output" == *"$n/7 "* ]]
	done
	[[ "$output" == *"the host fetched http://127.0.0.1:"*'"hello from a disposable session (uid 0 here)"'* ]]
	[[ "$output" == *"verified, and the page read back from the blob alone"* ]]
	[[ "$output" == *"clean: no setuid"* ]]
	[[ "$output" == *"demo passed in "* ]]
	# step 3 either delegated or said why not
	[[ "$output" == *"delegated rootless-demo-"* || "$output" == *"skipped: "* ]]
	[ -z "$(pgrep -u "$SANDBOX_UID" || true)" ]
	[ -z "$(ls /dev/shm | grep rootless-demo || true)" ]
	[ "$(wc -l < /proc/self/mountinfo)" -eq "$before_mounts" ]
	seconds=$(sed -n 's/.*demo passed in \([0-9]*\)\..*/\1/p' <<< "$output")
	[ "$seconds" -lt 30 ]
}

@test "demo: as the unprivileged user itself, the administrator's step skipped with the reason" {
	require_sandbox
	run --separate-stderr "${AS_USER[@]}" "$TOP/scripts/demo"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"skipped: delegating a cgroup is the administrator's step"* ]]
	[[ "$output" == *"clean: no setuid"* ]]
	[[ "$output" == *"demo passed in "* ]]
	[ -z "$(pgrep -u "$SANDBOX_UID" || true)" ]
	[ -z "$(ls /dev/shm | grep rootless-demo || true)" ]
}
