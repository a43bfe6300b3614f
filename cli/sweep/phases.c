// SPDX-License-Identifier: GPL-2.0
/*
 * The phases of a sweep around its points (issue 14):
 * --precondition: before the first point (and before the profile's prepare
 * step, which the fill would overwrite), a block device or NVMe char node is
 * written by profiles/phases/precondition.fio (its fill, then random writes
 * until fio's steady-state detection says so) as one fio run under cgexec,
 * in OUT/precondition/; results-db/precondition.c records it with the sweep
 * and prints its line.  On a file or tmpfs it does not apply: recorded with
 * the reason, no I/O.  The write guard applies as for a write profile.  A
 * failed run stops the sweep before any point; --resume finds the record and
 * does not precondition again.
 * --steady-state SPEC: every point's job sections get ss=, ss_dur=, ss_ramp=
 * so fio ends a point once it is steady; the importer keeps each job's
 * verdict (steady_state), the progress line and the table mark a point that
 * did not attain it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

static const char *pre_file, *pre_text;	/* the phase's profile, then its expanded job file */
static int pre_applies;			/* 1 a device, 0 a file (pre_why says why) */
static char pre_why[512];

static const char *const ss_valued[] = { "--steady-state", "--ss-dur", "--ss-ramp" };

int sw_phases_option(const char *a, const char *v, int step)
{
	if (!strcmp(a, "--precondition")) {
		if (step == 1)
			sw_die("--precondition takes no value (see --help)");
		sw.precondition = 1;
		return 1;
	}
	for (size_t i = 0; i < sizeof(ss_valued) / sizeof(ss_valued[0]); i++) {
		if (strcmp(a, ss_valued[i]))
			continue;
		if (!v || !*v)
			sw_die("%s needs a value (see --help)", a);
		if (i == 0)
			sw.opt_ss = v;
		else if (i == 1)
			sw.opt_ss_dur = v;
		else
			sw.opt_ss_ramp = v;
		return step;
	}
	return 0;
}

/* fio's ss=: ^(iops|iops_slope|bw|bw_slope):[0-9]*\.?[0-9]+%?$, the limit above 0. */
static int ss_spec_ok(const char *s)
{
	static const char *const kinds[] = { "iops_slope:", "bw_slope:", "iops:", "bw:" };
	const char *p = NULL;
	size_t a, b = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && !p; i++)
		if (!strncmp(s, kinds[i], strlen(kinds[i])))
			p = s + strlen(kinds[i]);
	if (!p)
		return 0;
	a = strspn(p, "0123456789");
	if (p[a] == '.') {
		b = strspn(p + a + 1, "0123456789");
		if (!b)
			return 0;
		b++;
	}
	if (!a && !b)
		return 0;
	if (p[a + b] == '%')
		b++;
	return !p[a + b] && strtod(p, NULL) > 0;
}

static void steady_state_check(void)
{
	if (!sw.opt_ss) {
		if (sw.opt_ss_dur || sw.opt_ss_ramp)
			sw_die("%s only applies with --steady-state SPEC",
			       sw.opt_ss_dur ? "--ss-dur" : "--ss-ramp");
		return;
	}
	if (!ss_spec_ok(sw.opt_ss))
		sw_die("--steady-state: '%s' is not fio's ss= (iops, iops_slope, bw or bw_slope, ':', "
		       "a limit above 0, e.g. iops_slope:5%%)", sw.opt_ss);
	if (!sw.opt_ss_dur)
		sw.opt_ss_dur = sw_printf("%ld", sw.runtime / 2 ? sw.runtime / 2 : 1);
	if (!sw_is_posint(sw.opt_ss_dur) || strlen(sw.opt_ss_dur) > 9)
		sw_die("--ss-dur: '%s' is not a positive number of seconds", sw.opt_ss_dur);
	if (!sw.opt_ss_ramp)
		sw.opt_ss_ramp = "0";
	if (!sw_is_uint(sw.opt_ss_ramp) || strlen(sw.opt_ss_ramp) > 9)
		sw_die("--ss-ramp: '%s' is not a number of seconds", sw.opt_ss_ramp);
	/* fio judges the window only once it is full: it must end within the run. */
	if (atol(sw.opt_ss_dur) + atol(sw.opt_ss_ramp) > sw.runtime)
		sw_die("--ss-dur: a window of %s s after --ss-ramp %s s does not fit in --runtime %ld, "
		       "so no point could be judged steady: lower --ss-dur or raise --runtime",
		       sw.opt_ss_dur, sw.opt_ss_ramp, sw.runtime);
}

/* profiles/phases/precondition.fio, expanded as a profile (its sweep-default lines the weakest). */
static void precondition_load(void)
{
	const char *dir = getenv("UB_PROFILES_DIR");
	const char **def_k = sw.def_k, **def_v = sw.def_v;
	int ndef = sw.ndef;
	char *text;

	pre_file = sw_printf("%s/phases/precondition.fio",
			     dir && *dir ? dir : sw_printf("%s/profiles", sw.top));
	text = sw_read_file(pre_file, NULL);
	if (!text)
		sw_die("--precondition: %s: cannot read: %s", pre_file, strerror(errno));
	/* Only the phase's own defaults: the sweep's profile says nothing of this file. */
	sw.def_k = NULL;
	sw.def_v = NULL;
	sw.ndef = 0;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		const char *d = sw_directive(l, len, "sweep-default:"), *eq = d ? strchr(d, '=') : NULL;

		if (eq && eq > d) {
			sw.def_k = sw_keep(realloc(sw.def_k, (sw.ndef + 1) * sizeof(char *)));
			sw.def_v = sw_keep(realloc(sw.def_v, (sw.ndef + 1) * sizeof(char *)));
			sw.def_k[sw.ndef] = sw_printf("%.*s", (int)(eq - d), d);
			sw.def_v[sw.ndef++] = eq + 1;
		}
		l += len + (l[len] == '\n');
	}
	pre_text = sw_expand(text, NULL);
	sw.def_k = def_k;
	sw.def_v = def_v;
	sw.ndef = ndef;
	if (sw_has_var(pre_text))
		sw_die("--precondition: %s needs profile variables that are not set (--set VAR=VALUE)",
		       pre_file);
}

/* After the profile's checks, before anything is written: each refusal exits 2. */
void sw_phases_check(void)
{
	steady_state_check();
	if (!sw.precondition)
		return;
	if (sw.nclients)
		sw_die("--precondition is not supported with --client: the targets are on the fio "
		       "servers; precondition each server's device there (profiles/phases/"
		       "precondition.fio)");
	if (sw.lab)
		sw_die("--precondition is not supported with --lab: the guest runs the plan's points "
		       "only (its emulated NVMe is a fresh image each boot)");
	pre_applies = ub_precondition_applies(sw.target, pre_why, sizeof(pre_why));
	if (pre_applies < 0)
		sw_die("--target: %s", pre_why);
	if (!pre_applies)
		return;
	precondition_load();
	if (!sw.force) {
		const char *r = sw_write_refusal(sw.target);

		if (*r)
			sw_die("refusing to precondition %s (it writes the whole device): %s; pass "
			       "--force to overwrite it", sw.target, r);
	}
}

/* The plan's stored options, for --resume. */
int sw_phases_plan_args(const char **argv)
{
	int n = 0;

	if (sw.precondition)
		argv[n++] = "--precondition";
	if (sw.opt_ss) {
		argv[n++] = "--steady-state";
		argv[n++] = sw.opt_ss;
		argv[n++] = "--ss-dur";
		argv[n++] = sw.opt_ss_dur;
		argv[n++] = "--ss-ramp";
		argv[n++] = sw.opt_ss_ramp;
	}
	return n;
}

static const char *pre_dir(void)
{
	return sw_printf("%s/precondition", sw.out);
}

static char **pre_argv(const char *json)
{
	char **v = sw_keep(calloc(5, sizeof(char *)));

	v[0] = (char *)sw.fio;
	v[1] = "--output-format=json";
	v[2] = sw_printf("--output=%s", json);
	v[3] = sw_printf("%s/precondition.fio", pre_dir());
	return v;
}

void sw_phases_header(void)
{
	if (sw.precondition && !pre_applies)
		printf("  precondition: does not apply: %s\n", pre_why);
	else if (sw.precondition)
		printf("  precondition: %s before the points (%s%s)\n", sw.target, pre_file,
		       sw.force && *sw_write_refusal(sw.target) ? "; --force" : "");
	if (sw.opt_ss)
		printf("  steady state: each point ends once fio's ss=%s holds over %s s (after %s s); "
		       "§ marks a point that did not attain it\n", sw.opt_ss, sw.opt_ss_dur,
		       sw.opt_ss_ramp);
}

void sw_phases_dry_run(void)
{
	if (sw.precondition && pre_applies) {
		printf("dry run: the precondition command (its job file is written to %s/ when run):\n ",
		       pre_dir());
		for (char **v = pre_argv(sw_printf("%s/precondition.json", pre_dir())); *v; v++)
			printf(" %s", sw_shell_quote(*v));
		printf(" \n");
	}
}

/* ss= at the end of each job section (not [global]) of a point's job file. */
void sw_ss_line(FILE *f, const char *l, size_t len)
{
	static int in_job;	/* the lines so far are a job section's */
	size_t b = l ? strspn(l, " \t") : 0;

	if (l && (b >= len || l[b] != '['))
		return;
	if (in_job && sw.opt_ss)
		fprintf(f, "; uringbpf sweep --steady-state: the run ends once steady\nss=%s\n"
			"ss_dur=%s\nss_ramp=%s\n", sw.opt_ss, sw.opt_ss_dur, sw.opt_ss_ramp);
	in_job = l && strncmp(l + b, "[global]", 8) != 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f))
		sw_die("--out: can't write %s: %s", path, strerror(errno));
}

static void __attribute__((noreturn)) stop(int rc, const char *fmt, const char *arg)
{
	printf(fmt, arg);
	printf("sweep %s: stopped before any point: nothing was run%s\n", sw.name,
	       rc == 130 ? sw_printf("; finish it with: uringbpf sweep --resume %s --db %s", sw.name,
				     sw.opt_db) : "");
	fflush(stdout);
	sqlite3_close(sw.db);
	exit(rc);
}

/* Before the first point (here, not --lab or --client). */
void sw_precondition(void)
{
	const char *dir = pre_dir(), *json = sw_printf("%s/precondition.json", dir);
	const char *tmp = sw_printf("%s.tmp", json), *log = sw_printf("%s/fio.log", dir);
	const char *cpu = sw_printf("%s/cpu.json", dir), *buf;
	struct ub_err e = { "" };
	char why[512];
	size_t len = 0;
	int state, rc;

	if (!sw.precondition)
		return;
	if (ub_precondition_state(sw.db, sw.name, &state, why, sizeof(why), &e))
		sw_die("--db: %s", e.msg);
	if (state == 2)
		stop(1, "precondition: FAILED before (%s): --resume does not run points on a device "
		     "that is not preconditioned; start the sweep again under another --sweep-name\n",
		     why);
	if (state == 1) {	/* --resume: done when the sweep began */
		if (ub_cmd_precondition(sw.db, sw.name, stdout, &e))
			sw_warn("--db: %s", e.msg);
		return;
	}
	if (!pre_applies) {
		if (ub_precondition_record(sw.db, sw.name, sw.target, NULL, NULL, 0, stdout, &e))
			sw_die("--db: %s", e.msg);
		return;
	}
	if (sw_mkdir_p(dir))
		sw_die("--out: can't create %s: %s", dir, strerror(errno));
	write_text(sw_printf("%s/precondition.fio", dir), pre_text);
	unlink(tmp);
	unlink(cpu);
	printf("precondition: %s: the fill, then random writes until steady (log: %s) ...\n",
	       sw.target, log);
	fflush(stdout);
	rc = sw_fio_run(pre_argv(tmp), log, sw_printf("%s/report.jsonl", dir), cpu);
	if (sw_interrupted)
		stop(130, "precondition: interrupted (%s): not recorded; --resume preconditions "
		     "again\n", "a stop signal");
	buf = sw_read_file(tmp, &len);
	if (buf && len)
		rename(tmp, json);
	if (rc) {
		char *targv[] = { "tail", "-n", "3", (char *)log, NULL };
		int st;

		/* A run fio finished with job errors is recorded as failed; no JSON: nothing. */
		if (buf && len)
			ub_precondition_record(sw.db, sw.name, sw.target, json, buf, len, stdout, &e);
		printf("precondition: FAILED: fio exited with status %d (log: %s):\n", rc, log);
		fputs(sw_capture(targv, &st) ?: "", stdout);
		stop(1, "%s", "");
	}
	if (!buf || !len)
		stop(1, "precondition: FAILED: fio wrote no JSON (log: %s)\n", log);
	if (ub_precondition_record(sw.db, sw.name, sw.target, json, buf, len, stdout, &e))
		stop(1, "precondition: FAILED: %s\n", e.msg);
}
