# The kernel lab ("uringbpf lab", cli/lab/; its kernel fetched by scripts/lab;
# README.md): QEMU with Debian's Linux 7.3 and an emulated NVMe drive,
# for IOPOLL, passthrough and the io_uring BPF features the host kernel cannot
# exercise.
#   make lab                     run the guest tests (LAB_TESTS=PATTERN: some)
#   make lab-shell               boot to a shell in the guest (LAB_ARGS: options)
#   make lab-fetch               download and verify the lab kernel only
LAB_ENV := UB_BUILD=$(B) UB_QEMU=$(QEMU)

lab: build-all
	$(LAB_ENV) tests/lab/run-guest-tests.sh $(LAB_TESTS)

lab-shell: build-all
	$(LAB_ENV) $(B)/uringbpf lab shell $(LAB_ARGS)

lab-fetch:
	scripts/lab fetch

.PHONY: lab lab-shell lab-fetch

# scripts/lab, which "uringbpf lab" runs to fetch and verify the lab kernel,
# under $(DATADIR)/scripts (the same layout as the checkout, so it finds its
# neighbours by its own path).
# (uringbpf bench and demo are in the CLI; bench's lab driver is installed by
# bench/build.mk.)
# scripts/lab-guest/run-plan.sh: the guest's driver of "uringbpf sweep --lab";
# init and lab-modprobe: the guest's /init and module loader (uringbpf lab).
SCRIPTS_INSTALL := scripts/lab scripts/lab-guest/run-plan.sh scripts/lab-guest/init \
	scripts/lab-guest/lab-modprobe
SCRIPTS_DATA := scripts/lib/debian-archive.sh
# Installed by earlier versions, now in the CLI: uninstall removes them too.
SCRIPTS_GONE := scripts/demo

install-tools::
	for f in $(SCRIPTS_INSTALL); do install -D -m 755 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	for f in $(SCRIPTS_DATA); do install -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done

uninstall::
	for f in $(SCRIPTS_INSTALL) $(SCRIPTS_DATA) $(SCRIPTS_GONE); do rm -f $(DESTDIR)$(DATADIR)/$$f; done
	rmdir $(DESTDIR)$(DATADIR)/scripts/lib $(DESTDIR)$(DATADIR)/scripts/lab-guest \
		$(DESTDIR)$(DATADIR)/scripts 2>/dev/null || true
