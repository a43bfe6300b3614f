// SPDX-License-Identifier: GPL-2.0
/*
 * gnuplot for uringbpf plot: the settings a template reads (gnuplot
 * expressions given with -e), and one gnuplot process per chart and format.
 * The templates (plot/NAME.gp) stay files, installed under DATADIR/plot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/plot/plot.h"

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sb_free(struct sb *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

const char *sb_str(struct sb *b)
{
	return b->oom ? NULL : b->s ? b->s : "";
}

/* Enhanced text (titles) reads \ _ ^ { } @ & ~ as markup: escape them. */
char *gp_enh(const char *s)
{
	struct sb b = { 0 };

	for (; *s; s++)
		sb_printf(&b, "%s%c", strchr("\\_^{}@&~", *s) ? "\\" : "", *s);
	if (!sb_str(&b)) {
		sb_free(&b);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

/* A single-quoted gnuplot string: only ' is special, written twice. */
static void gp_quote(struct sb *b, const char *v)
{
	sb_printf(b, "'");
	for (; *v; v++)
		sb_printf(b, *v == '\'' ? "''" : "%c", *v);
	sb_printf(b, "'");
}

static void sep(struct sb *b)
{
	if (b->len)
		sb_printf(b, "; ");
}

void gp_str(struct sb *b, const char *name, const char *value)
{
	sep(b);
	sb_printf(b, "%s=", name);
	gp_quote(b, value);
}

void gp_num(struct sb *b, const char *name, const char *value)
{
	sep(b);
	sb_printf(b, "%s=%s", name, value);
}

void gp_str_array(struct sb *b, const char *name, char *const *v, int n)
{
	sep(b);
	sb_printf(b, "array %s[%d] = [", name, n);
	for (int i = 0; i < n; i++) {
		sb_printf(b, "%s", i ? ", " : "");
		gp_quote(b, v[i]);
	}
	sb_printf(b, "]");
}

void gp_int_array(struct sb *b, const char *name, const long long *v, int n)
{
	sep(b);
	sb_printf(b, "array %s[%d] = [", name, n);
	for (int i = 0; i < n; i++)
		sb_printf(b, "%s%lld", i ? "," : "", v[i]);
	sb_printf(b, "]");
}

/*
 * Run gnuplot -e EXPR TEMPLATE; *err gets what it wrote on stderr.
 * Returns its exit status (-1: could not run it).
 */
static int run_gnuplot(const char *gnuplot, const char *expr, const char *tpl, struct sb *err)
{
	int fd[2], status;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	if (pipe2(fd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* No terminal input: gnuplot reads its template and -e only. */
		if (null >= 0)
			dup2(null, 0);
		dup2(fd[1], 2);
		execlp(gnuplot, gnuplot, "-e", expr, tpl, (char *)NULL);
		dprintf(2, PLOT_PROG ": can't run %s: %s\n", gnuplot, strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sb_printf(err, "%.*s", (int)n, buf);
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int gp_draw(struct plot *p, const char *tpl, const char *base, const char *settings)
{
	char tplpath[4096];
	int rc = 0;

	snprintf(tplpath, sizeof(tplpath), "%s/%s", p->tpl, tpl);
	for (int i = 0; i < p->o->nfmts && !rc; i++) {
		struct sb expr = { 0 }, err = { 0 };
		char name[256], *outf;
		const char *e, *line;
		int st;

		snprintf(name, sizeof(name), "%s.%s", base, p->o->fmts[i]);
		outf = plot_path(p, name);
		if (!outf)
			return plot_err("out of memory");
		gp_str(&expr, "dir", p->tpl);
		gp_str(&expr, "fmt", p->o->fmts[i]);
		gp_str(&expr, "out", outf);
		sb_printf(&expr, "; %s", settings);
		if (!sb_str(&expr)) {
			free(outf);
			sb_free(&expr);
			return plot_err("out of memory");
		}
		st = run_gnuplot(p->gnuplot, sb_str(&expr), tplpath, &err);
		e = sb_str(&err) ? sb_str(&err) : "";
		if (st) {
			fputs(e, stderr);
			rc = plot_err("gnuplot failed on %s for %s", tplpath, outf);
		} else {
			/* gnuplot reports some data problems only as warnings; show them. */
			for (line = e; *line; ) {
				size_t len = strcspn(line, "\n");

				if (len)
					fprintf(stderr, "%s: gnuplot (%s): %.*s\n", PLOT_PROG, base,
						(int)len, line);
				line += len + (line[len] == '\n');
			}
			rc = plot_add_drawn(p, outf);
		}
		free(outf);
		sb_free(&expr);
		sb_free(&err);
	}
	return rc;
}
