// SPDX-License-Identifier: GPL-2.0
/*
 * --axis PARAM=V1,V2,...: sweep any fio job option besides the iodepth.
 * The plan is configs x iodepths x the cartesian product of the axes'
 * values x repeats; each combination (a "point's axes", canonical
 * "bs=16k numjobs=2", in the order the axes were given) has its own job
 * files, OUT/jobs/qdN-bs=16k-numjobs=2.fio, where the axis lines are
 * appended to every job section, so they override the profile's own (fio:
 * the last assignment in a section wins).  Before anything runs, every
 * value is parsed by fio itself (--parse-only) in a minimal job, and, for
 * a local sweep, every combination's job file too.  sw.ax is the axes of
 * the point being run, planned or recorded (one point at a time).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"

/* fio option names: letters, digits, '_' (e.g. bs, numjobs, rwmixread, io_size). */
static int option_name_ok(const char *s, size_t n)
{
	if (!n || !isalpha((unsigned char)*s))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

void sw_axis_add(const char *spec)
{
	const char *eq = strchr(spec, '=');
	struct sw_axis a = { 0 };

	if (!eq || !option_name_ok(spec, eq - spec))
		sw_die("--axis: '%s' is not PARAM=V1,V2,... with PARAM a fio job option (e.g. "
		       "--axis bs=4k,16k)", spec);
	a.param = sw_printf("%.*s", (int)(eq - spec), spec);
	a.spec = spec;
	if (!strcmp(a.param, "iodepth"))
		sw_die("--axis: iodepth is the sweep's own axis; use --iodepths %s", eq + 1);
	for (int i = 0; i < sw.naxes; i++)
		if (!strcmp(sw.axes[i].param, a.param))
			sw_die("--axis: %s is given twice; give all its values in one --axis %s=V1,V2",
			       a.param, a.param);
	for (const char *q = eq + 1;;) {
		size_t n = strcspn(q, ",");
		char *v = sw_printf("%.*s", (int)n, q);

		if (!n)
			sw_die("--axis: '%s' has an empty value (values are comma-separated)", spec);
		for (const char *c = v; *c; c++)
			if (isspace((unsigned char)*c) || *c == '=' || *c == '#' || *c == ';')
				sw_die("--axis: %s value '%s' may not hold blanks, '=', '#' or ';'",
				       a.param, v);
		for (int i = 0; i < a.nv; i++)
			if (!strcmp(a.v[i], v))
				sw_die("--axis: %s value '%s' is given twice", a.param, v);
		a.v = sw_keep(realloc(a.v, (a.nv + 1) * sizeof(char *)));
		a.v[a.nv++] = v;
		if (!q[n])
			break;
		q += n + 1;
	}
	sw.axes = sw_keep(realloc(sw.axes, (sw.naxes + 1) * sizeof(a)));
	sw.axes[sw.naxes++] = a;
}

/* The cartesian product, the first axis slowest; one "" without axes. */
void sw_axis_combos(void)
{
	long n = 1;

	for (int i = 0; i < sw.naxes; i++) {
		n *= sw.axes[i].nv;
		if (n > 4096)
			sw_die("--axis: more than 4096 combinations of the axes' values");
	}
	sw.ncombo = (int)n;
	sw.combo = sw_keep(calloc(n, sizeof(char *)));
	for (long k = 0; k < n; k++) {
		char *s = sw_strdup("");
		long rest = k, div = n;

		for (int i = 0; i < sw.naxes; i++) {
			div /= sw.axes[i].nv;
			s = sw_printf("%s%s%s=%s", s, i ? " " : "", sw.axes[i].param,
				      sw.axes[i].v[rest / div]);
			rest %= div;
		}
		sw.combo[k] = s;
	}
	sw.ax = sw.combo[0];
}

/* "qd8" or "qd8-bs=16k-numjobs=2": a point's part of its file names. */
char *sw_ptag(long qd)
{
	char *t = sw_printf("qd%ld%s%s", qd, *sw.ax ? "-" : "", sw.ax);

	for (char *p = t; *p; p++)
		if (*p == ' ')
			*p = '-';
		else if (!isalnum((unsigned char)*p) && !strchr("._+=-", *p))
			*p = '_';
	return t;
}

/* " bs=16k numjobs=2" for messages, or "". */
const char *sw_ax_note(void)
{
	return *sw.ax ? sw_printf(" %s", sw.ax) : "";
}

/* The point's axis settings as job file lines. */
static char *axis_lines(const char *axes)
{
	char *s = sw_strdup(axes), *out = sw_strdup("");

	for (char *t = strtok(s, " "); t; t = strtok(NULL, " "))
		out = sw_printf("%s%s\n", out, t);
	return out;
}

static int is_header(const char *l, size_t len, int *global)
{
	const char *p = l + strspn(l, " \t");
	const char *end;

	if ((size_t)(p - l) >= len || *p != '[')
		return 0;
	end = memchr(p, ']', len - (p - l));
	if (!end)
		return 0;
	*global = end - p - 1 == 6 && !strncmp(p + 1, "global", 6);
	return 1;
}

/* text with the axes' lines at the end of each job section (not [global]). */
char *sw_axis_apply(const char *text, const char *axes)
{
	char *add = axis_lines(axes), *out = sw_strdup("");
	int in_job = 0, global;

	if (!*axes)
		return sw_strdup(text);
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");

		if (is_header(l, len, &global)) {
			if (in_job)
				out = sw_printf("%s; --axis %s\n%s", out, axes, add);
			in_job = !global;
		}
		out = sw_printf("%s%.*s\n", out, (int)len, l);
		l += len + (l[len] == '\n');
	}
	if (in_job)
		out = sw_printf("%s; --axis %s\n%s", out, axes, add);
	return out;
}

/* fio --parse-only FILE: 0 when fio takes it; *msg: fio's first "fio: " line. */
static int fio_parses(const char *file, const char *section, char **msg)
{
	char *argv[] = { (char *)sw.fio, "--parse-only", (char *)file, NULL, NULL };
	char *out = NULL;
	size_t len = 0;
	int p[2], st = 0;
	pid_t pid;
	FILE *f;
	char line[1024];

	*msg = sw_strdup("");
	if (section) {
		argv[2] = sw_printf("--section=%s", section);
		argv[3] = (char *)file;
	}
	if (pipe(p))
		sw_die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		sw_child_signals();
		close(p[0]);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[1]);
		setenv("UB_REPORT", "/dev/null", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (f && fgets(line, sizeof(line), f))
		if (!len && !strncmp(line, "fio: ", 5)) {
			line[strcspn(line, "\n")] = 0;
			out = sw_strdup(line + 5);
			len = strlen(out);
		}
	if (f)
		fclose(f);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (len)
		*msg = out;
	return pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st);
}

static char *write_tmp(const char *text)
{
	char *path = sw_strdup("/tmp/uringbpf-axis-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd))
		sw_die("--axis: can't write a job file to check in /tmp: %s", strerror(errno));
	return path;
}

/*
 * Every axis value, then (a local sweep) every combination's job file, as
 * fio parses them; a value fio refuses is named with its --axis (exit 2).
 * An rw axis that writes makes the sweep a write sweep: the write guard.
 */
void sw_axis_check(void)
{
	char *msg, *tmp;

	for (int i = 0; i < sw.naxes; i++) {
		const char *r;

		if (strcmp(sw.axes[i].param, "rw") && strcmp(sw.axes[i].param, "readwrite"))
			continue;
		for (int k = 0; k < sw.axes[i].nv; k++) {
			if (!sw_rw_writes(sw.axes[i].v[k]))
				continue;
			sw.nwrites++;
			r = sw.force ? "" : sw_write_refusal(sw.target);
			if (*r)
				sw_die("refusing --axis %s on %s: %s=%s writes and %s; pass --force to "
				       "overwrite it", sw.axes[i].spec, sw.target, sw.axes[i].param,
				       sw.axes[i].v[k], r);
		}
	}

	for (int i = 0; i < sw.naxes; i++)
		for (int k = 0; k < sw.axes[i].nv; k++) {
			tmp = write_tmp(sw_printf("[axis-check]\nioengine=null\nsize=1m\n%s=%s\n",
						  sw.axes[i].param, sw.axes[i].v[k]));
			if (fio_parses(tmp, NULL, &msg)) {
				unlink(tmp);
				sw_die("--axis %s: fio refuses %s=%s%s%s", sw.axes[i].spec,
				       sw.axes[i].param, sw.axes[i].v[k], *msg ? ": " : "", msg);
			}
			unlink(tmp);
		}
	/* The lab's and the servers' engine and target are not here to parse against. */
	if (!sw.naxes || sw.lab || sw.nclients)
		return;
	for (int k = 0; k < sw.ncombo; k++)
		for (int q = 0; q < sw.nqd; q++) {
			const char *text = sw_expand(sw.profile_text, sw_printf("%ld", sw.qd[q]));

			tmp = write_tmp(sw_axis_apply(text, sw.combo[k]));
			for (int c = 0; c < sw.ncfg; c++) {
				if (sw.cfg[c].skip || !fio_parses(tmp, sw.cfg[c].name, &msg))
					continue;
				unlink(tmp);
				sw_die("--axis: fio refuses [%s] at qd=%ld with %s%s%s", sw.cfg[c].name,
				       sw.qd[q], sw.combo[k], *msg ? ": " : "", msg);
			}
			unlink(tmp);
		}
}
