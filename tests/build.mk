# C test programs: tests/<area>/t-NAME.c -> $(B)/tests/t-NAME, run by
# tests/run.sh like the shell tests.  They link the engine's fio-independent
# objects (ring setup, restrictions, shared SQPOLL, passthrough), so they
# exercise exactly the code the engine runs.  A fragment that builds one of
# its tests with its own rule (results-db) keeps it: it is already in
# TEST_PROGS when this file is read (fragments are included in name order).
TESTS_C_SRCS := $(wildcard tests/*/t-*.c)
TESTS_C_PROGS := $(filter-out $(TEST_PROGS),$(patsubst %.c,$(B)/tests/%,$(notdir $(TESTS_C_SRCS))))
TESTS_ENGINE_OBJS := $(B)/ioengine/ring_setup.o $(B)/ioengine/restrict.o \
	$(B)/ioengine/sqpoll_share.o $(B)/ioengine/passthru.o

# Built by plain "make" too, so "make && tests/run.sh PATTERN" runs them.
TEST_PROGS += $(TESTS_C_PROGS)
ALL_TARGETS += $(TESTS_C_PROGS)

vpath t-%.c $(sort $(dir $(TESTS_C_SRCS)))

$(TESTS_C_PROGS): $(B)/tests/t-%: t-%.c $(TESTS_ENGINE_OBJS) $(wildcard ioengine/*.h bpf/*.h tests/*/*.h) | $(B)/tests
	$(CC) $(UB_CFLAGS) $(LIBURING_CFLAGS) -o $@ $< $(TESTS_ENGINE_OBJS) $(LDFLAGS) \
		$(LIBURING_LIBS) $(LIBNVME_LIBS) -lpthread
