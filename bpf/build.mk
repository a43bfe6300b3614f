# The io_uring BPF loop program and the chain-file writer.
# build/chain.bpf.o is compiled by clang for the BPF target (CO-RE; the
# few kernel types it needs are declared in the source, since the build
# host's kernel BTF may lack them) and embedded into the engine by
# ioengine/bpf_chain_obj.c, so the engine needs no file beside it.
# build/chain-unbounded.bpf.o is the same program with a bounds check
# left out: the verifier must refuse it (tests check its log reaches fio).
BPF_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_CFLAGS := -target bpf -O2 -g -mcpu=v3 -Wall -Wno-unused-function -I$(TOP) \
	$(LIBBPF_CFLAGS) $(LIBURING_CFLAGS) $(if $(BPF_MULTIARCH),-I/usr/include/$(BPF_MULTIARCH))

$(B)/chain.bpf.o: bpf/chain.bpf.c bpf/chain.h config-host.mak
	@mkdir -p $(dir $@)
	$(CLANG_BPF) $(BPF_CFLAGS) -c -o $@ $<

$(B)/chain-unbounded.bpf.o: bpf/chain.bpf.c bpf/chain.h config-host.mak
	@mkdir -p $(dir $@)
	$(CLANG_BPF) $(BPF_CFLAGS) -DUB_CHAIN_UNBOUNDED_SLOT -c -o $@ $<

# The engine embeds the object; its chain code shares bpf/chain.h.
$(B)/ioengine/bpf_chain_obj.o: $(B)/chain.bpf.o
$(B)/ioengine/bpf_chain_obj.o: ENGINE_CFLAGS += -DUB_CHAIN_BPF_OBJ='"$(B)/chain.bpf.o"'
$(B)/ioengine/bpf_chain.o $(B)/ioengine/bpf_loader.o: bpf/chain.h

MKCHAIN := $(B)/uringbpf-mkchain
$(MKCHAIN): bpf/mkchain.c bpf/chain.h config-host.h | $(B)
	$(CC) $(UB_CFLAGS) -o $@ $< $(LDFLAGS)

ALL_TARGETS += $(B)/chain.bpf.o $(B)/chain-unbounded.bpf.o $(MKCHAIN)

install-tools:: $(MKCHAIN)
	install -D -m 755 $(MKCHAIN) $(DESTDIR)$(PREFIX)/bin/uringbpf-mkchain

uninstall::
	rm -f $(DESTDIR)$(PREFIX)/bin/uringbpf-mkchain
