# The fio external engine: build/fio-uringbpf.so, compiled against the exact
# fio tree (FIO_SRC) whose binary loads it.
ENGINE_SRCS := $(wildcard ioengine/*.c)
ENGINE_OBJS := $(patsubst ioengine/%.c,$(B)/ioengine/%.o,$(ENGINE_SRCS))
# host_identity=1 describes the host and device with the results library's
# own code (one computation, one place): those files, built for the engine.
ENGINE_RDB := host device nvme_identify errors
ENGINE_OBJS += $(patsubst %,$(B)/ioengine/rdb/%.o,$(ENGINE_RDB))
ENGINE_SO := $(B)/fio-uringbpf.so
ENGINE_CFLAGS := $(UB_CFLAGS) -fPIC -fvisibility=hidden -include $(FIO_SRC)/config-host.h \
	-I$(FIO_SRC) $(LIBURING_CFLAGS) $(LIBBPF_CFLAGS) $(LIBNVME_CFLAGS) -Wno-unused-function
ENGINE_LIBS := $(LIBURING_LIBS) $(LIBBPF_LIBS) $(LIBNVME_LIBS)

ALL_TARGETS += $(ENGINE_SO)

$(B)/ioengine/%.o: ioengine/%.c $(wildcard ioengine/*.h) config-host.h | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -c -o $@ $<

$(B)/ioengine/rdb/%.o: results-db/%.c results-db/db.h config-host.h | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -c -o $@ $<

$(ENGINE_SO): $(ENGINE_OBJS)
	$(CC) -shared -o $@ $^ $(LDFLAGS) $(ENGINE_LIBS) -Wl,--exclude-libs,ALL

# fio looks for FIO_EXT_ENG_DIR/fio-NAME.so (FIO_EXT_ENG_DIR is $(FIO_PREFIX)/lib/fio).
install-engine: $(ENGINE_SO)
	install -D -m 755 $(ENGINE_SO) $(DESTDIR)$(FIO_PREFIX)/lib/fio/fio-uringbpf.so

uninstall::
	rm -f $(DESTDIR)$(FIO_PREFIX)/lib/fio/fio-uringbpf.so
.PHONY: install-engine
