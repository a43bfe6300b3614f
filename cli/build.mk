# uringbpf: the one CLI (cli/uringbpf.c) over the results library
# (results-db/, archived as $(DB_LIB)).  build/uringbpf-db is the same
# binary under the alias name (it runs "uringbpf db").
UB_CLI := $(B)/uringbpf
ALL_TARGETS += $(UB_CLI)

$(B)/cli/uringbpf.o: cli/uringbpf.c cli/cgexec.h cli/plot/plot.h results-db/db.h config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) $(SQLITE_CFLAGS) -DUB_FIO_PREFIX='"$(FIO_PREFIX)"' -c -o $@ $<

$(B)/cli/cgexec.o: cli/cgexec.c cli/cgexec.h config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) -c -o $@ $<

# uringbpf plot (cli/plot/): charts from the results library, drawn by gnuplot.
PLOT_SRCS := $(wildcard cli/plot/*.c)
PLOT_OBJS := $(patsubst cli/plot/%.c,$(B)/cli/plot/%.o,$(PLOT_SRCS))

$(B)/cli/plot/%.o: cli/plot/%.c cli/plot/plot.h results-db/db.h config-host.mak
	@mkdir -p $(dir $@)
	$(CC) $(UB_CFLAGS) $(SQLITE_CFLAGS) -c -o $@ $<

$(UB_CLI): $(B)/cli/uringbpf.o $(B)/cli/cgexec.o $(PLOT_OBJS) $(B)/results-db/libresults.a
	$(CC) -o $@ $^ $(LDFLAGS) $(SQLITE_LIBS) $(LIBNVME_LIBS) -lm

install-tools:: $(UB_CLI)
	install -D -m 755 $(UB_CLI) $(DESTDIR)$(PREFIX)/bin/uringbpf

uninstall::
	rm -f $(DESTDIR)$(PREFIX)/bin/uringbpf
