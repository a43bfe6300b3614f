// SPDX-License-Identifier: GPL-2.0
/*
 * The sweep in the database, in process (results-db/sweep_claim.c,
 * sweep_plan.c): the database opens (made and migrated if need be) and the
 * sweep claims its name before any run; every point and the options are
 * planned before the first run; each point's fate as it is decided; the
 * end.  Ctrl-C can't cut these short: the signal handler only sets a flag.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

void sw_db_open(void)
{
	struct ub_err e = { "" };
	char *dir = sw_dirname(sw.opt_db);

	if (strcmp(sw.opt_db, ":memory:") && sw_mkdir_p(dir))
		sw_die("--db: cannot create %s for the database: %s", dir, strerror(errno));
	if (ubdb_open(sw.opt_db, UB_OPEN_CREATE, &sw.db, &e))
		sw_die("--db: %s", e.msg);
}

void sw_claim(void)
{
	struct ub_err e = { "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	int rc = ub_cmd_claim_sweep(sw.db, sw.opt_db, sw.name, sw.host_label, (long long)getpid(),
				    o, &e);

	fclose(o);
	free(buf);
	if (rc == UB_ETAKEN)
		sw_die("--sweep-name: %s", e.msg);
	if (rc)
		sw_die("--db: %s", e.msg);
}

/* ub_cmd_plan's output as a string; *rc its status, e its message. */
static char *plan_cmd(const char *cmd, const char *sweep, int n, char **pos, const char *buf,
		      size_t blen, int *rc, struct ub_err *e)
{
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	*rc = ub_cmd_plan(sw.db, sw.opt_db, cmd, sweep, n, pos, buf, blen, o, e);
	fclose(o);
	return sw_keep(out);
}

static void plan_add(const char *text, const char *what)
{
	struct ub_err e = { "" };
	char *out = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r"), *o = open_memstream(&out, &len);
	int rc = in ? ub_plan_add(sw.db, sw.name, in, o, &e) : UB_EDATA;

	if (in)
		fclose(in);
	fclose(o);
	free(out);
	if (rc)
		sw_die("--db: can't write the plan of sweep %s%s%s", sw.name, what, "");
}

static char *tabless(const char *s)
{
	char *t = sw_strdup(s);

	for (char *p = t; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return t;
}

/*
 * Every point of the sweep, in the order they run (repeat, config, iodepth),
 * and the options that made them, resolved (paths absolute, defaults filled
 * in) so --resume parses them again from any directory.  A config the
 * target can't run is planned skipped, with its reason.
 */
void sw_write_plan(void)
{
	struct ub_err e = { "" };
	char *out_abs = sw_realpath_m(sw.out), *text = NULL, *opts = NULL;
	const char *argv[128];
	size_t tlen = 0, olen = 0;
	FILE *t = open_memstream(&text, &tlen), *o;
	int n = 0, rc;
	char *configs = NULL;

	for (long rep = 1; rep <= sw.repeats; rep++)
		for (int c = 0; c < sw.ncfg; c++)
			for (int q = 0; q < sw.nqd; q++)
				for (int k = 0; k < sw.ncombo; k++) {
					sw.ax = sw.combo[k];
					fprintf(t, "%s\t%ld\t%ld\t%s/jobs/%s.fio", sw.cfg[c].name,
						sw.qd[q], rep, out_abs, sw_ptag(sw.qd[q]));
					if (sw.cfg[c].skip)
						fprintf(t, "\tskipped\t%s\t%s", sw.cfg[c].skip_code,
							tabless(sw.cfg[c].skip));
					else if (*sw.ax)
						fputs("\t\t\t", t);
					if (*sw.ax)
						fprintf(t, "\t%s", sw.ax);
					fputc('\n', t);
				}
	fclose(t);
	sw_keep(text);
	plan_add(text, "");

	for (int c = 0; c < sw.ncfg; c++)
		configs = sw_printf("%s%s%s", configs ? configs : "", c ? "," : "", sw.cfg[c].name);
	argv[n++] = "--profile";
	argv[n++] = sw_realpath_m(sw.profile_file);
	argv[n++] = "--target";
	argv[n++] = sw.kind == SW_FILE ? sw_realpath_m(sw.target) : sw.target;
	argv[n++] = "--iodepths";
	argv[n++] = sw.opt_iodepths;
	argv[n++] = "--configs";
	argv[n++] = configs;
	argv[n++] = "--repeats";
	argv[n++] = sw_printf("%ld", sw.repeats);
	argv[n++] = "--runtime";
	argv[n++] = sw.opt_runtime;
	argv[n++] = "--ramp";
	argv[n++] = sw.opt_ramp;
	argv[n++] = "--size";
	argv[n++] = sw.size;
	argv[n++] = "--direct";
	argv[n++] = sw.direct;
	argv[n++] = "--engine";
	argv[n++] = sw.opt_engine;
	argv[n++] = "--sweep-name";
	argv[n++] = sw.name;
	argv[n++] = "--out";
	argv[n++] = out_abs;
	n += sw_phases_plan_args(argv + n);
	if (sw.max_sd > 0) {
		argv[n++] = "--max-stddev-pct";
		argv[n++] = sw.opt_max_sd;
		argv[n++] = "--max-repeats";
		argv[n++] = sw.opt_max_repeats;
	}
	if (!sw.prepare_on)
		argv[n++] = "--no-prepare";
	if (sw.force)
		argv[n++] = "--force";
	if (sw.opt_clients) {
		argv[n++] = "--client";
		argv[n++] = sw.opt_clients;
	}
	if (sw.lab)
		argv[n++] = "--lab";
	/* axis.c */
	for (int i = 0; i < sw.naxes && n < 126; i++) {
		argv[n++] = "--axis";
		argv[n++] = sw.axes[i].spec;
	}
	o = open_memstream(&opts, &olen);
	for (int i = 0; i < n; i++)
		fwrite(argv[i], 1, strlen(argv[i]) + 1, o);
	for (int i = 0; i < sw.nset; i++) {
		fprintf(o, "--set%c%s=%s", 0, sw.set_k[i], sw.set_v[i]);
		fputc(0, o);
	}
	fclose(o);
	sw_keep(opts);
	{
		char *pos[2] = { (char *)sw.name, "-" };

		plan_cmd("plan-options", NULL, 2, pos, opts, olen, &rc, &e);
	}
	if (rc)
		sw_die("--db: can't store the options of sweep %s", sw.name);
}

char *sw_plan_pending(void)
{
	struct ub_err e = { "" };
	char *pos[1] = { (char *)sw.name };
	int rc;
	char *s = plan_cmd("plan-pending", NULL, 1, pos, NULL, 0, &rc, &e);

	if (rc)
		sw_die("--db: %s", e.msg);
	return s;
}

/* A point's fate: skipped, failed (they stop the config) or interrupted. */
void sw_fate(const char *c, long qd, long rep, const char *fate, const char *code,
	     const char *text)
{
	struct ub_err e = { "" };
	char *pos[8] = { (char *)sw.name, (char *)c, sw_printf("%ld", qd), sw_printf("%ld", rep),
			 (char *)fate, (char *)(code && *code ? code : "unknown"),
			 (char *)(text && *text ? text : "no reason given"), (char *)sw.ax };
	int rc;

	plan_cmd("fate", NULL, 8, pos, NULL, 0, &rc, &e);
	if (rc) {
		FILE *l = fopen(sw_printf("%s/log/import.log", sw.out), "a");

		if (l) {
			fprintf(l, "uringbpf-db fate: %s\n", e.msg);
			fclose(l);
		}
		sw_warn("warning: the fate of %s qd=%ld%s rep %ld (%s) is not recorded (see "
			"%s/log/import.log)", c, qd, sw_ax_note(), rep, fate, sw.out);
	}
}

/* The variance gate's one more run of a point; 0 when planned. */
int sw_plan_add_one(const char *c, long qd, long rep)
{
	struct ub_err e = { "" };
	char *line = sw_printf("%s\t%ld\t%ld\t%s\t\t\t\t%s\n", c, qd, rep,
			       sw_realpath_m(sw_jobfile(qd)), sw.ax);
	char *out = NULL;
	size_t len = 0;
	FILE *in = fmemopen(line, strlen(line), "r"), *o = open_memstream(&out, &len);
	int rc = in ? ub_plan_add(sw.db, sw.name, in, o, &e) : UB_EDATA;

	if (in)
		fclose(in);
	fclose(o);
	free(out);
	return rc;
}

int sw_plan_end(void)
{
	struct ub_err e = { "" };
	char *pos[1] = { (char *)sw.name };
	int rc;

	plan_cmd("plan-end", NULL, 1, pos, NULL, 0, &rc, &e);
	return rc;
}

char *sw_not_run(void)
{
	struct ub_err e = { "" };
	int rc;
	char *s = plan_cmd("not-run", sw.name, 0, NULL, NULL, 0, &rc, &e);

	if (rc) {
		sw_warn("can't read what was not run: %s", e.msg);
		return sw_strdup("");
	}
	return s;
}

int sw_config_index(const char *c)
{
	for (int i = 0; i < sw.ncfg; i++)
		if (!strcmp(sw.cfg[i].name, c))
			return i;
	return -1;
}
