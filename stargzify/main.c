// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stargzify: convert image layers into seekable stargz / eStargz /
 * zstd:chunked blobs, and read them back one file at a time.
 *
 *   main.c      options, the four commands
 *   input.c     the input as a seekable tar (inflated to a temp file)
 *   tar.c       strict tar headers, with Go's archive/tar semantics
 *   order.c     entry order: duplicates, --prioritize, landmarks
 *   convert.c   the layer cut into members, the TOC and footer
 *   pipeline.c  members compressed on every core, written in order
 *   dedup.c     data the layer repeats, compressed once
 *   splice.c    two deflate streams joined into one, bit for bit
 *   pieces.c    one member on every core: the TOC's
 *   member.c    gzip (libdeflate) and zstd members, footers
 *   toc.c       the TOC: Go-identical JSON out, strict JSON in
 *   facts.c     digests and annotations for the OCI manifest
 *   reader.c    footer, TOC, single chunks: the seekable reader
 *   verify.c    every file's digests checked on every core
 *   oci.c       whole images in an OCI image layout
 *   outfile.c   outputs that appear whole or not at all
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "convert.h"
#include "escape.h"
#include "facts.h"
#include "input.h"
#include "io.h"
#include "log.h"
#include "oci.h"
#include "outfile.h"
#include "parse.h"
#include "order.h"
#include "reader.h"

#define MAX_THREADS    256
#define MAX_CHUNK_SIZE (256u << 20)
#define MAX_PRIO_LIST  (64u << 20)

enum command { CMD_CONVERT, CMD_LIST, CMD_VERIFY, CMD_EXTRACT };

struct options {
	enum command command;
	struct convert_options conv;
	bool level_set;
	bool json;
	const char *annotations;
	const char *prioritize;
	const char *toc_digest;
	const char *output;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: stargzify [OPTION]... IN OUT\n"
		"       stargzify [OPTION]... oci:DIR[:TAG] oci:OUTDIR[:TAG]\n"
		"       stargzify --list [--json] BLOB\n"
		"       stargzify --verify [--toc-digest=DIGEST] BLOB\n"
		"       stargzify --extract [-o FILE] BLOB PATH\n"
		"Convert an image layer (tar, tar.gz or tar.zst; - for stdin) "
		"into a\n"
		"seekable eStargz, stargz or zstd:chunked blob (- for "
		"stdout).\n"
		"\n"
		"  -f, --format=FORMAT     estargz (default), stargz, "
		"zstd:chunked\n"
		"  -l, --level=N           compression level (gzip 0-12, "
		"default 9;\n"
		"                          zstd 1-22, default 3)\n"
		"  -c, --chunk-size=BYTES  split files into chunks of this "
		"size\n"
		"                          (default 4194304)\n"
		"  -p, --prioritize=FILE   files to place first, one path per "
		"line or\n"
		"                          {\"path\": ...} JSON lines "
		"(eStargz)\n"
		"  -j, --threads=N         threads to compress or verify with "
		"(default:\n"
		"                          the CPUs)\n"
		"      --json              print the layer's digests and "
		"annotations\n"
		"      --annotations=FILE  write them to FILE\n"
		"\n"
		"  -L, --list              list a blob's entries (--json: "
		"TOC entries)\n"
		"  -V, --verify            check every chunk and file digest\n"
		"  -t, --toc-digest=D      and the TOC digest of the "
		"manifest\n"
		"  -x, --extract           write one file's contents\n"
		"  -o, --output=FILE       to FILE instead of stdout\n"
		"  -v, --verbose           report the bytes read of the blob\n"
		"  -h, --help              show this help and exit\n"
		"      --version           show the version and exit\n");
}

static unsigned cpu_count(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static uint64_t parse_number_option(const char *name, const char *arg,
				    uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_u64(arg, &v) < 0 || v < min || v > max) {
		warn("%s: `%s' is not a number from %llu to %llu", name, arg,
		     (unsigned long long)min, (unsigned long long)max);
		die_usage();
	}
	return v;
}

/* What the options say together, and the operands each command takes. */
static void check_options(struct options *o, int nargs, char **args)
{
	if (!o->level_set)
		o->conv.level = format_default_level(o->conv.format);
	if (format_check_level(o->conv.format, o->conv.level) < 0) {
		warn("--level=%d is out of range for %s", o->conv.level,
		     format_name(o->conv.format));
		die_usage();
	}
	if (o->prioritize && o->conv.format == SGZ_STARGZ) {
		warn("--prioritize needs landmarks: use --format=estargz or "
		     "zstd:chunked");
		die_usage();
	}
	/* a blob; or IN OUT, BLOB PATH */
	int want = o->command == CMD_LIST || o->command == CMD_VERIFY ? 1 : 2;

	if (nargs < want) {
		warn("missing operand");
		die_usage();
	}
	if (nargs > want) {
		warn("extra operand `%s'", args[want]);
		die_usage();
	}
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_JSON = 256, OPT_ANNOTATIONS, OPT_VERSION };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "level", required_argument, NULL, 'l' },
		{ "chunk-size", required_argument, NULL, 'c' },
		{ "prioritize", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "annotations", required_argument, NULL, OPT_ANNOTATIONS },
		{ "list", no_argument, NULL, 'L' },
		{ "verify", no_argument, NULL, 'V' },
		{ "toc-digest", required_argument, NULL, 't' },
		{ "extract", no_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	int c, commands = 0;

	o->conv.format = SGZ_ESTARGZ;
	o->conv.chunk_size = DEFAULT_CHUNK_SIZE;
	o->conv.threads = cpu_count();
	while ((c = getopt_long(argc, argv, "+f:l:c:p:j:LVt:xo:vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'f':
			if (format_parse(optarg, &o->conv.format) < 0) {
				warn("--format: `%s' is not estargz, stargz "
				     "or zstd:chunked",
				     optarg);
				die_usage();
			}
			break;
		case 'l':
			o->conv.level = (int)parse_number_option("--level",
								 optarg, 0, 22);
			o->level_set = true;
			break;
		case 'c':
			o->conv.chunk_size = parse_number_option(
				"--chunk-size", optarg, 1, MAX_CHUNK_SIZE);
			break;
		case 'p':
			o->prioritize = optarg;
			break;
		case 'j':
			o->conv.threads = (unsigned)parse_number_option(
				"--threads", optarg, 1, MAX_THREADS);
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ANNOTATIONS:
			o->annotations = optarg;
			break;
		case 'L':
		case 'V':
		case 'x':
			o->command = c == 'L'	? CMD_LIST
				     : c == 'V' ? CMD_VERIFY
						: CMD_EXTRACT;
			commands++;
			break;
		case 't':
			o->toc_digest = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'v':
			log_set_verbose(true);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("stargzify %s\n", PROJECT_VERSION);
			exit(0);
		default:
			die_usage();
		}
	}
	if (commands > 1) {
		warn("--list, --verify and --extract exclude each other");
		die_usage();
	}
	check_options(o, argc - optind, argv + optind);
}

static void load_prioritize(struct options *o)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	char why[256];

	if (!o->prioritize)
		return;
	if (read_file_at(AT_FDCWD, o->prioritize, MAX_PRIO_LIST, &text, &len) <
	    0)
		die_errno("--prioritize: %s", o->prioritize);
	if (memchr(text, '\0', len))
		die("--prioritize: %s: a NUL byte in the list", o->prioritize);
	if (order_read_prio_list(text, &o->conv.prio, &o->conv.n_prio, why,
				 sizeof(why)) < 0)
		die("--prioritize: %s: %s", o->prioritize, why);
}

static void write_facts(const struct options *o,
			const struct convert_result *res)
{
	if (o->json)
		facts_write_json(stdout, res, o->conv.format);
	if (o->annotations) {
		struct outfile f;
		FILE *out;

		if (outfile_open(&f, o->annotations) < 0)
			die_errno("--annotations: %s", o->annotations);
		out = fdopen(dup(f.fd), "w");
		if (!out)
			die_errno("--annotations");
		facts_write_json(out, res, o->conv.format);
		if (fclose(out) != 0 || outfile_commit(&f) < 0)
			die_errno("--annotations: %s", o->annotations);
	}
}

static int cmd_convert(struct options *o, const char *in, const char *out)
{
	struct tar_src src;
	struct convert_result res;
	struct outfile f;
	char why[512];

	if (!strcmp(out, "-") && o->json) {
		warn("--json prints to stdout, where OUT goes: use "
		     "--annotations=FILE");
		die_usage();
	}
	load_prioritize(o);
	o->conv.layer_digests = o->json || o->annotations;
	/* a temporary file of ours, unlike stdout, can be started over */
	o->conv.stream = strcmp(out, "-") != 0;
	if (input_open(in, &src, why, sizeof(why)) < 0)
		die("%s", why);
	if (outfile_open(&f, out) < 0)
		die_errno("%s", out);
	int r = convert(&src, f.fd, &o->conv, &res, why, sizeof(why));

	if (input_done(&src, r == 0, why, sizeof(why)) < 0) {
		outfile_abort(&f);
		die("%s: %s", in, why);
	}
	if (outfile_commit(&f) < 0)
		die_errno("%s", out);
	write_facts(o, &res);
	order_free_prio_list(o->conv.prio, o->conv.n_prio);
	return 0;
}

static void open_blob(struct sgz_reader *r, const char *path)
{
	char why[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		die_errno("%s", path);
	if (sgz_open(r, fd, why, sizeof(why)) < 0)
		die("%s: %s", path, why);
}

static void report_reads(const struct sgz_reader *r)
{
	debug("read %llu of %llu bytes of the blob",
	      (unsigned long long)sgz_bytes_read(r),
	      (unsigned long long)r->size);
}

static int cmd_list(const struct options *o, const char *blob)
{
	struct sgz_reader r;

	open_blob(&r, blob);
	for (size_t i = 0; i < r.toc.n; i++) {
		const struct toc_entry *e = &r.toc.v[i];

		if (o->json) {
			toc_write_entry_line(stdout, e);
		} else if (e->type != TOC_CHUNK) {
			escape_c(stdout, e->name);
			putchar('\n');
		}
	}
	report_reads(&r);
	sgz_close(&r);
	close_quietly(r.fd);
	if (fflush(stdout) != 0)
		die_errno("stdout");
	return 0;
}

static int cmd_verify(const struct options *o, const char *blob)
{
	struct sgz_reader r;
	uint8_t want[SHA256_LEN];
	char why[512], d[72];
	size_t files = 0, chunks = 0;

	if (o->toc_digest && parse_sha256(o->toc_digest, want) < 0) {
		warn("--toc-digest: `%s' is not sha256:<64 hex digits>",
		     o->toc_digest);
		die_usage();
	}
	open_blob(&r, blob);
	sha256_hex(r.toc_digest, d);
	if (o->toc_digest && memcmp(want, r.toc_digest, SHA256_LEN))
		die("%s: the TOC digest is %s, not %s", blob, d, o->toc_digest);
	if (sgz_verify(&r, o->conv.threads, why, sizeof(why)) < 0)
		die("%s: %s", blob, why);
	for (size_t i = 0; i < r.toc.n; i++) {
		files += r.toc.v[i].type == TOC_REG;
		chunks += r.toc.v[i].chunk_size > 0;
	}
	printf("%s: %s, %zu files, %zu chunks verified, TOC %s\n", blob,
	       format_name(r.format), files, chunks, d);
	report_reads(&r);
	sgz_close(&r);
	close_quietly(r.fd);
	return 0;
}

static int cmd_extract(const struct options *o, const char *blob,
		       const char *path)
{
	struct sgz_reader r;
	struct outfile f;
	char why[512];
	ssize_t idx;

	open_blob(&r, blob);
	idx = sgz_lookup(&r, path);
	if (idx < 0)
		die("%s: no %s in the layer", blob, path);
	if (outfile_open(&f, o->output ? o->output : "-") < 0)
		die_errno("%s", o->output);
	if (sgz_extract(&r, (size_t)idx, f.fd, why, sizeof(why)) < 0) {
		outfile_abort(&f);
		die("%s: %s", blob, why);
	}
	if (outfile_commit(&f) < 0)
		die_errno("%s", o->output);
	report_reads(&r);
	sgz_close(&r);
	close_quietly(r.fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };

	log_init("stargzify");
	parse_options(argc, argv, &o);
	char **args = argv + optind;

	switch (o.command) {
	case CMD_LIST:
		return cmd_list(&o, args[0]);
	case CMD_VERIFY:
		return cmd_verify(&o, args[0]);
	case CMD_EXTRACT:
		return cmd_extract(&o, args[0], args[1]);
	case CMD_CONVERT:
		break;
	}
	if (!strncmp(args[0], "oci:", 4) || !strncmp(args[1], "oci:", 4)) {
		load_prioritize(&o);
		return oci_convert(args[0], args[1], &o.conv) < 0 ? 1 : 0;
	}
	return cmd_convert(&o, args[0], args[1]);
}
