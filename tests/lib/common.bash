# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the bats files: where the binaries are, and running as the
# sandbox's test user.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILDDIR=${BUILDDIR:-build}
case $BUILDDIR in /*) ;; *) BUILDDIR=$TOP/$BUILDDIR ;; esac
in_sandbox() {
	[ -n "${SANDBOX_DIR:-}" ]
}

# Inside the sandbox, the copy the test user can execute.
BIN=${SANDBOX_BIN:-$BUILDDIR/bin}


require_sandbox() {
	in_sandbox || skip "needs the root-made sandbox: run 'make check' as root"
}

# "${AS_USER[@]}" CMD...: run CMD as the sandbox's test user, with a clean
# identity (its own groups, HOME, USER) but the rest of the environment.
# Every step execs the next, so `"${AS_USER[@]}" CMD &` makes $! CMD's pid.
if in_sandbox; then
	AS_USER=(setpriv --reuid="$SANDBOX_UID" --regid="$SANDBOX_GID"
		--init-groups --inh-caps=-all --
		env HOME="$SANDBOX_DIR/home" USER="$SANDBOX_USER"
		LOGNAME="$SANDBOX_USER")
fi
as_user() {
	"${AS_USER[@]}" "$@"
}

# A scratch directory the test user owns; removed by the sandbox at exit.
user_tmpdir() {
	local d
	d=$(mktemp -d "$SANDBOX_DIR/home/tmp.XXXXXX")
	chown "$SANDBOX_UID:$SANDBOX_GID" "$d"
	echo "$d"
}

set_subuid() { printf '%b' "$1" > /etc/subuid; }
set_subgid() { printf '%b' "$1" > /etc/subgid; }


# wait_until CMD...: until CMD succeeds, at most 5 s (WAIT_SECONDS).
wait_until() {
	local i
	for ((i = 0; i < ${WAIT_SECONDS:-5} * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $*" >&2
	return 1
}
wait_for_file() { wait_until test -s "$1"; }
wait_for_path() { wait_until test -e "$1"; }

# wait_pid PID: wait for a background job, at most 10 s (then kill it), and
# return its exit status; a test must never hang the suite.
wait_pid() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		echo "pid $1 still running after 10 s: killed" >&2
		kill -KILL "$1"
	fi
	wait "$1"
}

# use_nss_subid: point the sandbox's nsswitch.conf at the test NSS module
# (tests/lib/subid-nss-module.c) and set NSS_LIBDIR to the directory to put
# in LD_LIBRARY_PATH. restore_nsswitch undoes it (call it from teardown).
use_nss_subid() {
	local dir
	[ -f "$BUILDDIR/tests/libsubid_testnss.so" ] || return 1
	dir=$(user_tmpdir)
	cp "$BUILDDIR/tests/libsubid_testnss.so" "$dir/"
	chmod 755 "$dir" "$dir/libsubid_testnss.so"
	[ -n "${NSSWITCH_SAVED:-}" ] || NSSWITCH_SAVED=$(cat /etc/nsswitch.conf)
	# Rewritten in place: it is a bind-mounted file.
	{ grep -v '^subid:' <<< "$NSSWITCH_SAVED"; echo 'subid: testnss'; } > /etc/nsswitch.conf
	NSS_LIBDIR=$dir
}

restore_nsswitch() {
	if [ -n "${NSSWITCH_SAVED:-}" ]; then
		echo "$NSSWITCH_SAVED" > /etc/nsswitch.conf
		NSSWITCH_SAVED=
	fi
}

# no_leftovers: no process of the test user is left (zombies aside, which
# their parent reaps); for teardowns, so that a test that leaks a process
# fails rather than leaving it on a shared machine.
no_leftovers() {
	in_sandbox || return 0
	wait_until user_idle || {
		ps -o pid,stat,args -u "$SANDBOX_UID" >&2
		pkill -KILL -u "$SANDBOX_UID"
		return 1
	}
}

user_idle() {
	! ps -o stat= -u "$SANDBOX_UID" | grep -qv '^Z'
}
