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

uninstall::
	rm -f $(DESTDIR)$(DATADIR)/bench/lab-guest.sh
	rmdir $(DESTDIR)$(DATADIR)/bench 2>/dev/null || true
