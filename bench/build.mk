# make bench: our engine against fio's io_uring engine, libaio and t/io_uring
# (scripts/bench --help).  BENCH_ARGS passes options, e.g.
#   make bench BENCH_ARGS="--callgrind"
#   make bench BENCH_ARGS="--target loop --modes interrupt"
bench: $(ENGINE_SO)
	scripts/bench $(BENCH_ARGS)
