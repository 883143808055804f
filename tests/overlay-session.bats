#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# overlay-session as its users run it: as the sandbox's test user, over the
# real tree of this machine, with kernel overlayfs in a user namespace.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	OS=$BIN/overlay-session
	if in_sandbox; then
		T=$(user_tmpdir)
		chmod 755 "$T"
		# Kept sessions live where the session does not overlay.
		S=$(mktemp -d /dev/shm/overlay-session-test.XXXXXX)
		chown "$SANDBOX_UID:$SANDBOX_GID" "$S"
		H=$SANDBOX_DIR/home
	fi
}

teardown() {
	[ -z "${S:-}" ] || rm -rf "$S"
	[ -z "${D:-}" ] || rm -rf "$D"
	findmnt -rn -o TARGET | grep "^/tmp/rtb-gone-$$\." | xargs -r umount
	rm -rf /tmp/rtb-gone-"$$".*
	no_leftovers
}

# os [ARG]...: overlay-session as the test user, in $T.
os() { (cd "$T" && "${AS_USER[@]}" "$OS" "$@"); }

mounts_now() { wc -l < /proc/self/mountinfo; }

@test "--help and --version" {
	run "$OS" --help
	[ "$status" -eq 0 ]
	for opt in --keep --resume --force --net --root --bind --tmpfs --changes \
		--export-layer --json --verbose --help --version; do
		[[ $output == *"$opt"* ]] || { echo "missing $opt"; false; }
	done
	run "$OS" --version
	[[ $output =~ ^overlay-session\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "usage errors: status 2 and the reason" {
	run -2 "$OS" --keep=/a --resume=/b true
	[[ $output == *"--keep and --resume"* ]]
	run -2 "$OS" --changes=/a true
	[[ $output == *"take no command"* ]]
	run -2 "$OS" --json true
	[[ $output == *"--json goes with --changes"* ]]
	run -2 "$OS" --bind=relative true
	[[ $output == *"absolute"* ]]
	run -2 "$OS" --no-such-option
}

@test "writes in home, the working directory and /tmp are captured, not on the host" {
	require_sandbox
	echo original > "$T/file"
	chown "$SANDBOX_UID:$SANDBOX_GID" "$T/file"
	local before
	before=$(mounts_now)
	run os -- sh -c '
		echo inside > file; echo new > added; echo h > "$HOME/hfile"
		echo t > /tmp/overlay-session-test-tmp
		echo v > /var/tmp/overlay-session-test-vtmp
		cat file added "$HOME/hfile" /tmp/overlay-session-test-tmp
		id -u; pwd'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = inside ]
	[ "${lines[1]}" = new ]
	[ "${lines[2]}" = h ]
	[ "${lines[3]}" = t ]
	[ "${lines[4]}" = "$SANDBOX_UID" ]
	[ "${lines[5]}" = "$T" ]
	# The host saw none of it.
	[ "$(cat "$T/file")" = original ]
	[ ! -e "$T/added" ]
	[ ! -e "$H/hfile" ]
	[ ! -e /tmp/overlay-session-test-tmp ]
	[ ! -e /var/tmp/overlay-session-test-vtmp ]
	[ "$(mounts_now)" -eq "$before" ]
}

@test "directories named with ':' and ',' (overlayfs's separators) are overlaid too" {
	require_sandbox
	# an overlay of its own: an entry of /tmp, a skeleton (mounts below)
	findmnt -rn -o TARGET | grep -q '^/tmp/' || skip "no mount below /tmp"
	D="/tmp/rtb-a:b,c-$$"
	local before
	mkdir "$D" && echo original > "$D/file"
	chown -R "$SANDBOX_UID:$SANDBOX_GID" "$D"
	before=$(mounts_now)
	run os --keep="$S/st" -- sh -c "echo inside > '$D/file' && echo new > '$D/added' && cat '$D/file' '$D/added'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'inside\nnew')" ]
	[ "$(cat "$D/file")" = original ]
	[ ! -e "$D/added" ]
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	[[ $output == *"C $D/file"* ]]
	[[ $output == *"A $D/added"* ]]
	run os --resume="$S/st" -- cat "$D/added"
	[ "$output" = new ]
	[ "$(mounts_now)" -eq "$before" ]
}

@test "deleting a lower file hides it inside only" {
	require_sandbox
	echo keep > "$T/victim"
	chown "$SANDBOX_UID:$SANDBOX_GID" "$T/victim"
	run os -- sh -c 'rm victim && test ! -e victim && echo gone'
	[ "$output" = gone ]
	[ "$(cat "$T/victim")" = keep ]
}

@test "files of other owners stay read-only; /proc, /dev and /run are the host's" {
	require_sandbox
	run os -- sh -c 'echo x >> /etc/hostname'
	[ "$status" -ne 0 ]
	run os -- sh -c 'readlink /proc/self/ns/pid; test -c /dev/null && echo dev'
	[ "${lines[0]}" = "$(readlink /proc/self/ns/pid)" ]
	[ "${lines[1]}" = dev ]
}

@test "the exit status: the command's, 128+N for a signal, 126/127" {
	require_sandbox
	run os -- sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run os -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run -127 os -- /nonexistent/command
	echo data > "$T/not-executable"
	chmod 644 "$T/not-executable"
	run -126 os -- "$T/not-executable"
	# The default command is $SHELL.
	run bash -c "cd '$T' && echo 'echo from-shell' | ${AS_USER[*]} env SHELL=/bin/sh '$OS'"
	[ "$output" = from-shell ]
}

@test "--bind passes a directory through, writable; --tmpfs gives an empty one" {
	require_sandbox
	mkdir "$T/shared" "$T/scratch"
	echo old > "$T/scratch/x"
	chown -R "$SANDBOX_UID:$SANDBOX_GID" "$T/shared" "$T/scratch"
	run os --bind="$T/shared" --tmpfs="$T/scratch" -- sh -c '
		echo through > shared/out; ls -A scratch | wc -l'
	[ "$output" = 0 ]
	[ "$(cat "$T/shared/out")" = through ]
	[ "$(cat "$T/scratch/x")" = old ]
}

@test "keep, changes (text and JSON), export-layer, resume" {
	require_sandbox
	echo lower > "$T/changed"
	echo doomed > "$T/deleted"
	mkdir "$T/replaced"
	echo old > "$T/replaced/old"
	chown -R "$SANDBOX_UID:$SANDBOX_GID" "$T"
	run os --keep="$S/st" -- sh -c '
		echo more >> changed; echo new > added; rm deleted
		rm -r replaced; mkdir replaced; echo fresh > replaced/new
		ln -s added link'
	[ "$status" -eq 0 ]
	# Nothing reached the host.
	[ ! -e "$T/added" ]
	[ -e "$T/deleted" ]
	[ -e "$T/replaced/old" ]
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	[ "$status" -eq 0 ]
	[[ $output == *"C $T/changed"* ]]
	[[ $output == *"A $T/added"* ]]
	[[ $output == *"D $T/deleted"* ]]
	[[ $output == *"R $T/replaced"* ]]
	[[ $output == *"A $T/replaced/new"* ]]
	[[ $output == *"A $T/link"* ]]
	run "${AS_USER[@]}" "$OS" --changes="$S/st" --json
	[[ $output == *"{\"path\":\"$T/deleted\",\"change\":\"deleted\"}"* ]]
	[[ $output == *"{\"path\":\"$T/link\",\"change\":\"added\",\"type\":\"symlink\"}"* ]]
	# The layer, read by tar: OCI whiteouts and an opaque marker.
	"${AS_USER[@]}" "$OS" --export-layer="$S/st" > "$T/layer.tar"
	run tar -tf "$T/layer.tar"
	local rel=${T#/}
	[[ $output == *"$rel/.wh.deleted"* ]]
	[[ $output == *"$rel/replaced/.wh..wh..opq"* ]]
	[[ $output == *"$rel/added"* ]]
	mkdir "$T/x"
	tar -xf "$T/layer.tar" -C "$T/x"
	[ "$(cat "$T/x/$rel/changed")" = "$(printf 'lower\nmore')" ]
	[ "$(readlink "$T/x/$rel/link")" = added ]
	# ... and by stargzify, whose eStargz layer verifies and unpacks alike.
	"$BIN/stargzify" "$T/layer.tar" "$T/layer.esgz"
	"$BIN/stargzify" --verify "$T/layer.esgz"
	run "$BIN/stargzify" --list "$T/layer.esgz"
	[[ $output == *"$rel/.wh.deleted"* ]]
	[[ $output == *"$rel/replaced/.wh..wh..opq"* ]]
	mkdir "$T/y"
	tar -xzf "$T/layer.esgz" -C "$T/y"
	diff -r "$T/x/$rel" "$T/y/$rel"
	# Resume sees the session's world again, and keeps adding to it.
	run os --resume="$S/st" -- sh -c 'cat changed added replaced/new; test ! -e deleted && echo ok; echo again > second'
	[ "$output" = "$(printf 'lower\nmore\nnew\nfresh\nok')" ]
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	[[ $output == *"A $T/second"* ]]
}

@test "kept: what is made in a directory with mounts below is kept; a directory of others' stays unwritable" {
	require_sandbox
	# The sandbox mounts below /tmp: /tmp is a skeleton of the new root
	# (its entries mounted one by one), not an overlay.
	findmnt -rn -o TARGET | grep -q '^/tmp/' || skip "no mount below /tmp"
	local name=rtb-skel-$$
	run os --keep="$S/st" -- sh -c "
		echo kept > /tmp/$name && mkdir /tmp/$name.d && echo in > /tmp/$name.d/f
		# the sandbox's directory: root's, with mounts below, in /tmp
		touch $SANDBOX_DIR/rtb-nested-$$ || echo refused
		echo home > \$HOME/rtb-home-$$
		touch /rtb-root-$$ || echo refused"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"Permission denied"* ]]
	[[ $output == *"Read-only file system"* ]]
	[ "${lines[-1]}" = refused ]
	[ "$(grep -cx refused <<< "$output")" -eq 2 ]
	[ ! -e "/tmp/$name" ]
	[ ! -e "/tmp/$name.d" ]
	[ ! -e "/rtb-root-$$" ]
	[ ! -e "$SANDBOX_DIR/rtb-nested-$$" ]
	[ ! -e "$H/rtb-home-$$" ]
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	echo "$output"
	[[ $output == *"A /tmp/$name"* ]]
	[[ $output == *"A /tmp/$name.d/f"* ]]
	# the skeleton's mount points are not changes
	[ "$(grep ' /tmp/' <<< "$output" | grep -vc " $H/")" -eq 3 ]
	[[ $output == *"A $H/rtb-home-$$"* ]]
	run os --resume="$S/st" -- cat "/tmp/$name" "/tmp/$name.d/f" "$H/rtb-home-$$"
	[ "$output" = "$(printf 'kept\nin\nhome')" ]
	"${AS_USER[@]}" "$BIN/become-root" -- "$OS" --export-layer="$S/st" > "$T/layer.tar"
	tar -tf "$T/layer.tar" | grep -qx "tmp/$name.d/f"
}

@test "kept: host entries of a skeleton removed after the session are neither changes nor left in its tree" {
	require_sandbox
	findmnt -rn -o TARGET | grep -q '^/tmp/' || skip "no mount below /tmp"
	local g=/tmp/rtb-gone-$$
	# entries of others in the kept /tmp skeleton: mounted one by one
	mkdir "$g.d" "$g.t" && echo x > "$g.f" && ln -s /nowhere "$g.l"
	run os --keep="$S/st" -- sh -c "cat $g.f && echo mine > /tmp/rtb-mine-$$"
	[ "$status" -eq 0 ]
	[ "$output" = x ]
	rm -rf "$g".*
	# and one that is a file now: its old mount point must not be in the way
	echo t > "$g.t"
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"A /tmp/rtb-mine-$$"* ]]
	[[ $output != *rtb-gone* ]]
	run os --resume="$S/st" -- sh -c "ls -d $g.* 2>/dev/null; cat $g.t /tmp/rtb-mine-$$"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\nt\nmine' "$g.t")" ]
	"${AS_USER[@]}" "$BIN/become-root" -- "$OS" --export-layer="$S/st" > "$T/layer.tar"
	run tar -tf "$T/layer.tar"
	[ "$status" -eq 0 ]
	[[ $output != *rtb-gone* ]]
	tar -tf "$T/layer.tar" | grep -qx "tmp/rtb-mine-$$"
}

@test "kept: a skeleton's host links deleted or replaced by the session stay so; the session's entries win over the host's new ones" {
	require_sandbox
	findmnt -rn -o TARGET | grep -q '^/tmp/' || skip "no mount below /tmp"
	local g=/tmp/rtb-gone-$$
	ln -s /del "$g.del"
	ln -s /rep "$g.rep"
	run os --keep="$S/st" -- sh -c "rm $g.del && rm $g.rep && ln -s /mine $g.rep &&
		echo file > $g.f && echo dir > $g.d && echo skel > $g.s"
	[ "$status" -eq 0 ]
	# the host now has entries where the session made its own, one a
	# directory with a mount below (planned entry by entry)
	echo host > "$g.f"
	mkdir "$g.d" "$g.s" "$g.s/a" "$g.s/m" "$g.s/z"
	mount -t tmpfs rtb "$g.s/m"
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"D $g.del"* ]]
	[[ $output == *"C $g.rep"* ]]
	[[ $output == *"C $g.f"* ]]
	[[ $output == *"C $g.d"* ]]
	# twice: a resume must carry the deletion over to the next one (the
	# first one forced: the lower has changed where the session wrote)
	for force in --force ""; do
		run --separate-stderr os --resume="$S/st" $force -- sh -c "ls -d $g.del 2>&1; readlink $g.rep; cat $g.f $g.d $g.s"
		echo "$output"
		[ "$status" -eq 0 ]
		[[ ${lines[0]} == *"No such file"* ]]
		[ "${lines[1]}" = /mine ]
		[ "${lines[2]}" = file ]
		[ "${lines[3]}" = dir ]
		[ "${lines[4]}" = skel ]
	done
	"${AS_USER[@]}" "$BIN/become-root" -- "$OS" --export-layer="$S/st" > "$T/layer.tar"
	tar -tvf "$T/layer.tar"
	tar -tf "$T/layer.tar" | grep -qx "tmp/.wh.rtb-gone-$$.del"
	[ "$(tar -xOf "$T/layer.tar" "tmp/rtb-gone-$$.f")" = file ]
	tar -tvf "$T/layer.tar" | grep -q "tmp/rtb-gone-$$.rep -> /mine"
	# the session makes the deleted link again: its own, no longer deleted
	run os --resume="$S/st" -- ln -s /again "$g.del"
	[ "$status" -eq 0 ]
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	[[ $output == *"C $g.del"* ]]
	[[ $output != *"D $g.del"* ]]
	run os --resume="$S/st" -- readlink "$g.del"
	[ "$output" = /again ]
}

@test "kept: a resume that fails after removing the host's entries of a skeleton takes none for the session's" {
	require_sandbox
	findmnt -rn -o TARGET | grep -q '^/tmp/' || skip "no mount below /tmp"
	local g=/tmp/rtb-gone-$$ st=$S/st
	ln -s /kept "$g.a"
	ln -s /old "$g.b"
	os --keep="$st" -- true
	ln -sfn /new "$g.b"
	# a --bind of nothing fails last, once the host's entries are
	# removed and made again: the journal stays, no new record
	run --separate-stderr os --resume="$st" --bind=/rtb-none-$$:/mnt -- true
	[ "$status" -eq 125 ]
	[[ $stderr == *"cannot bind \`/rtb-none-$$'"* ]]
	[ -e "$st/overlay-session.points.clearing" ]
	[ ! -e "$st/overlay-session.points" ]
	run "${AS_USER[@]}" "$OS" --changes="$st"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *rtb-gone* ]]
	# and as it stops when killed before making them again
	find "$st/skel" -name "rtb-gone-$$.*" -type l -delete
	run "${AS_USER[@]}" "$OS" --changes="$st"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *rtb-gone* ]]
	run os --resume="$st" -- readlink "$g.a" "$g.b"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '/kept\n/new')" ]
	[ -e "$st/overlay-session.points" ]
	[ ! -e "$st/overlay-session.points.clearing" ]
	run "${AS_USER[@]}" "$OS" --changes="$st"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "entries of a skeleton removed while the session is built are left out, not a failure" {
	require_sandbox
	findmnt -rn -o TARGET | grep -q '^/tmp/' || skip "no mount below /tmp"
	# a busy /tmp: entries come and go while sessions plan and build it
	# (stopped by removing its flag, not killed: a killed loop's mktemp
	# could still create an entry after the cleanup)
	touch "$T/churn"
	( while [ -e "$T/churn" ]; do
		d=$(mktemp -d /tmp/rtb-churn.XXXXXX) && rmdir "$d"
		f=$(mktemp /tmp/rtb-churn.XXXXXX) && rm -f "$f"
	done ) 3>&- &
	local churn=$! i failed=0
	for i in $(seq 30); do
		os -- true || failed=$((failed + 1))
	done
	rm -f "$T/churn"
	wait "$churn" || true
	rm -rf /tmp/rtb-churn.*
	[ "$failed" -eq 0 ]
}

@test "a lower file changed between keep and resume is detected" {
	require_sandbox
	echo v1 > "$T/config"
	chown "$SANDBOX_UID:$SANDBOX_GID" "$T/config"
	os --keep="$S/st" -- sh -c 'echo session >> config'
	echo v2 > "$T/config"
	run --separate-stderr os --resume="$S/st" -- true
	[ "$status" -eq 125 ]
	[[ $stderr == *"lower changed: $T/config: modified"* ]]
	[[ $stderr == *"--force"* ]]
	run --separate-stderr os --resume="$S/st" --force -- cat config
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'v1\nsession')" ]
}

@test "clear failures: state inside the overlaid tree, not a session, no namespaces" {
	require_sandbox
	run --separate-stderr os --keep="$T/state" -- true
	[ "$status" -eq 125 ]
	[[ $stderr == *"is inside"*"which the session overlays"* ]]
	[ ! -e "$T/state" ] || [ -z "$(ls -A "$T/state")" ]
	mkdir "$S/notempty"; touch "$S/notempty/f"
	chown -R "$SANDBOX_UID" "$S/notempty"
	run --separate-stderr os --keep="$S/notempty" -- true
	[ "$status" -eq 125 ]
	[[ $stderr == *"neither empty nor a session directory"* ]]
	run --separate-stderr "${AS_USER[@]}" "$OS" --changes="$S/notempty"
	[ "$status" -eq 1 ]
	[[ $stderr == *"is not a session directory"* ]]
	# No user namespaces left to create (the limit is per namespace).
	run --separate-stderr "${AS_USER[@]}" unshare -Ur sh -c \
		"echo 0 > /proc/sys/user/max_user_namespaces && '$OS' -- true"
	[ "$status" -eq 125 ]
	[[ $stderr == *"cannot create a user and mount namespace"* ]]
}

@test "kill -9 of the session leaves no process and no mount" {
	require_sandbox
	local before pid
	before=$(mounts_now)
	(cd "$T" && exec "${AS_USER[@]}" "$OS" -- sleep 300 3>&-) &
	pid=$!
	wait_until pgrep -u "$SANDBOX_UID" -x sleep >/dev/null
	kill -KILL "$pid"
	wait "$pid" || true
	wait_until sh -c "! pgrep -u $SANDBOX_UID -x sleep >/dev/null"
	[ "$(mounts_now)" -eq "$before" ]
	run ! grep -q overlay /proc/self/mountinfo
}

@test "--net: a network of its own through slirp4netns, stopped with the session" {
	require_sandbox
	# make check-threads: slirp4netns joins the session's user namespace
	# from a fork() child, where ThreadSanitizer has started a thread,
	# and setns() into a user namespace wants a single-threaded caller.
	if ldd "$BIN/slirp4netns" | grep -q libtsan; then
		skip "slirp4netns is a ThreadSanitizer build"
	fi
	echo "from the host" > "$T/page"
	chmod 644 "$T/page"
	"${AS_USER[@]}" /usr/bin/python3 "$TOP/tests/lib/netkit" serve 127.0.0.1 18201 "$T/page" 3>&- &
	local server=$!
	wait_until sh -c 'ss -Htln "sport = :18201" | grep -q .'
	run os --net -- sh -c '
		ip -o -4 addr show tap0 | grep -o "inet [0-9./]*"
		cat /etc/resolv.conf
		readlink /proc/self/ns/net
		/usr/bin/python3 '"$TOP"'/tests/lib/netkit fetch 10.0.2.2 18201'
	kill "$server"; wait "$server" || true
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "inet 10.0.2.100/24" ]
	[ "${lines[1]}" = "nameserver 10.0.2.3" ]
	[ "${lines[2]}" != "$(readlink /proc/self/ns/net)" ]
	[ "${lines[3]}" = "from the host" ]
	run ! pgrep -u "$SANDBOX_UID" -x slirp4netns
}

# A package of one program and one config file, with a postinst.
make_deb() {
	mkdir -p "$T/pkg/DEBIAN" "$T/pkg/usr/bin" "$T/pkg/etc"
	printf 'Package: rtb-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@invalid.example>\nDescription: test package\n' \
		> "$T/pkg/DEBIAN/control"
	printf '#!/bin/sh\necho hello from rtb-hello\n' > "$T/pkg/usr/bin/rtb-hello"
	chmod 755 "$T/pkg/usr/bin/rtb-hello"
	echo conf > "$T/pkg/etc/rtb-hello.conf"
	printf '#!/bin/sh\nmkdir -p /var/lib/rtb-hello\n' > "$T/pkg/DEBIAN/postinst"
	chmod 755 "$T/pkg/DEBIAN/postinst"
	dpkg-deb --root-owner-group -b "$T/pkg" "$T/hello.deb" >/dev/null
	chmod 644 "$T/hello.deb"
}

@test "--root: root inside with the subordinate ids, dpkg -i works, the host is untouched" {
	require_sandbox
	make_deb
	local before
	before=$(mounts_now)
	run os --root -- sh -c "
		id -u; cut -f1-3 /proc/self/uid_map | tr -s ' ' | tr '\n' ';'; echo
		dpkg -i $T/hello.deb >/dev/null && rtb-hello &&
		dpkg-query -W -f='\${Status}\n' rtb-hello && test -d /var/lib/rtb-hello &&
		echo changed >> /etc/hostname && touch /usr/bin/rtb-touched && echo ok"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ ${lines[1]} == " 0 $SANDBOX_UID 1; 1 200000 65536;"* ]]
	[[ $output == *"hello from rtb-hello"* ]]
	[[ $output == *"install ok installed"* ]]
	[ "${lines[-1]}" = ok ]
	# The host has none of it, and nothing is left running or mounted.
	[ ! -e /usr/bin/rtb-hello ]
	[ ! -e /usr/bin/rtb-touched ]
	run ! dpkg-query -W rtb-hello
	run ! grep -q changed /etc/hostname
	[ "$(mounts_now)" -eq "$before" ]
	run ! pgrep -u "$SANDBOX_UID"
}

@test "--root: other owners' files changeable, links and xattrs kept, the host's overlay marks ignored" {
	require_sandbox
	# A root-owned tree outside the caller's: the session reads it
	# through its FUSE view of /.
	local L=$SANDBOX_DIR/lower
	mkdir -p "$L/opq" "$L/many"
	echo data > "$L/opq/file"
	echo secret > "$L/secret"
	chmod 600 "$L/secret"
	echo theirs > "$L/theirs"
	chown 1234:1234 "$L/theirs"
	ln "$L/theirs" "$L/hardlink"
	ln -s /etc/hostname "$L/link"
	mkfifo "$L/fifo"
	/usr/bin/python3 -c 'import os, sys
os.setxattr(sys.argv[1] + "/theirs", "user.rtb", b"kept")
# An xattr whiteout (Linux 6.7) as a container storage on the host may
# hold: the host'"'"'s, which must not hide the file from the session.
open(sys.argv[1] + "/opq/wh", "w").close()
os.setxattr(sys.argv[1] + "/opq/wh", "user.overlay.whiteout", b"")
os.setxattr(sys.argv[1] + "/opq", "user.overlay.opaque", b"x")
for i in range(3000):
    open("%s/many/a-longer-name-to-fill-readdir-buffers-%04d" % (sys.argv[1], i), "w").close()
' "$L"
	run os --root -- /usr/bin/python3 -c 'import os, sys
L = sys.argv[1]
print(open(L + "/opq/file").read().strip(), os.path.exists(L + "/opq/wh"))
st = os.stat(L + "/theirs")
print("%d:%d" % (st.st_uid, st.st_gid), st.st_ino == os.stat(L + "/hardlink").st_ino)
print(os.getxattr(L + "/theirs", "user.rtb").decode(), "user.overlay.opaque" in os.listxattr(L + "/opq"))
print(os.readlink(L + "/link"), os.path.isfile(L + "/fifo") or __import__("stat").S_ISFIFO(os.lstat(L + "/fifo").st_mode))
print(len(os.listdir(L + "/many")), len(set(os.listdir(L + "/many"))))
try:
    open(L + "/secret").read()
except PermissionError:
    print("secret unreadable")
with open(L + "/theirs", "a") as f:
    f.write("changed\n")
print(open(L + "/theirs").read().split())
open(L + "/new", "w").close()
print("done")
' "$L"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "data True" ]
	[ "${lines[1]}" = "0:0 True" ]
	[ "${lines[2]}" = "kept False" ]
	[ "${lines[3]}" = "/etc/hostname True" ]
	[ "${lines[4]}" = "3000 3000" ]
	[ "${lines[5]}" = "secret unreadable" ]
	[ "${lines[6]}" = "['theirs', 'changed']" ]
	[ "${lines[7]}" = done ]
	# the host's tree as it was
	[ "$(cat "$L/theirs")" = theirs ]
	[ "$(stat -c %u:%g "$L/theirs")" = 1234:1234 ]
	[ ! -e "$L/new" ]
	rm -rf "$L"
}

@test "--root: readers side by side get the host's files, names and bytes" {
	require_sandbox
	# Processes at once through the FUSE view of /: lookups, readdirs,
	# opens, reads and releases on libfuse's threads together (make
	# check-threads runs this under ThreadSanitizer).
	local list='find /usr/include -type f | sort | head -n 800'
	local sums='xargs -P 4 -n 20 sha256sum | sort -k 2'
	local want
	want=$(sh -c "$list | $sums")
	[ "$(wc -l <<< "$want")" -eq 800 ]
	run os --root -- sh -c "
		($list > /tmp/one & $list > /tmp/two & wait) &&
		cmp /tmp/one /tmp/two && $list | $sums"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "--root --keep: changes and the layer as for kernel sessions; resume" {
	require_sandbox
	run os --root --keep="$S/st" -- sh -c '
		echo new > /etc/rtb-new; rm /etc/hostname
		rm -r /usr/share/doc/bash; mkdir /usr/share/doc/bash
		echo fresh > /usr/share/doc/bash/only'
	[ "$status" -eq 0 ]
	run "${AS_USER[@]}" "$OS" --changes="$S/st"
	echo "$output"
	[[ $output == *"A /etc/rtb-new"* ]]
	[[ $output == *"D /etc/hostname"* ]]
	[[ $output == *"R /usr/share/doc/bash"* ]]
	[[ $output == *"A /usr/share/doc/bash/only"* ]]
	# the lock files made for dpkg are not the session's changes
	[[ $output != *lock* ]]
	[[ $output != *".wh."* ]]
	"${AS_USER[@]}" "$BIN/become-root" -- "$OS" --export-layer="$S/st" > "$T/layer.tar"
	run tar -tvf "$T/layer.tar"
	[[ $output == *" 0/0 "*"etc/.wh.hostname"* ]]
	[[ $output == *"usr/share/doc/bash/.wh..wh..opq"* ]]
	[ "$(grep -c 'wh..wh..opq' <<< "$output")" -eq 1 ]
	run os --root --resume="$S/st" -- sh -c 'cat /etc/rtb-new; test ! -e /etc/hostname && ls /usr/share/doc/bash'
	[ "$output" = "$(printf 'new\nonly')" ]
	# the session directory must be passed through, not overlaid
	run os --root --keep="$T/inside" -- true
	[ "$status" -eq 125 ]
	[[ $output == *"keep \`$T/inside' under /dev/shm or /run"* ]]
}

@test "--root: a clear failure without /dev/fuse; kill -9 leaves nothing" {
	require_sandbox
	# /dev/fuse made unopenable, in a mount namespace of this test's
	touch "$T/nofuse"
	chmod 000 "$T/nofuse"
	run unshare --mount --propagation private sh -c \
		'mount --bind "$1" /dev/fuse && shift && exec "$@"' sh "$T/nofuse" \
		"${AS_USER[@]}" "$OS" --root -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"--root needs /dev/fuse: Permission denied"* ]]
	local before pid
	before=$(mounts_now)
	(cd "$T" && exec "${AS_USER[@]}" "$OS" --root -- sleep 300 3>&-) &
	pid=$!
	wait_until pgrep -u "$SANDBOX_UID" -x sleep >/dev/null
	# overlay-session and its child serving the session's view of /
	[ "$(pgrep -u "$SANDBOX_UID" -x overlay-session | wc -l)" -eq 2 ]
	# the server keeps only the capabilities to read, and cannot regain more
	local p status=
	for p in $(pgrep -u "$SANDBOX_UID" -x overlay-session); do
		status+=$(grep -E '^(CapEff|NoNewPrivs):' "/proc/$p/status" | tr -s '\t\n' '  ')$'\n'
	done
	echo "$status"
	[[ $status == *"CapEff: 0000000000000006 NoNewPrivs: 1 "* ]]
	kill -KILL "$pid"
	wait "$pid" || true
	wait_until sh -c "! pgrep -u $SANDBOX_UID >/dev/null"
	[ "$(mounts_now)" -eq "$before" ]
}
