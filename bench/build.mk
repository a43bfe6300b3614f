# make bench: our engine against fio's io_uring engine, libaio and t/io_uring
# (uringbpf bench --help; the code is cli/bench/).  BENCH_ARGS passes options, e.g.
#   make bench BENCH_ARGS="--callgrind"
#   make bench BENCH_ARGS="--target loop --modes interrupt"
bench: $(ENGINE_SO) $(UB_CLI)
	$(UB_CLI) bench $(BENCH_ARGS)

# bench --lab's guest driver (busybox sh in the kernel lab; reads the plan
# the CLI writes), under $(DATADIR)/bench beside the installed scripts/lab.
install-tools::
	install -D -m 644 bench/lab-guest.sh $(DESTDIR)$(DATADIR)/bench/lab-guest.sh

# "uringbpf bench import" makes its inputs from these fixtures (~90 KB):
# installed as share/uringbpf/bench/import-fixtures/ (a checkout has them
# under tests/results-db/fixtures/).
BENCH_IMPORT_FIXTURES := $(wildcard tests/results-db/fixtures/sweep-*.json) \
	tests/results-db/fixtures/randrw.json tests/results-db/fixtures/jsonplus.json
install-tools::
	install -d $(DESTDIR)$(DATADIR)/bench/import-fixtures
	install -m 644 $(BENCH_IMPORT_FIXTURES) $(DESTDIR)$(DATADIR)/bench/import-fixtures/

uninstall::
	rm -f $(DESTDIR)$(DATADIR)/bench/lab-guest.sh
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/bench/import-fixtures/,$(notdir $(BENCH_IMPORT_FIXTURES)))
	rmdir $(DESTDIR)$(DATADIR)/bench/import-fixtures $(DESTDIR)$(DATADIR)/bench 2>/dev/null || true
