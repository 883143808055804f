# SPDX-License-Identifier: GPL-2.0-or-later
# One GNU Makefile for the whole suite. Each tool has its own install and
# uninstall target so that a distribution can package it on its own.
#
#   make [TOOL]          build every tool (or one), with its man page
#   make demo            install what is missing, build, run the composed demo
#   make check           unit + integration tests, fuzz corpus replay, man lint
#   make check-install   install into a scratch DESTDIR, verify, uninstall
#   make install[-TOOL]  honours PREFIX BINDIR MANDIR BASHCOMPDIR DESTDIR
#   make fuzz            libFuzzer (clang) on every parser, FUZZ_SECONDS each
#   make bench           side-by-side benchmarks against the peers
#   make fmt             clang-format every C file
#   make check-threads   the threaded tools' tests under ThreadSanitizer
#   SANITIZE=1           ASan + UBSan, abort on the first report
#   SANITIZE=thread      ThreadSanitizer (into build-tsan)
#   WERROR=1             warnings are errors (CI)

VERSION := $(shell cat VERSION)

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR     ?=

# The user's CC CPPFLAGS CFLAGS LDFLAGS come last so they can override ours.
CFLAGS  ?= -O2 -g
SCDOC   ?= scdoc
CLANG   ?= clang
INSTALL ?= install

ALL_TOOLS := become-root slirp4netns cgroup-delegate keep-id-audit \
	     stargzify overlay-session
TOOLS := $(foreach t,$(ALL_TOOLS),$(if $(wildcard $(t)/main.c),$(t)))

ifeq ($(SANITIZE),thread)
BUILDDIR ?= build-tsan
SAN_FLAGS := -fsanitize=thread
FORTIFY :=
else ifeq ($(SANITIZE),1)
BUILDDIR ?= build-sanitize
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer
FORTIFY :=
else
BUILDDIR ?= build
SAN_FLAGS :=
FORTIFY := -D_FORTIFY_SOURCE=2
endif

WARN_FLAGS := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	      -Wstrict-prototypes -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN_FLAGS += -Werror
endif

# libsubid lets NSS-provided subordinate ids work. Its header is needed to
# build; the library is dlopen()ed only when nsswitch.conf names a source.
# Without the header only the files are read (and an NSS source in
# nsswitch.conf is reported as unsupported).
HAVE_LIBSUBID ?= $(shell printf '#include <shadow/subid.h>\n' | \
	$(CC) -E -x c - >/dev/null 2>&1 && echo 1 || echo 0)
ifeq ($(HAVE_LIBSUBID),1)
SUBID_CPPFLAGS := -DHAVE_LIBSUBID
endif

PROJECT_CPPFLAGS := -D_GNU_SOURCE -Icommon -DPROJECT_VERSION='"$(VERSION)"' \
		    $(FORTIFY) $(SUBID_CPPFLAGS)
PROJECT_CFLAGS := -std=gnu11 $(WARN_FLAGS) -fstack-protector-strong -fPIE \
		  -MMD -MP $(SAN_FLAGS)
PROJECT_LDFLAGS := -pie -Wl,-z,relro,-z,now $(SAN_FLAGS)

ALL_CPPFLAGS = $(PROJECT_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(PROJECT_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(PROJECT_LDFLAGS) $(LDFLAGS)

COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILDDIR)/%.o)
LIBCOMMON := $(BUILDDIR)/libcommon.a

# Per-tool link libraries (TOOL_LIBS); a tool without an entry needs only
# libc.
keep-id-audit_LIBS := -pthread
cgroup-delegate_LIBS := -lm
# slirp4netns: libslirp (and its glib) and libseccomp; its own JSON reader
# for the API and raw capset in the sandbox (no json-c, no libcap).
SLIRP_PKGS := slirp libseccomp
slirp4netns_LIBS := $(shell pkg-config --libs $(SLIRP_PKGS) 2>/dev/null) -lm
slirp4netns_CPPFLAGS := $(shell pkg-config --cflags $(SLIRP_PKGS) 2>/dev/null)
$(BUILDDIR)/slirp4netns/%.o: PROJECT_CPPFLAGS += $(slirp4netns_CPPFLAGS)
# stargzify: libdeflate (gzip members), libzstd, zlib (streaming inflate
# of the input), OpenSSL libcrypto (SHA-256), json-c (TOC, OCI layouts).
STARGZ_PKGS := libdeflate libzstd zlib libcrypto json-c
stargzify_LIBS := $(shell pkg-config --libs $(STARGZ_PKGS) 2>/dev/null) -pthread
# overlay-session: libarchive writes the exported layer, libfuse3 serves
# --root's view of /; both dlopen()ed.
overlay-session_LIBS := -ldl
overlay-session_CPPFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
$(BUILDDIR)/overlay-session/%.o: PROJECT_CPPFLAGS += $(overlay-session_CPPFLAGS)

.PHONY: all check check-unit check-threads check-install install uninstall fuzz bench demo deb rpm \
	fmt clean man $(TOOLS) $(TOOLS:%=install-%) $(TOOLS:%=uninstall-%)
.DEFAULT_GOAL := all
# Keep the objects of the test programs between runs.
.SECONDARY:

all: $(TOOLS)

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# Each tool: BUILDDIR/TOOL (binary), BUILDDIR/TOOL/libTOOL.a (everything
# but main.o, for the unit tests), BUILDDIR/man/TOOL.1.
define tool_rules
$(1)_OBJS := $$(patsubst %.c,$$(BUILDDIR)/%.o,$$(filter-out $(1)/main.c,$$(wildcard $(1)/*.c)))
$$(BUILDDIR)/$(1)/lib$(1).a: $$($(1)_OBJS)
	rm -f $$@
	$$(AR) rcs $$@ $$^
$$(BUILDDIR)/bin/$(1): $$(BUILDDIR)/$(1)/main.o $$(BUILDDIR)/$(1)/lib$(1).a $$(LIBCOMMON)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $$(ALL_LDFLAGS) -o $$@ $$^ $$($(1)_LIBS)
$(1): $$(BUILDDIR)/bin/$(1) $$(BUILDDIR)/man/$(1).1
install-$(1): $(1)
	$$(INSTALL) -d $$(DESTDIR)$$(BINDIR) $$(DESTDIR)$$(MANDIR)/man1
	$$(INSTALL) -m 0755 $$(BUILDDIR)/bin/$(1) $$(DESTDIR)$$(BINDIR)/$(1)
	$$(INSTALL) -m 0644 $$(BUILDDIR)/man/$(1).1 $$(DESTDIR)$$(MANDIR)/man1/$(1).1
	if [ -f completions/$(1).bash ]; then \
		$$(INSTALL) -d $$(DESTDIR)$$(BASHCOMPDIR) && \
		$$(INSTALL) -m 0644 completions/$(1).bash $$(DESTDIR)$$(BASHCOMPDIR)/$(1); \
	fi
uninstall-$(1):
	rm -f $$(DESTDIR)$$(BINDIR)/$(1) $$(DESTDIR)$$(MANDIR)/man1/$(1).1 \
	      $$(DESTDIR)$$(BASHCOMPDIR)/$(1)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

TOOL_LIBS := $(foreach t,$(TOOLS),$(BUILDDIR)/$(t)/lib$(t).a)
ALL_TOOL_LINK_LIBS := $(sort $(foreach t,$(TOOLS),$($(t)_LIBS)))

$(BUILDDIR)/man/%.1: man/%.1.scd
	@mkdir -p $(@D)
	@command -v $(SCDOC) >/dev/null || \
		{ echo "scdoc is needed for the man pages: scripts/install-deps" >&2; exit 1; }
	$(SCDOC) < $< > $@.tmp && mv $@.tmp $@

man: $(TOOLS:%=$(BUILDDIR)/man/%.1)

# Unit tests: tests/unit/test-NAME.c, linked with every tool's library.
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILDDIR)/tests/%)
$(BUILDDIR)/tests/%: $(BUILDDIR)/tests/unit/%.o $(TOOL_LIBS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(ALL_TOOL_LINK_LIBS)
$(BUILDDIR)/tests/unit/%.o: PROJECT_CPPFLAGS += -Itests/unit $(foreach t,$(TOOLS),-I$(t) $($(t)_CPPFLAGS))

# Fuzz harnesses: a replay driver (any compiler) runs the stored corpus in
# `make check`; `make fuzz` builds them with libFuzzer under clang.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz-%.c=%)
REPLAY_BINS := $(FUZZ_NAMES:%=$(BUILDDIR)/fuzz/replay-%)
$(BUILDDIR)/fuzz/replay-%: $(BUILDDIR)/tests/fuzz/fuzz-%.o $(BUILDDIR)/tests/fuzz/replay.o $(TOOL_LIBS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(ALL_TOOL_LINK_LIBS)
$(BUILDDIR)/tests/fuzz/%.o: PROJECT_CPPFLAGS += $(foreach t,$(TOOLS),-I$(t) $($(t)_CPPFLAGS))

FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=all $(PROJECT_CPPFLAGS) \
	      $(foreach t,$(TOOLS),-I$(t) $($(t)_CPPFLAGS))
fuzz:
	@mkdir -p $(BUILDDIR)/fuzz
	set -e; for n in $(FUZZ_NAMES); do \
		$(CLANG) $(FUZZ_FLAGS) -o $(BUILDDIR)/fuzz/fuzz-$$n tests/fuzz/fuzz-$$n.c \
			$(COMMON_SRCS) $(foreach t,$(TOOLS),$(filter-out $(t)/main.c,$(wildcard $(t)/*.c))) \
			$(ALL_TOOL_LINK_LIBS); \
		mkdir -p $(BUILDDIR)/fuzz/corpus-$$n; \
		$(BUILDDIR)/fuzz/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=$(BUILDDIR)/fuzz/ \
			-max_len=4096 $(BUILDDIR)/fuzz/corpus-$$n tests/fuzz/corpus/$$n; \
	done

# Test helpers the integration tests load (an LD_PRELOAD race shim).
$(BUILDDIR)/tests/swap-shim.so: tests/lib/swap-shim.c
	@mkdir -p $(@D)
	$(CC) $(PROJECT_CPPFLAGS) $(CPPFLAGS) -std=gnu11 -Wall -Wextra -fPIC -shared $(CFLAGS) -o $@ $<

# A libsubid NSS module, for the tests of NSS-provided subordinate ids.
$(BUILDDIR)/tests/libsubid_testnss.so: tests/lib/subid-nss-module.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -std=gnu11 -Wall -Wextra -fPIC -shared $(CFLAGS) -o $@ $<

TEST_HELPERS := $(BUILDDIR)/tests/swap-shim.so
ifeq ($(HAVE_LIBSUBID),1)
TEST_HELPERS += $(BUILDDIR)/tests/libsubid_testnss.so
endif

check: all $(UNIT_BINS) $(REPLAY_BINS) $(TEST_HELPERS)
	BUILDDIR=$(BUILDDIR) tests/run

check-unit: $(UNIT_BINS) $(REPLAY_BINS)
	BUILDDIR=$(BUILDDIR) tests/run --unit-only

# The tools that run threads of their own (keep-id-audit's walkers,
# stargzify's compressors and input spooler, overlay-session's FUSE view of
# / for --root, on libfuse's threads): their unit and integration tests
# under ThreadSanitizer. Every tool is built, since the tests compose them.
# Reports go to files, so that a race in a run that was meant to fail is
# not hidden by the failure it was testing; any report fails the target.
# tests/lib/tsan-suppressions holds the reports shown to be false.
THREADED_TOOLS := keep-id-audit stargzify overlay-session
TSAN_BUILDDIR ?= build-tsan
check-threads:
	$(MAKE) SANITIZE=thread BUILDDIR=$(TSAN_BUILDDIR) all \
		$(THREADED_TOOLS:%=$(TSAN_BUILDDIR)/tests/test-%) \
		$(TEST_HELPERS:$(BUILDDIR)/%=$(TSAN_BUILDDIR)/%)
	set -e; reports=$$(mktemp -d); chmod 1777 "$$reports"; \
	trap 'rm -rf "$$reports"' EXIT; \
	BUILDDIR=$(TSAN_BUILDDIR) \
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 log_path=$$reports/race \
	suppressions=$(CURDIR)/tests/lib/tsan-suppressions" \
		tests/run $(THREADED_TOOLS) || rc=$$?; \
	if [ -n "$$(ls -A "$$reports")" ]; then \
		cat "$$reports"/*; echo "ThreadSanitizer reports above" >&2; exit 1; \
	fi; exit $${rc:-0}

# Debian packages and RPMs, one per tool, from the committed tree.
deb:
	scripts/build-deb $(BUILDDIR)/deb
rpm:
	scripts/build-rpm $(BUILDDIR)/rpm

check-install: all
	BUILDDIR=$(BUILDDIR) TOOLS="$(TOOLS)" scripts/check-install

install: $(TOOLS:%=install-%)
uninstall: $(TOOLS:%=uninstall-%)

# The README's first command: a rootless container from our tools alone.
demo:
	scripts/install-deps
	$(MAKE) all
	scripts/demo

bench: all
	set -e; for t in $(TOOLS); do \
		if [ -x bench/$$t ]; then BUILDDIR=$(BUILDDIR) bench/$$t; fi; \
	done

fmt:
	clang-format -i $(wildcard common/*.[ch] $(ALL_TOOLS:%=%/*.[ch]) tests/unit/*.[ch] tests/fuzz/*.[ch])

clean:
	rm -rf build build-sanitize build-clang build-tsan

-include $(shell find $(BUILDDIR) -name '*.d' 2>/dev/null)
