# plot/plot and its gnuplot templates, installed side by side under
# $(DATADIR)/plot (plot/plot finds the templates in UB_PLOT_DIR, else beside it).
PLOT_FILES := $(wildcard plot/*.gp)

install-tools::
	install -D -m 755 plot/plot $(DESTDIR)$(DATADIR)/plot/plot
	for f in $(PLOT_FILES); do install -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done

uninstall::
	rm -f $(DESTDIR)$(DATADIR)/plot/plot
	for f in $(PLOT_FILES); do rm -f $(DESTDIR)$(DATADIR)/$$f; done
	rmdir $(DESTDIR)$(DATADIR)/plot 2>/dev/null || true
