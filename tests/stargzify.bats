#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# stargzify on tars made by GNU tar, bsdtar and Python's tarfile, each
# through every format, checked with gzip/zstd, tar, and the reference
# (the estargz oracle, built from Debian's Go library): its verifier, and
# its own conversion of the same input, TOC entry by entry.

bats_require_minimum_version 1.5.0
load lib/common

CHUNK=65536

oracle_source() {
	local d
	for d in "${ESTARGZ_ORACLE_SRC:-}" "$TOP/../shared/tools/estargz-oracle" \
		/work/shared/tools/estargz-oracle; do
		[ -n "$d" ] && [ -f "$d/build.sh" ] && { echo "$d"; return; }
	done
	return 1
}

setup_file() {
	export ORACLE=${ESTARGZ_ORACLE:-$BUILDDIR/oracle/estargz-oracle}
	if [ ! -x "$ORACLE" ]; then
		src=$(oracle_source) || { echo "no estargz oracle source" >&2; return 1; }
		sh "$src/build.sh" "$(dirname "$ORACLE")" >/dev/null
	fi
	export CORPUS=$BATS_FILE_TMPDIR/corpus
	mkdir -p "$CORPUS" "$BATS_FILE_TMPDIR/bad"
	/usr/bin/python3 "$TOP/tests/lib/stargz-check" corpus "$CORPUS" $CHUNK
	/usr/bin/python3 "$TOP/tests/lib/stargz-check" bad "$BATS_FILE_TMPDIR/bad"
}

setup() {
	SG=$BIN/stargzify
	CHECK="/usr/bin/python3 $TOP/tests/lib/stargz-check"
	T=$BATS_TEST_TMPDIR
}

annotation() { # JSON-FILE KEY
	/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["annotations"][sys.argv[2]])' "$1" "$2"
}

@test "stargzify: --help, --version, usage errors" {
	run "$SG" --help
	[ "$status" -eq 0 ]
	for opt in --format --level --chunk-size --prioritize --threads --json \
		--annotations --list --verify --toc-digest --extract --output; do
		[[ "$output" == *"$opt"* ]]
	done
	run "$SG" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "stargzify "* ]]
	run "$SG"
	[ "$status" -eq 2 ]
	run "$SG" --format=zip a b
	[ "$status" -eq 2 ]
	[[ "$output" == *"not estargz, stargz or zstd:chunked"* ]]
	run "$SG" --level=13 a b
	[ "$status" -eq 2 ]
	run "$SG" --chunk-size=0 a b
	[ "$status" -eq 2 ]
	run "$SG" --format=stargz --prioritize=x a b
	[ "$status" -eq 2 ]
	run "$SG" --list --verify x
	[ "$status" -eq 2 ]
	run "$SG" /nonexistent "$T/out"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent"* ]]
}

# Every corpus tar through one format: valid for gzip/zstd and tar, verified
# by the oracle against our annotation, TOC equal to the oracle's own
# conversion, and extracting to the input's tree.
check_format() { # FORMAT
	local fmt=$1 in base out zflag="" tarz=-z tool=gzip
	[ "$fmt" = zstd:chunked ] && { zflag=-zstd; tarz=--zstd; tool=zstd; }
	for in in "$CORPUS"/*.tar "$CORPUS"/*.tar.gz; do
		base=$(basename "$in")
		out=$T/$base.$fmt
		chunk=$CHUNK
		[ "$fmt" = stargz ] && chunk=4194304 # the oracle's legacy: default
		"$SG" --format="$fmt" --chunk-size=$chunk --annotations="$T/facts" \
			"$in" "$out" || { echo "convert $base"; return 1; }
		$tool -t "$out" || { echo "$tool -t $base"; return 1; }
		tar $tarz -tf "$out" > "$T/list" || { echo "tar -t $base"; return 1; }
		tar -tf "$in" | sort > "$T/list.in"
		grep -v -x -e stargz.index.json -e .no.prefetch.landmark "$T/list" |
			sort -u > "$T/list.out"
		sort -u "$T/list.in" | diff - "$T/list.out" || { echo "list $base"; return 1; }
		toc=$(annotation "$T/facts" containerd.io/snapshot/stargz/toc.digest)
		"$ORACLE" verify -q $zflag -tocdigest "$toc" "$out" >/dev/null ||
			{ echo "oracle verify $base"; return 1; }
		"$SG" --verify --toc-digest="$toc" "$out" >/dev/null ||
			{ echo "our verify $base"; return 1; }
		# the oracle's conversion of the same input, one thread (its output
		# depends on GOMAXPROCS)
		case $fmt in
		estargz) GOMAXPROCS=1 "$ORACLE" build -chunk $chunk "$in" "$T/ref" >/dev/null ;;
		zstd:chunked) GOMAXPROCS=1 "$ORACLE" build -zstd -chunk $chunk "$in" "$T/ref" >/dev/null ;;
		stargz) "$ORACLE" legacy "$in" "$T/ref" >/dev/null ;;
		esac
		if [ "$fmt" = zstd:chunked ]; then
			ref_json "$T/ref" > "$T/ref.json"
			ref_json "$out" > "$T/ours.json"
		else
			"$ORACLE" toc "$T/ref" 2>/dev/null | tar -xO > "$T/ref.json"
			"$ORACLE" toc "$out" 2>/dev/null | tar -xO > "$T/ours.json"
		fi
		$CHECK toc-equal "$T/ref.json" "$T/ours.json" >/dev/null ||
			{ echo "toc $base"; $CHECK toc-equal "$T/ref.json" "$T/ours.json"; return 1; }
		# as many members as the reference (data compressed once and
		# joined to the headers after it included); their lengths differ
		# where Go writes the headers anew
		if [ $tool = gzip ]; then
			[ "$($CHECK members "$T/ref" | cut -d' ' -f1)" = \
				"$($CHECK members "$out" | cut -d' ' -f1)" ] ||
				{ echo "members $base"; return 1; }
		fi
		rm -rf "$T/a" "$T/b" && mkdir "$T/a" "$T/b"
		tar --xattrs --xattrs-include='*' --same-owner -xpf "$in" -C "$T/a"
		tar $tarz --xattrs --xattrs-include='*' --same-owner -xpf "$out" -C "$T/b"
		rm -f "$T/b/stargz.index.json" "$T/b/.no.prefetch.landmark"
		$CHECK tree-equal "$T/a" "$T/b" >/dev/null ||
			{ echo "tree $base"; $CHECK tree-equal "$T/a" "$T/b"; return 1; }
	done
}

# A zstd:chunked TOC: the skippable frame the footer points at.
ref_json() {
	/usr/bin/python3 - "$1" <<'EOF'
import struct, subprocess, sys
b = open(sys.argv[1], "rb").read()
off, clen, raw, _ = struct.unpack("<QQQQ", b[-40:-8])
sys.stdout.write(subprocess.run(["zstd", "-dc"], input=b[off:off + clen],
                 capture_output=True, check=True).stdout.decode())
EOF
}

@test "stargzify: every corpus tar to eStargz, checked by gzip, tar and the oracle" {
	check_format estargz
}

@test "stargzify: every corpus tar to stargz (47-byte footer), checked likewise" {
	check_format stargz
	out=$T/gnutar-pax.tar.stargz
	[ "$(tail -c 47 "$out" | head -c 4 | od -An -tx1 | tr -d ' ')" = 1f8b0804 ]
	run "$SG" --verify "$out"
	[[ "$output" == *": stargz, "* ]]
}

@test "stargzify: every corpus tar to zstd:chunked, checked likewise" {
	check_format zstd:chunked
}

@test "stargzify: the same bytes whatever the number of threads" {
	for in in "$CORPUS"/*.tar; do
		"$SG" -j1 -c 4096 "$in" "$T/one"
		"$SG" -j2 -c 4096 "$in" "$T/two"
		"$SG" -j7 -c 4096 "$in" "$T/seven"
		cmp "$T/one" "$T/two"
		cmp "$T/one" "$T/seven"
	done
	# a TOC of several MiB, compressed in pieces on every thread
	/usr/bin/python3 - "$T/many.tar" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    for i in range(12000):
        data = b"%d\n" % i
        info = tarfile.TarInfo(f"dir-{i % 50}/file-with-a-long-name-{i}")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
EOF
	"$SG" -j1 --level=1 "$T/many.tar" "$T/one"
	"$SG" -j3 --level=1 "$T/many.tar" "$T/three"
	cmp "$T/one" "$T/three"
	gzip -t "$T/one"
	"$ORACLE" toc "$T/one" 2>/dev/null | tar -xO | wc -c > "$T/toc.size"
	[ "$(cat "$T/toc.size")" -gt $((2 << 20)) ]
	"$ORACLE" verify -q "$T/one" > /dev/null
}

@test "stargzify: converting while inflating, or as headers come, gives the bytes of the indexed way" {
	# To stdout the archive is indexed first; to a file each entry is
	# converted as its header is read, and a tar.gz or tar.zst while it
	# is still being inflated. A name that comes again (python-*.tar has
	# dup.txt twice) makes the file's conversion start over from an index.
	for in in "$CORPUS"/*.tar; do
		for fmt in estargz stargz zstd:chunked; do
			"$SG" --format=$fmt -c 4096 "$in" - > "$T/indexed"
			"$SG" --format=$fmt -c 4096 "$in" "$T/streamed"
			cmp "$T/indexed" "$T/streamed"
			gzip -c "$in" > "$T/in.tar.gz"
			"$SG" --format=$fmt -c 4096 "$T/in.tar.gz" "$T/from-gz"
			cmp "$T/indexed" "$T/from-gz"
			zstd -qc "$in" > "$T/in.tar.zst"
			"$SG" --format=$fmt -c 4096 - "$T/from-zst" < "$T/in.tar.zst"
			cmp "$T/indexed" "$T/from-zst"
		done
	done
	# A bad CRC in the gzip trailer, which comes after the tar's end (and
	# a megabyte of bytes after that, which a reader ignores): sent late,
	# so that the conversion is done by then and must wait for it.
	/usr/bin/python3 - "$CORPUS/gnutar-pax.tar" "$T/crc.tar.gz" <<'EOF'
import gzip, os, sys
z = bytearray(gzip.compress(open(sys.argv[1], "rb").read() + os.urandom(1 << 20)))
z[-8] ^= 0xff
open(sys.argv[2], "wb").write(z)
EOF
	run bash -c '{ head -c -8 "$1"; sleep 2; tail -c 8 "$1"; } | "$2" - "$3"' \
		_ "$T/crc.tar.gz" "$SG" "$T/crc-out"
	[ "$status" -eq 1 ]
	[[ "$output" == *"-: corrupt gzip data"*"incorrect data check"* ]]
	[ ! -e "$T/crc-out" ]
	# a bad header at the start of a long tar.gz: the inflating stops too
	/usr/bin/python3 -c 'import sys; sys.stdout.buffer.write(b"x" * 512 + bytes(64 << 20))' |
		gzip -1 > "$T/long.tar.gz"
	run timeout 60 "$SG" "$T/long.tar.gz" "$T/long-out"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad header checksum at offset 0"* ]]
	[ ! -e "$T/long-out" ]
}

@test "stargzify: --json facts match the blob and the uncompressed tar" {
	in=$CORPUS/python-pax.tar
	"$SG" --json "$in" "$T/out" > "$T/facts"
	digest=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$T/facts")
	size=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["size"])' "$T/facts")
	diffid=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["diffID"])' "$T/facts")
	[ "$digest" = "sha256:$(sha256sum < "$T/out" | cut -d' ' -f1)" ]
	[ "$size" = "$(stat -c %s "$T/out")" ]
	[ "$diffid" = "sha256:$(gzip -dc "$T/out" | sha256sum | cut -d' ' -f1)" ]
	usize=$(annotation "$T/facts" io.containers.estargz.uncompressed-size)
	[ "$usize" = "$(gzip -dc "$T/out" | wc -c)" ]
	# --annotations alone computes the digests too (they are skipped
	# when nothing asks for them)
	"$SG" --annotations="$T/facts2" "$in" "$T/out2"
	cmp "$T/facts" "$T/facts2"
	# stdin to stdout gives the same blob
	"$SG" - - < "$in" > "$T/piped"
	cmp "$T/out" "$T/piped"
}

@test "stargzify: --prioritize puts files, parents and link targets first, as the oracle" {
	in=$CORPUS/python-pax.tar
	printf '%s\n' './link' '{"path": "./dev/null"}' 'not/there' > "$T/prio"
	run "$SG" --prioritize="$T/prio" -c $CHUNK "$in" "$T/out"
	[ "$status" -eq 0 ]
	[[ "$output" == *"not/there is not in the layer"* ]]
	GOMAXPROCS=1 "$ORACLE" build -chunk $CHUNK -prio ./link,./dev/null,not/there "$in" "$T/ref" >/dev/null
	"$ORACLE" toc "$T/ref" 2>/dev/null | tar -xO > "$T/ref.json"
	"$ORACLE" toc "$T/out" 2>/dev/null | tar -xO > "$T/ours.json"
	$CHECK toc-equal "$T/ref.json" "$T/ours.json"
	run "$SG" --list "$T/out"
	[ "${lines[0]}" = ./ ]
	[ "${lines[1]}" = ./a.txt ]
	[ "${lines[2]}" = ./link ]
	[ "${lines[3]}" = ./dev/ ]
	[ "${lines[4]}" = ./dev/null ]
	[ "${lines[5]}" = .prefetch.landmark ]
}

@test "stargzify: --extract reads only the footer, the TOC and one file's members" {
	# 40 MB of incompressible files, one small file to take out
	mkdir "$T/big"
	for i in 1 2 3 4; do head -c 10000000 /dev/urandom > "$T/big/f$i"; done
	echo "the one" > "$T/big/small"
	tar -C "$T/big" -cf "$T/big.tar" .
	"$SG" -l 1 "$T/big.tar" "$T/big.esgz"
	strace -e trace=openat,pread64 -o "$T/trace" "$SG" -x -v "$T/big.esgz" ./small > "$T/got" 2> "$T/err"
	[ "$(cat "$T/got")" = "the one" ]
	# every pread64 after the blob is opened (the loader's come before)
	read_bytes=$(awk -F'= ' '/openat.*big.esgz/ {on = 1} on && /^pread64/ {s += $NF} END {print s}' "$T/trace")
	blob=$(stat -c %s "$T/big.esgz")
	echo "read $read_bytes of $blob bytes"
	[ "$read_bytes" -gt 0 ]
	[ "$read_bytes" -lt $((blob / 1000)) ]
	grep -q "read $read_bytes of $blob bytes" "$T/err"
	# a large file comes out whole, through its chunks, to a file
	"$SG" -x -o "$T/f2" "$T/big.esgz" f2
	cmp "$T/f2" "$T/big/f2"
	run "$SG" -x "$T/big.esgz" nothing/here
	[ "$status" -eq 1 ]
	[[ "$output" == *"no nothing/here in the layer"* ]]
	# hard links lead to their target
	"$SG" "$CORPUS/python-pax.tar" "$T/p.esgz"
	[ "$("$SG" -x "$T/p.esgz" link)" = "$(printf 'a%.0s' $(seq 100))" ]
}

@test "stargzify: --verify catches a changed byte, a wrong TOC digest, a bad footer" {
	in=$CORPUS/gnutar-pax.tar
	"$SG" -l 0 --annotations="$T/facts" "$in" "$T/out" # stored: bytes visible
	toc=$(annotation "$T/facts" containerd.io/snapshot/stargz/toc.digest)
	"$SG" --verify --toc-digest="$toc" "$T/out"
	run "$SG" --verify --toc-digest=sha256:$(printf '0%.0s' $(seq 64)) "$T/out"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the TOC digest is $toc"* ]]
	# flip a byte of deep.txt's data (stored deflate: the text is there)
	off=$(/usr/bin/python3 -c 'import sys; print(open(sys.argv[1], "rb").read().index(b"deep\ndeep\ndeep"))' "$T/out")
	cp "$T/out" "$T/bad"
	printf 'X' | dd of="$T/bad" bs=1 seek=$((off + 2)) conv=notrunc status=none
	run "$SG" --verify "$T/bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *deep.txt* ]]
	# a truncated blob has no footer
	head -c 1000 "$T/out" > "$T/short"
	run "$SG" --verify "$T/short"
	[ "$status" -eq 1 ]
	[[ "$output" == *"footer"* ]]
	run "$SG" --list "$in"
	[ "$status" -eq 1 ]
}

@test "stargzify: --verify on threads names the first bad file, as on one" {
	mkdir "$T/many"
	for i in $(seq -w 0 199); do
		# unique text, stored as it is at level 0
		for k in 1 2 3 4 5 6 7 8; do echo "file $i line $k"; done > "$T/many/f$i"
	done
	# the first bad file is large, bad at its end: on threads, the
	# second is found first
	seq 1 2000000 > "$T/many/f050"
	tar -C "$T/many" -cf "$T/many.tar" --sort=name .
	"$SG" -l 0 "$T/many.tar" "$T/many.esgz"
	for j in 1 2 8; do
		"$SG" -j $j --verify "$T/many.esgz"
	done
	cp "$T/many.esgz" "$T/bad"
	for text in "file 150 line 3" $'\n1999990\n'; do
		off=$(/usr/bin/python3 -c 'import sys; print(open(sys.argv[1], "rb").read().index(sys.argv[2].encode()))' \
			"$T/bad" "$text")
		printf 'X' | dd of="$T/bad" bs=1 seek=$((off + 2)) conv=notrunc status=none
	done
	run "$SG" -j 1 --verify "$T/bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/bad: ./f050: "* ]]
	first=$output
	for j in 2 8; do
		run "$SG" -j $j --verify "$T/bad"
		echo "-j $j: $output"
		[ "$status" -eq 1 ]
		[ "$output" = "$first" ]
	done
}

@test "stargzify: --verify and --extract read members that hold much more than their chunk" {
	# a small file then 10000 directories (5 MiB of headers): the
	# oracle's member holds them all, ours splits them at 4 MiB; a file
	# of exactly 4 MiB ends a member of ours, its headers start the next
	mkdir -p "$T/tree/a" "$T/tree/m"
	echo small > "$T/tree/a/small"
	for i in $(seq 0 99); do echo "d$i/"; done | sed "s|^|$T/tree/m/|" |
		xargs mkdir
	for i in $(seq 0 99); do echo "$T/tree/m/d$i/e"{0..99}; done | xargs mkdir
	head -c $((4 << 20)) /dev/urandom > "$T/tree/m/full"
	echo last > "$T/tree/z"
	tar -C "$T/tree" -cf "$T/dirs.tar" --sort=name .
	GOMAXPROCS=1 "$ORACLE" build "$T/dirs.tar" "$T/ref.esgz" >/dev/null
	"$SG" "$T/dirs.tar" "$T/ours.esgz"
	# stored: the member of a/small is larger than the chunk by 5 MiB
	"$SG" -l 0 "$T/dirs.tar" "$T/stored.esgz"
	for blob in ref ours stored; do
		"$SG" -j 2 --verify "$T/$blob.esgz"
		[ "$("$SG" -x "$T/$blob.esgz" a/small)" = small ]
		"$SG" -x "$T/$blob.esgz" m/full | cmp - "$T/tree/m/full"
		[ "$("$SG" -x "$T/$blob.esgz" z)" = last ]
	done
	"$ORACLE" verify -q "$T/ours.esgz" >/dev/null
}

@test "stargzify: a TOC claiming more of a member than it can hold is refused before reading" {
	# blobs made by hand: a member of 10-30 bytes said to hold a 1 GiB
	# file, gzip (at most 1032 bytes a byte) and zstd (at most 32768)
	/usr/bin/python3 - "$T/claim" <<'EOF'
import gzip, io, json, struct, subprocess, sys, tarfile
def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, check=True,
                          capture_output=True).stdout
toc = {"version": 1, "entries": [
    {"name": "f", "type": "reg", "size": 1 << 30, "offset": 10,
     "digest": "sha256:" + "0" * 64}]}
raw = json.dumps(toc).encode()
# eStargz: the TOC a tar in a gzip member, the footer an empty member
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    info = tarfile.TarInfo("stargz.index.json")
    info.size = len(raw)
    t.addfile(info, io.BytesIO(raw))
blob = b"\0" * 10 + gzip.compress(b"tiny", mtime=0)
toc_off = len(blob)
blob += gzip.compress(buf.getvalue(), mtime=0)
blob += (b"\x1f\x8b\x08\x04\0\0\0\0\0\xff\x1a\0SG\x16\0" +
         b"%016xSTARGZ" % toc_off + b"\x01\0\0\xff\xff" + b"\0" * 8)
open(sys.argv[1] + ".esgz", "wb").write(blob)
# zstd:chunked: the TOC and the footer in skippable frames
blob = b"\0" * 10 + zstd(b"tiny")
z = zstd(raw)
blob += struct.pack("<II", 0x184D2A50, len(z))
toc_off = len(blob)
blob += z + struct.pack("<IIQQQQ", 0x184D2A50, 40, toc_off, len(z),
                        len(raw), 1) + b"GnUlInUx"
open(sys.argv[1] + ".zst", "wb").write(blob)
EOF
	for blob in "$T/claim.esgz" "$T/claim.zst"; do
		"$SG" --list "$blob"
		run "$SG" --verify "$blob"
		echo "$output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"f: a chunk of 1073741824 bytes cannot come from the "*" bytes at offset 10"* ]]
		run "$SG" -x "$blob" f
		[ "$status" -eq 1 ]
		[[ "$output" == *"cannot come from"* ]]
	done
}

@test "stargzify: malformed input fails naming the entry or offset, leaves no OUT" {
	for f in "$BATS_FILE_TMPDIR"/bad/*; do
		name=$(basename "$f")
		run "$SG" "$f" "$T/out-$name"
		echo "$name: $output"
		[ "$status" -eq 1 ]
		[ ! -e "$T/out-$name" ]
		case $name in
		truncated-header*) [[ "$output" == *"truncated header at offset 0"* ]] ;;
		truncated-data*) [[ "$output" == *"a: truncated"* ]] ;;
		bad-checksum*) [[ "$output" == *"bad header checksum at offset 0"* ]] ;;
		dotdot*) [[ "$output" == *'unsafe entry name "../evil"'* ]] ;;
		absolute*) [[ "$output" == *'unsafe entry name "/etc/passwd"'* ]] ;;
		hardlink-out*) [[ "$output" == *"unsafe hard link target"* ]] ;;
		sparse*) [[ "$output" == *"sparse files are not supported"* ]] ;;
		unknown-type*) [[ "$output" == *"unsupported entry type 'Z'"* ]] ;;
		bad-number*) [[ "$output" == *"bad number"* ]] ;;
		pax-bomb*) [[ "$output" == *"over the 1048576-byte limit"* ]] ;;
		pax-malformed*) [[ "$output" == *"PAX record"* ]] ;;
		lone-zero*) [[ "$output" == *"zero block at offset 512"* ]] ;;
		global-pax*) [[ "$output" == *"global PAX header"* ]] ;;
		truncated-gzip*) [[ "$output" == *"truncated gzip"* ]] ;;
		corrupt-gzip*) [[ "$output" == *"gzip"* ]] ;;
		*) echo "no expectation for $name"; false ;;
		esac
	done
	# an existing OUT is left as it was
	echo keep > "$T/existing"
	run "$SG" "$BATS_FILE_TMPDIR/bad/dotdot.tar" "$T/existing"
	[ "$status" -eq 1 ]
	[ "$(cat "$T/existing")" = keep ]
	[ -z "$(ls -A "$T" | grep '^\.stargzify')" ]
}

@test "stargzify: an OCI image layout, read by skopeo and unpacked by umoci to the same tree" {
	cd "$T"
	umoci init --layout src
	umoci new --image src:v1
	umoci unpack --rootless --image src:v1 bundle
	cp -a "$CORPUS/tree/." bundle/rootfs/
	rm -f bundle/rootfs/fifo
	umoci repack --image src:v1 bundle
	rm -rf bundle
	umoci unpack --rootless --image src:v1 b2
	echo second > b2/rootfs/second-layer.txt
	umoci repack --image src:v1 b2
	rm -rf b2
	skopeo copy --quiet oci:src:v1 oci:img:v1
	"$SG" -c $CHUNK oci:img:v1 oci:out:v1
	skopeo inspect oci:out:v1 > inspect.json
	/usr/bin/python3 - inspect.json out <<'EOF'
import json, sys, hashlib
info = json.load(open(sys.argv[1]))
assert len(info["Layers"]) == 2, info["Layers"]
idx = json.load(open(sys.argv[2] + "/index.json"))
m = idx["manifests"][0]
assert m["annotations"]["org.opencontainers.image.ref.name"] == "v1"
man = json.load(open(sys.argv[2] + "/blobs/sha256/" + m["digest"][7:]))
for l in man["layers"]:
    assert l["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
    assert "containerd.io/snapshot/stargz/toc.digest" in l["annotations"]
    blob = open(sys.argv[2] + "/blobs/sha256/" + l["digest"][7:], "rb").read()
    assert len(blob) == l["size"] and hashlib.sha256(blob).hexdigest() == l["digest"][7:]
EOF
	for d in out/blobs/sha256/*; do
		if "$SG" --verify "$d" >/dev/null 2>&1; then
			"$ORACLE" verify -q "$d" >/dev/null
		fi
	done
	umoci unpack --rootless --image img:v1 orig
	umoci unpack --rootless --image out:v1 conv
	rm -f conv/rootfs/stargz.index.json conv/rootfs/.no.prefetch.landmark
	$CHECK tree-equal orig/rootfs conv/rootfs
	# the output's config names the new diff_ids
	skopeo inspect --config oci:out:v1 | grep -q diff_ids
	run "$SG" oci:img:nosuchtag oci:out2:x
	[ "$status" -eq 1 ]
	[[ "$output" == *"no image with that tag"* ]]
}
