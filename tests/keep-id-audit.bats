#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# keep-id-audit against files that the sandbox's test user really made
# inside become-root, judged by root with the real subid files.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	KA=$BIN/keep-id-audit
	BR=$BIN/become-root
	if in_sandbox; then
		set_subuid 'rlt:200000:65536\nrlt:400000:65536\n'
		set_subgid 'rlt:200000:65536\nrlt:400000:65536\n'
		T=$(user_tmpdir)
		chmod 755 "$T"
	fi
}

teardown() {
	in_sandbox && restore_nsswitch
	true
}

# As the test user, inside become-root: x is setuid+setgid root-in-ns uid
# 10 (host 200009); d5/y carries a v3 capability made in a nested user
# namespace whose root is uid 5 (host 200004).
make_findings() {
	as_user "$BR" -- sh -c "
		cd '$T' && touch x && chown 10:10 x && chmod 6755 x &&
		mkdir d5 && chown 5:5 d5 &&
		setpriv --reuid=5 --regid=5 --clear-groups unshare -Ur \
			sh -c 'cp /bin/true d5/y && setcap cap_net_raw+ep d5/y'"
}

@test "keep-id-audit: --help, --version, usage errors" {
	run "$KA" --help
	[ "$status" -eq 0 ]
	for opt in --one-file-system --cross-mounts --exclude --all --json \
		--print0 --record --since --fix --dry-run --threads; do
		[[ $output == *"$opt"* ]] || { echo "missing $opt"; false; }
	done
	run "$KA" --version
	[ "$output" = "keep-id-audit $(cat "$TOP/VERSION")" ]
	run "$KA" --bogus
	[ "$status" -eq 2 ]
	run "$KA" --dry-run /tmp
	[ "$status" -eq 2 ]
	run "$KA" --threads=0 /tmp
	[ "$status" -eq 2 ]
}

@test "keep-id-audit: finds a setuid file and a v3 capability made in a user namespace" {
	require_sandbox
	make_findings
	[ "$(getcap -n "$T/d5/y")" = "$T/d5/y cap_net_raw=ep [rootid=200004]" ]
	run "$KA" "$T"
	[ "$status" -eq 1 ]
	echo "$output"
	[[ $output == *"subordinate setuid         200009  6755  200009:200009 rlt                  $T/x"* ]]
	[[ $output == *"subordinate setgid         200009  6755  200009:200009 rlt "* ]]
	[[ $output == *"subordinate cap-rootid     200004  0755  200004:200004 rlt                  $T/d5/y"* ]]
	[[ $output == *"subordinate capability     200004"* ]]
	run "$KA" --json "$T"
	[ "$status" -eq 1 ]
	[[ $output == *'{"type":"file","path":"'"$T"'/d5/y","mode":"0755","uid":200004,"gid":200004,"check":"cap-rootid","id":200004,"verdict":"subordinate","range_owner":"rlt","previous_owner":null,"action":null}'* ]]
}

@test "keep-id-audit: --fix clears bits and capabilities, --dry-run does not" {
	require_sandbox
	make_findings
	run "$KA" --fix --dry-run "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"[would fix]"* ]]
	[ "$(stat -c %a "$T/x")" = 6755 ]
	run "$KA" --fix "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"$T/x  [fixed]"* ]]
	[ "$(stat -c %a "$T/x")" = 755 ]
	[ -z "$(getcap "$T/d5/y")" ]
	run "$KA" "$T"
	[ "$status" -eq 0 ]
}

@test "keep-id-audit: --record, then a range given to another user: reassigned" {
	require_sandbox
	make_findings
	run "$KA" --record="$T/state" "$T"
	[ "$status" -eq 1 ]
	head -1 "$T/state" | grep -q '^# keep-id-audit state 1$'
	set_subuid 'other:200000:65536\nrlt:400000:65536\n'
	run "$KA" --since="$T/state" "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"reassigned  setuid         200009  6755  200009:200009 other (was rlt)"* ]]
	run "$KA" --since="$T/nonexistent" "$T"
	[ "$status" -eq 2 ]
	echo garbage > "$T/bad"
	run "$KA" --since="$T/bad" "$T"
	[ "$status" -eq 2 ]
	[[ $output == *"not a keep-id-audit state file"* ]]
}

@test "keep-id-audit: orphaned ids, and --all lists what is fine" {
	require_sandbox
	touch "$T/orphan" "$T/fine"
	chown 999999:0 "$T/orphan"
	chmod 4755 "$T/orphan" "$T/fine"
	run "$KA" "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"orphaned    setuid         999999"*"$T/orphan"* ]]
	[[ $output != *"$T/fine"* ]]
	run "$KA" --all "$T"
	[[ $output == *"ok          setuid              0  4755  0:0"*"$T/fine"* ]]
}

@test "keep-id-audit: the allocation files are audited" {
	require_sandbox
	set_subuid 'rlt:200000:65536\nother:250000:10\nzero:0:5\nacct:48000:1000\nbroken:1\n'
	run "$KA" "$T"
	[ "$status" -eq 1 ]
	echo "$output"
	[[ $output == *"/etc/subuid:2: ranges of rlt (line 1) and other (line 2) overlap"* ]]
	[[ $output == *"/etc/subuid:3: range 0-4 of zero contains id 0 (root)"* ]]
	[[ $output == *"uid 48879 of account rlt lies in the range of acct"* ]]
	[[ $output == *"/etc/subuid:5: expected 3 fields, found 2"* ]]
}

@test "keep-id-audit: a file swapped for a symlink before --fix is left alone" {
	require_sandbox
	make_findings
	# Outside the tree, a file the attacker wants changed.
	outside=$(user_tmpdir)
	touch "$outside/victim"
	chown 200009:200009 "$outside/victim"
	chmod 6755 "$outside/victim"
	rm -rf "$T/d5"
	# x is not executable-only: its first O_PATH open is the fix's.
	run env LD_PRELOAD="$BUILDDIR/tests/swap-shim.so" \
		ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 \
		SWAP_SHIM_NAME=x SWAP_SHIM_NTH=2 SWAP_SHIM_TARGET="$outside/victim" \
		"$KA" --fix "$T"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == *"[changed since judged: left alone]"* ]]
	[ -L "$T/x" ]
	[ "$(stat -c %a "$outside/victim")" = 6755 ]
}

@test "keep-id-audit: names with newlines and invalid UTF-8, table, JSON, print0" {
	require_sandbox
	name=$'evil\nname\xff'
	touch "$T/$name"
	chown 200001:0 "$T/$name"
	chmod 4755 "$T/$name"
	run "$KA" "$T"
	[[ $output == *"$T/evil\\nname\\xff"* ]]
	run "$KA" --json "$T"
	[[ $output == *'"path":"'"$T"'/evil\nname\udcff"'* ]]
	"$KA" --print0 "$T" > "$T.out" || true
	[ "$(cat "$T.out")" = "$T/$name" ]
	[ "$(tr -cd '\0' < "$T.out" | wc -c)" = 1 ]
	rm -f "$T.out"
}

@test "keep-id-audit: unreadable directories are counted, findings still printed (2)" {
	require_sandbox
	mkdir -p "$T/open" "$T/closed"
	touch "$T/open/f"
	chown 200001:0 "$T/open/f"
	chmod 4755 "$T/open/f"
	chmod 000 "$T/closed"
	run -2 as_user "$KA" "$T"
	[[ $output == *"cannot open directory \`$T/closed\`: Permission denied"* ]]
	[[ $output == *"$T/open/f"* ]]
	[[ $output == *"1 files or directories could not be read"* ]]
	chmod 755 "$T/closed"
}

@test "keep-id-audit: exit status 0 when nothing is found" {
	require_sandbox
	touch "$T/plain"
	chmod 755 "$T/plain"
	run "$KA" "$T"
	[ "$status" -eq 0 ]
	run "$KA" /nonexistent
	[ "$status" -eq 2 ]
}

@test "keep-id-audit: one filesystem by default, --cross-mounts, never into proc; --exclude" {
	require_sandbox
	mkdir "$T/mnt" "$T/proc" "$T/skip"
	mount -t tmpfs none "$T/mnt"
	mount -t proc proc "$T/proc"
	touch "$T/mnt/f" "$T/skip/f"
	chown 200001:0 "$T/mnt/f" "$T/skip/f"
	chmod 4755 "$T/mnt/f" "$T/skip/f"
	run "$KA" --exclude="$T/skip" "$T"
	[[ $output != *"$T/mnt/f"* ]]
	[[ $output != *"$T/skip/f"* ]]
	run "$KA" --cross-mounts "$T"
	[[ $output == *"$T/mnt/f"* ]]
	[[ $output == *"$T/skip/f"* ]]
	[[ $output != *"$T/proc/"* ]]
	umount "$T/mnt" "$T/proc"
}

@test "keep-id-audit: a tree deeper than PATH_MAX" {
	require_sandbox
	# 2500 levels, 7500 bytes of path: made 250 levels at a time, as a
	# cd per level costs bash O(depth).
	chunk=$(printf 'dd/%.0s' {1..250})
	(
		set -P
		cd "$T"
		for ((i = 0; i < 10; i++)); do mkdir -p "$chunk" && cd "$chunk"; done
		touch deep && chown 200002:0 deep && chmod 4755 deep
	)
	run "$KA" "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"/dd/dd/deep"* ]]
	[ "${#output}" -gt 5000 ]
	rm -rf "$T/dd" 2>/dev/null || (cd "$T" && find dd -depth -delete)
}

@test "keep-id-audit: bash completion" {
	[ -f /usr/share/bash-completion/bash_completion ] ||
		skip "bash-completion is not installed"
	run bash -c 'source /usr/share/bash-completion/bash_completion
		source "$1/completions/keep-id-audit.bash"
		COMP_WORDS=(keep-id-audit --cross); COMP_CWORD=1
		COMP_LINE="keep-id-audit --cross"; COMP_POINT=${#COMP_LINE}
		_keep_id_audit 2>/dev/null; echo "${COMPREPLY[*]}"' _ "$TOP"
	[ "$output" = --cross-mounts ]
}

@test "keep-id-audit: symlink loops are not followed" {
	require_sandbox
	mkdir "$T/a"
	ln -s . "$T/a/self"
	ln -s ../a "$T/a/up"
	ln -s "$T/b" "$T/c"
	ln -s "$T/c" "$T/b"
	touch "$T/a/f" && chown 200001:0 "$T/a/f" && chmod 4755 "$T/a/f"
	run "$KA" "$T"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | grep -c "$T/a/f")" -eq 1 ]
}

@test "keep-id-audit: a directory of 100,000 entries" {
	require_sandbox
	python3 -c '
import os, sys
d = sys.argv[1]
for i in range(100000):
    os.close(os.open(f"{d}/f{i}", os.O_CREAT | os.O_WRONLY, 0o644))
os.chown(f"{d}/f77777", 200003, 0)
os.chmod(f"{d}/f77777", 0o4755)' "$T"
	run "$KA" "$T"
	[ "$status" -eq 1 ]
	[[ $output == *"$T/f77777"* ]]
	[ "$(echo "$output" | wc -l)" -eq 2 ]
}

@test "keep-id-audit: directories removed and recreated during the walk" {
	require_sandbox
	for i in $(seq 100); do
		mkdir -p "$T/d$i/sub"
		touch "$T/d$i/sub/f1" "$T/d$i/sub/f2" "$T/d$i/f"
	done
	touch "$T/keep" && chown 200001:0 "$T/keep" && chmod 4755 "$T/keep"
	# A bounded churn: at most 5 s, stopped as soon as the scans end.
	(
		end=$((SECONDS + 5))
		while ((SECONDS < end)); do
			for i in $(seq 100); do
				rm -rf "$T/d$i"
				mkdir -p "$T/d$i/sub" && touch "$T/d$i/sub/f1"
			done
		done
	) 3>&- &
	churn=$!
	for run in 1 2 3 4 5; do
		rc=0
		"$KA" "$T" > "$T.out" 2> "$T.err" || rc=$?
		cat "$T.err"
		[ "$rc" -eq 1 ]
		grep -q "$T/keep" "$T.out"
		[ ! -s "$T.err" ]
	done
	kill "$churn" 2>/dev/null || true
	wait "$churn" || true
	rm -f "$T.out" "$T.err"
}

@test "keep-id-audit: range owners from an NSS source (libsubid)" {
	require_sandbox
	set_subuid ''
	set_subgid ''
	use_nss_subid || skip "built without libsubid's header"
	lib=$NSS_LIBDIR
	touch "$T/f" && chown 300005:0 "$T/f" && chmod 4755 "$T/f"
	touch "$T/g" && chown 0:300999 "$T/g" && chmod 2755 "$T/g"
	run env LD_LIBRARY_PATH="$lib" "$KA" "$T"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"subordinate setuid         300005  4755  300005:0      rlt"* ]]
	[[ $output == *"subordinate setgid         300999  2755  0:300999      rlt"* ]]
}
