# The fio profiles, installed for "uringbpf sweep --profile NAME" outside a
# checkout (the CLI points UB_PROFILES_DIR at them).
PROFILES := $(wildcard profiles/*.fio) $(wildcard profiles/phases/*.fio) profiles/README.md

install-tools::
	for f in $(PROFILES); do install -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done

uninstall::
	for f in $(PROFILES); do rm -f $(DESTDIR)$(DATADIR)/$$f; done
	rmdir $(DESTDIR)$(DATADIR)/profiles/phases $(DESTDIR)$(DATADIR)/profiles 2>/dev/null || true
