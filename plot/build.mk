# The gnuplot templates of "uringbpf plot" (cli/plot/), installed under
# $(DATADIR)/plot: the installed uringbpf finds them there (its data root),
# a checkout's build/uringbpf in the checkout's plot/.
PLOT_FILES := $(wildcard plot/*.gp)

install-tools::
	for f in $(PLOT_FILES); do install -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done

uninstall::
	for f in $(PLOT_FILES); do rm -f $(DESTDIR)$(DATADIR)/$$f; done
	rmdir $(DESTDIR)$(DATADIR)/plot 2>/dev/null || true
