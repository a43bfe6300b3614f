# uringbpf top-level Makefile (GNU make). Each folder contributes a build.mk
# fragment; build outputs go to build/ (ignored by git).
#   make            build the engine, the BPF programs and the tools
#   make check      install the engine, run every test, print "N passed, N failed, N skipped"
#   make check-asan the host tests again with an ASan+UBSan engine and tools
#   make demo       the main job: seed-table sweep on the default target -> SQLite + graph
#   make install    engine into $(FIO_PREFIX)/lib/fio, the uringbpf CLI and tools into
#                   $(PREFIX)/bin, scripts, profiles, plot templates into $(DATADIR)
#                   (DESTDIR honoured; make uninstall removes them)
#   make lab        boot the QEMU kernel lab and run the lab tests
#   make fuzz FUZZ_SECS=N   fuzz the results-DB importer for N seconds (default 600)
#   make bench      our engine vs fio io_uring, libaio and t/io_uring
# A fresh clone needs no preparation: config-host.mak is made on demand by
# scripts/install-deps.sh and ./configure.

.DEFAULT_GOAL := all
TOP := $(CURDIR)
B ?= $(TOP)/build
SAN ?=

NOCONFIG_GOALS := clean distclean help
ifeq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
else
include config-host.mak
endif

config-host.mak: configure scripts/install-deps.sh
	scripts/install-deps.sh
	./configure

WARN := -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ifneq ($(SAN),)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
UB_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -I$(TOP) $(EXTRA_CFLAGS)

ALL_TARGETS :=
TEST_PROGS :=
.PHONY: all check check-asan fuzz demo install uninstall lab bench clean distclean help

all: build-all

include $(sort $(wildcard */build.mk))

build-all: $(ALL_TARGETS)
.PHONY: build-all

$(B) $(B)/tests:
	mkdir -p $@

check: build-all $(TEST_PROGS) install
	UB_TOP=$(TOP) UB_BUILD=$(B) UB_FIO_SRC=$(FIO_SRC) UB_QEMU=$(QEMU) tests/run.sh $(TESTS)

check-asan:
	$(MAKE) B=$(TOP)/build-asan SAN=1 build-all asan-test-progs
	UB_TOP=$(TOP) UB_BUILD=$(TOP)/build-asan UB_FIO_SRC=$(FIO_SRC) UB_ASAN=1 tests/run.sh $(TESTS)

# A long fuzzing run of the importer (CI runs the short one in make check:
# tests/results-db/t-db-fuzz.sh, at least 200k inputs).
FUZZ_SECS ?= 600
fuzz:
	UB_TOP=$(TOP) UB_BUILD=$(B) UB_FUZZ_SECS=$(FUZZ_SECS) UB_TEST_TIMEOUT=$$(($(FUZZ_SECS) + 300)) tests/run.sh t-db-fuzz

asan-test-progs: $(TEST_PROGS)
.PHONY: asan-test-progs

install: build-all install-engine install-tools

# The main job: the seed-table sweep on the default target, into
# results/results.db, with a graph and a table (uringbpf demo --help).
demo: install
	$(B)/uringbpf demo $(DEMO_ARGS)

# Fragments add their own lines: "install-tools:: FILE" and "uninstall::".
DATADIR ?= $(PREFIX)/share/uringbpf
install-tools::
uninstall::
	rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true
.PHONY: install-tools

clean:
	rm -rf build build-asan

distclean: clean
	rm -rf config-host.mak config-host.h .deps

help:
	@sed -n '2,14p' Makefile
