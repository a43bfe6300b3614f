# uringbpf db (alias uringbpf-db): the results database tool (C over libsqlite3, libnvme for
# --device identification). Objects in $(B)/results-db/.
DB_SRCS := $(filter-out results-db/fuzz_import.c,$(wildcard results-db/*.c))
DB_OBJS := $(patsubst results-db/%.c,$(B)/results-db/%.o,$(DB_SRCS))
DB_LIB_OBJS := $(filter-out $(B)/results-db/cli.o,$(DB_OBJS))
DB_BIN := $(B)/uringbpf-db
DB_CFLAGS := $(UB_CFLAGS) $(SQLITE_CFLAGS) $(LIBNVME_CFLAGS)
DB_LIBS := $(SQLITE_LIBS) $(LIBNVME_LIBS) -lm

ALL_TARGETS += $(DB_BIN)
TEST_PROGS += $(B)/tests/t-db-units

$(B)/results-db/%.o: results-db/%.c $(wildcard results-db/*.h) config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(DB_CFLAGS) -c -o $@ $<

# The results library: cli/uringbpf links it; uringbpf-db is that binary
# under its alias name (a hard link: the lab copies it as an ELF file).
DB_LIB := $(B)/results-db/libresults.a
$(DB_LIB): $(DB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(DB_BIN): $(B)/uringbpf
	ln -f $< $@

$(B)/tests/t-db-units: tests/results-db/t-db-units.c $(DB_LIB_OBJS) | $(B)/tests
	$(CC) $(DB_CFLAGS) -o $@ $< $(DB_LIB_OBJS) $(LDFLAGS) $(DB_LIBS)

install-tools:: $(DB_BIN)
	install -D -m 755 $(DB_BIN) $(DESTDIR)$(PREFIX)/bin/uringbpf-db

uninstall::
	rm -f $(DESTDIR)$(PREFIX)/bin/uringbpf-db

# libFuzzer target, outside build-all (it needs clang's fuzzer runtime):
#   make fuzz-db [FUZZ_CC=clang-19]; tests/results-db/t-db-fuzz.sh runs it.
FUZZ_CC ?= clang-19
DB_FUZZ := $(B)/results-db/fuzz_import
DB_FUZZ_SRCS := results-db/fuzz_import.c $(filter-out results-db/cli.c,$(DB_SRCS))

$(DB_FUZZ): $(DB_FUZZ_SRCS) $(wildcard results-db/*.h) config-host.mak
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -I$(TOP) \
		$(SQLITE_CFLAGS) $(LIBNVME_CFLAGS) -o $@ $(DB_FUZZ_SRCS) $(DB_LIBS)

fuzz-db: $(DB_FUZZ)
.PHONY: fuzz-db install-tools
