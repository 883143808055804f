# SPDX-License-Identifier: GPL-2.0-or-later
# Run by tests/vm/run inside a VM, as root, on a pure cgroup v2 hierarchy:
# cgroup-delegate with every controller, limits enforced by the kernel.
# Prints TAP.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@" > /tmp/check.out 2>&1; then ok "$d"; else
		not_ok "$d"; sed 's/^/#   /' /tmp/check.out; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

mount -t cgroup2 -o nsdelegate none /sys/fs/cgroup
R=/sys/fs/cgroup
CD=cgroup-delegate
has() { grep -qw "$2" "$1"; }

check "all five controllers are in v2" \
	sh -c "for c in cpu cpuset io memory pids; do grep -qw \$c $R/cgroup.controllers || exit 1; done"
check "delegate cpu,cpuset,io,memory,pids to uid 1000" \
	$CD --controllers=cpu,cpuset,io,memory,pids box --user=1000:1000
check "enabled top-down, in the root and in box" \
	sh -c "for c in cpu cpuset io memory pids; do grep -qw \$c $R/cgroup.subtree_control && grep -qw \$c $R/box/cgroup.subtree_control || exit 1; done"
check "box is the user's, its limits root's" \
	sh -c "[ \$(stat -c %u $R/box/cgroup.procs) = 1000 ] && [ \$(stat -c %u $R/box/memory.max) = 0 ]"

mkdir $R/box/limits
check "v2 names with units" $CD set box/limits memory.max=32M pids.max=7 cpu.max="50000 100000"
check "read back: memory.max" sh -c "[ \$(cat $R/box/limits/memory.max) = 33554432 ]"
check "read back: pids.max" sh -c "[ \$(cat $R/box/limits/pids.max) = 7 ]"
check "v1 names: cpu.shares=512 -> cpu.weight 59" \
	sh -c "$CD set box/limits cpu.shares=512 && [ \$(cat $R/box/limits/cpu.weight) = 59 ]"
check "v1 names: cfs quota/period -> cpu.max" \
	sh -c "$CD set box/limits cpu.cfs_quota_us=20000 cpu.cfs_period_us=40000 && [ \"\$(cat $R/box/limits/cpu.max)\" = '20000 40000' ]"
check "v1 names: memsw - limit -> memory.swap.max" \
	sh -c "$CD set box/limits memory.limit_in_bytes=64M memory.memsw.limit_in_bytes=96M && [ \$(cat $R/box/limits/memory.swap.max) = 33554432 ] && [ \$(cat $R/box/limits/memory.max) = 67108864 ]"
check "blkio.weight -> io.weight (no BFQ here)" \
	sh -c "$CD set box/limits blkio.weight=750 && grep -q 'default 7475' $R/box/limits/io.weight"

# pids.max stops the next fork.
mkdir $R/box/pids
$CD set box/pids pids.max=3 >/dev/null
sh -c "echo \$\$ > $R/box/pids/cgroup.procs; sleep 3 & sleep 3 & sleep 3 & sleep 3 & wait" > /tmp/pids.out 2>&1
check "pids.max=3 refuses the fourth process" \
	sh -c "grep -q 'max 1' $R/box/pids/pids.events || grep -q 'max [1-9]' $R/box/pids/pids.events"

# memory.max OOM-kills a hog.
mkdir $R/box/mem
$CD set box/mem memory.max=16M memory.swap.max=0 >/dev/null
sh -c "echo \$\$ > $R/box/mem/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=64M count=1" > /tmp/mem.out 2>&1
rc=$?
check "memory.max=16M kills a 64M hog (status $rc)" \
	sh -c "[ $rc -ne 0 ] && grep -q 'oom_kill [1-9]' $R/box/mem/memory.events"

# The user, without root: children of its own, its process moved between
# them, a controller enabled below.
mkdir $R/box/u
$CD --leaf=init u-box --user=1000:1000 >/dev/null 2>&1 || true
/bin/setpriv --reuid=1000 --regid=1000 --clear-groups sleep 30 &
upid=$!
check "root moves the user's process into the leaf" \
	$CD --leaf=init --pid=$upid box2 --user=1000:1000
check "the user makes children and moves its own process" \
	/bin/setpriv --reuid=1000 --regid=1000 --clear-groups sh -c "
		mkdir $R/box2/a $R/box2/b &&
		echo $upid > $R/box2/a/cgroup.procs &&
		echo +memory > $R/box2/b/cgroup.subtree_control &&
		mkdir $R/box2/b/c && [ -e $R/box2/b/c/memory.max ]"
check "the user sets a limit in its subtree with cgroup-delegate" \
	/bin/setpriv --reuid=1000 --regid=1000 --clear-groups \
	$CD set box2/b/c memory.max=8M memory.high=6M
check "the user cannot raise its own cgroup's limits" \
	sh -c "! /bin/setpriv --reuid=1000 --regid=1000 --clear-groups $CD set box2 memory.max=max"
kill $upid 2>/dev/null; wait $upid 2>/dev/null

# +cpu and real-time threads: refused only where the kernel has RT group
# scheduling (CONFIG_RT_GROUP_SCHED).
mkdir $R/rt
/bin/chrt -f 10 sleep 20 &
rtpid=$!
sleep 0.2
echo $rtpid > $R/rt/cgroup.procs
echo -cpu > $R/box/cgroup.subtree_control 2>/dev/null
echo -cpu > $R/cgroup.subtree_control 2>/dev/null
if ! /bin/chrt -p $rtpid | grep -q SCHED_FIFO; then
	not_ok "a SCHED_FIFO thread runs in a child cgroup"
elif $CD --controllers=cpu rtbox --user=1000 > /tmp/rt.out 2>&1; then
	skip "EINVAL on +cpu lists the real-time threads" \
		"the kernel accepted +cpu beside a real-time thread in a child cgroup: no RT group scheduling (CONFIG_RT_GROUP_SCHED) here"
else
	check "EINVAL on +cpu lists the real-time threads" \
		sh -c "grep -q 'real-time threads' /tmp/rt.out && grep -q ' $rtpid .* FF .* 10 sleep' /tmp/rt.out"
fi
kill $rtpid 2>/dev/null

check "remove --kill ends a subtree" $CD remove --kill box
check "box is gone" sh -c "[ ! -d $R/box ]"
echo "1..$n"
