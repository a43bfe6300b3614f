# uringbpf: the one CLI (cli/uringbpf.c) over the results library
# (results-db/, archived as $(DB_LIB)).  build/uringbpf-db is the same
# binary under the alias name (it runs "uringbpf db").
UB_CLI := $(B)/uringbpf
ALL_TARGETS += $(UB_CLI)

$(B)/cli/uringbpf.o: cli/uringbpf.c cli/cgexec.h cli/sweep/sweep.h results-db/db.h config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) $(SQLITE_CFLAGS) -DUB_FIO_PREFIX='"$(FIO_PREFIX)"' -c -o $@ $<

$(B)/cli/cgexec.o: cli/cgexec.c cli/cgexec.h config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) -c -o $@ $<

# uringbpf sweep (cli/sweep/): a file per job, one header.
SWEEP_SRCS := $(wildcard cli/sweep/*.c)
SWEEP_OBJS := $(patsubst %.c,$(B)/%.o,$(SWEEP_SRCS))

$(B)/cli/sweep/%.o: cli/sweep/%.c cli/sweep/sweep.h cli/cgexec.h results-db/db.h config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) $(SQLITE_CFLAGS) -c -o $@ $<

$(UB_CLI): $(B)/cli/uringbpf.o $(B)/cli/cgexec.o $(SWEEP_OBJS) $(B)/results-db/libresults.a
	$(CC) -o $@ $^ $(LDFLAGS) $(SQLITE_LIBS) $(LIBNVME_LIBS) -lm

install-tools:: $(UB_CLI)
	install -D -m 755 $(UB_CLI) $(DESTDIR)$(PREFIX)/bin/uringbpf

uninstall::
	rm -f $(DESTDIR)$(PREFIX)/bin/uringbpf
