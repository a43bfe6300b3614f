# The kernel lab (scripts/lab, scripts/LAB.md): QEMU with Debian's Linux 7.3
# and an emulated NVMe drive, for IOPOLL, passthrough and the io_uring BPF
# features the host kernel cannot exercise.
#   make lab                     run the guest tests (LAB_TESTS=PATTERN: some)
#   make lab-shell               boot to a shell in the guest (LAB_ARGS: options)
#   make lab-fetch               download and verify the lab kernel only
LAB_ENV := UB_BUILD=$(B) UB_QEMU=$(QEMU)

lab: build-all
	$(LAB_ENV) scripts/lab test $(LAB_TESTS)

lab-shell: build-all
	$(LAB_ENV) scripts/lab shell $(LAB_ARGS)

lab-fetch:
	scripts/lab fetch

.PHONY: lab lab-shell lab-fetch
