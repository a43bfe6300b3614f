# uringbpf: the one CLI (cli/uringbpf.c) over the results library
# (results-db/, archived as $(DB_LIB)).  build/uringbpf-db is the same
# binary under the alias name (it runs "uringbpf db").  cli/bench/ is
# "uringbpf bench" (our engine against fio's engines and t/io_uring); cli/plot/
# is "uringbpf plot" (charts from the results library, drawn by gnuplot);
# cli/sweep/ is "uringbpf sweep" (a file per job, one header); cli/lab/ is
# "uringbpf lab" (the QEMU kernel lab: initramfs, boot, results); cli/demo.c is
# "uringbpf demo" (make demo: the sweep, the drawing, the tables).
UB_CLI := $(B)/uringbpf
ALL_TARGETS += $(UB_CLI)

CLI_SRCS := $(wildcard cli/*.c cli/bench/*.c cli/lab/*.c cli/plot/*.c cli/sweep/*.c)
CLI_OBJS := $(patsubst cli/%.c,$(B)/cli/%.o,$(CLI_SRCS))
CLI_HDRS := $(wildcard cli/*.h cli/bench/*.h cli/lab/*.h cli/plot/*.h cli/sweep/*.h) results-db/db.h

$(B)/cli/%.o: cli/%.c $(CLI_HDRS) config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) $(SQLITE_CFLAGS) -DUB_FIO_PREFIX='"$(FIO_PREFIX)"' -c -o $@ $<

$(UB_CLI): $(CLI_OBJS) $(B)/results-db/libresults.a
	$(CC) -o $@ $^ $(LDFLAGS) $(SQLITE_LIBS) $(LIBNVME_LIBS) -lm

install-tools:: $(UB_CLI)
	install -D -m 755 $(UB_CLI) $(DESTDIR)$(PREFIX)/bin/uringbpf

uninstall::
	rm -f $(DESTDIR)$(PREFIX)/bin/uringbpf

# The callgrind reader's unit test (tests/bench/t-bench-callgrind.c).
BENCH_UNIT := $(B)/tests/t-bench-callgrind
TEST_PROGS += $(BENCH_UNIT)
ALL_TARGETS += $(BENCH_UNIT)
$(BENCH_UNIT): tests/bench/t-bench-callgrind.c $(B)/cli/bench/callgrind.o cli/bench/callgrind.h | $(B)/tests
	$(CC) $(UB_CFLAGS) -o $@ $< $(B)/cli/bench/callgrind.o $(LDFLAGS)
