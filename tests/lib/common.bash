# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the bats files: where the binaries are, and running as the
# sandbox's test user.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILDDIR=${BUILDDIR:-build}
case $BUILDDIR in /*) ;; *) BUILDDIR=$TOP/$BUILDDIR ;; esac
# Inside the sandbox, the copy the test user can execute.
BIN=${SANDBOX_BIN:-$BUILDDIR/bin}

in_sandbox() {
	[ -n "${SANDBOX_DIR:-}" ]
}

require_sandbox() {
	in_sandbox || skip "needs the root-made sandbox: run 'make check' as root"
}

# as_user CMD...: run CMD as the sandbox's test user, with a clean identity
# (its own groups, HOME, USER) but the rest of the environment.
as_user() {
	setpriv --reuid="$SANDBOX_UID" --regid="$SANDBOX_GID" --init-groups \
		--inh-caps=-all -- \
		env HOME="$SANDBOX_DIR/home" USER="$SANDBOX_USER" \
		LOGNAME="$SANDBOX_USER" "$@"
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

# wait_for_file PATH [TENTHS]: until PATH is non-empty (default 5 s).
wait_for_file() {
	local i
	for ((i = 0; i < ${2:-50}; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	echo "timed out waiting for $1" >&2
	return 1
}
