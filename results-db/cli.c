// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf db (alias uringbpf-db): command line over the results database. Parses options,
 * opens the database and hands over to one command. Exit codes: 0 success,
 * 1 data errors, 2 usage errors (the message names the option and the fix),
 * 3 claim-sweep: the name is taken.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results-db/db.h"

#define PROG "uringbpf-db"
#define DEFAULT_DB UB_DEFAULT_DB

static const char usage_text[] =
	"usage: " PROG " [--db PATH] COMMAND [options]\n"
	"  database: --db PATH, else $URINGBPF_DB, else " DEFAULT_DB "\n"
	"commands:\n"
	"  import [--sweep NAME] [--config LABEL] [--repeat N] [--host NAME] [--kernel STR]\n"
	"         [--device PATH] [--tag KEY=VALUE]... [--engine-report FILE] [--cpu-json FILE]\n"
	"         [--iops-log FILE]... FILE.json...\n"
	"      import fio --output-format=json or json+ files (one run per file, one per host\n"
	"      for fio --client output); the same file twice is imported once;\n"
	"      --engine-report: the engine's report=FILE of that run, kept with it (one FILE.json)\n"
	"      --cpu-json: uringbpf cgexec --cpu-json FILE of that run: the CPU it used (one FILE.json)\n"
	"      --iops-log: fio's write_iops_log files of that run (PREFIX_iops.N.log; one FILE.json)\n"
	"  table  [--sweep NAME] [--rw RW] [--bs BS] [--iodepth N] [--columns iodepth|bs|numjobs]\n"
	"         [--metric M[,M...] | --percentile P]\n"
	"      Markdown table: a row per config, a column per iodepth, over the repeats;\n"
	"      --columns bs: a column per block size, a row per config and iodepth (one\n"
	"      iodepth: --iodepth N); a sweep's --axis values of a row's runs follow its config\n"
	"      --metric M1,M2: the metrics side by side, one block of iodepth columns each\n"
	"      M: kiops (default), clat_p50_us, clat_p99_us, clat_p999_us, clat_p9999_us,\n"
	"         clat_mean_us, bw_mib, cpu_cores, kiops_per_core, fio_cpu_cores, iops_cv,\n"
	"         or clat_pP_us: any percentile (e.g. clat_p99.999_us, the same as\n"
	"         --percentile 99.999); a percentile is read from the json+ histograms of\n"
	"         all repeats merged (a cell marked \u2020 is the mean of the runs' own, for\n"
	"         runs without histograms); a cell of another metric whose IOPS varied\n"
	"         over the run (iops_cv > 0.10) ends in ~\n"
	"  series [--sweep NAME] [--rw RW] [--bs BS] [--iodepth N] [--x iodepth|bs|numjobs|rw|OPTION]\n"
	"         [--metric M | --percentile P]\n"
	"      gnuplot data: per config \"# config: LABEL\" then \"x mean stddev min max n\";\n"
	"      LABEL: the config, then the sweep's other --axis values of its runs;\n"
	"      a percentile: \"x value stddev min max n source\", value merged over the\n"
	"      repeats (source bins) or the mean of their own (source runs)\n"
	"  cdf [--sweep NAME] [--rw RW] [--bs BS] [--iodepth N]\n"
	"      completion-latency CDF per iodepth and config, from the json+ histograms of\n"
	"      all repeats merged: \"# config: LABEL\" then \"latency_us fraction count\"\n"
	"  configs [--sweep NAME]      config labels, first seen first\n"
	"  info [--sweep NAME]         sweep, device, kernel, host, fio_version, date, runs\n"
	"  seed-shape --sweep NAME     SQPOLL+IOPOLL / IOPOLL per iodepth: the seed table beside NAME\n"
	"  precondition --sweep NAME   how the sweep's target was preconditioned: the fill, then\n"
	"                              fio's steady-state verdict, or why it does not apply\n"
	"  runs                        id, time, sweep, config, host, file (tab separated)\n"
	"  export-csv [--view NAME]    a view or table as CSV (default kiops_by_iodepth)\n"
	"  sql \"SELECT ...\"            one read-only query, columns separated by '|'\n"
	"  export-fioplot --sweep NAME --out DIR\n"
	"      the sweep's points as fio JSON for fio-plot: DIR/CONFIG/BS/RW-IODEPTH-NUMJOBS.json,\n"
	"      the repeat with the median kIOPS each (lower middle of an even count); DIR new or\n"
	"      empty; a line per file: path, run, repeat, kIOPS (tab separated)\n"
	"  compare A B [--metric M | --percentile P] [--max-regress-pct X] [--format md|tsv|json]\n"
	"      sweep B against baseline A per point: values (a percentile merged as in table),\n"
	"      B/A, noise, verdict; exit 1 on a regression (uringbpf compare --help)\n"
	"for uringbpf sweep (exit status 0 done, 1 error, 2 usage, 3 name taken):\n"
	"  claim-sweep [--host NAME] NAME   create/migrate the database and take the sweep\n"
	"                              name, before any run; exit 3 if a sweep has it\n"
	"  run-summary FILE.json...    per run imported from FILE: id, kIOPS, p99 us, jobs,\n"
	"                              failed jobs, CPU cores or -, kIOPS to 3 decimals\n"
	"                              (tab separated)\n"
	"  profile-sections FILE.fio   job section names; a name given twice is refused\n"
	"  engine-report FILE          the engine's report=FILE, a line per job: job, outcome,\n"
	"                              code, verdict (ok|skip|fail), ring, message (tab separated)\n"
	"  plan-add NAME               the sweep's points from stdin, a line each: CONFIG, IODEPTH,\n"
	"                              REPEAT, JOBFILE [, skipped or nothing, CODE, TEXT [, AXES]]\n"
	"                              (tab separated; AXES: the point's --axis values, bs=16k)\n"
	"  plan-options NAME FILE      the sweep's options (NUL-separated in FILE), for --resume\n"
	"  fate NAME CONFIG QD REPEAT skipped|failed|interrupted [CODE TEXT [AXES]]\n"
	"                              a point's fate (done: recorded by import in its transaction)\n"
	"  plan-pending NAME           points with no fate yet or interrupted: seq, config, iodepth,\n"
	"                              repeat, job file, axes (tab separated)\n"
	"  plan-end NAME               the sweep ran to its end\n"
	"  resume-sweep NAME           the sweep's options (NUL-separated); exit 4 if it ended and\n"
	"                              nothing is pending\n"
	"  plan --sweep NAME           every planned point and its fate (tab separated; an axes\n"
	"                              column for a sweep with --axis values)\n"
	"  precondition-record NAME TARGET [FILE.json]\n"
	"                              the sweep's preconditioning: the fio JSON of its run on a\n"
	"                              device (profiles/precondition.fio), or none for a file\n"
	"                              (recorded as not applying, with why); exit 1 if it failed\n"
	"  not-run --sweep NAME        what the sweep did not run: config, iodepth (all), reason,\n"
	"                              fate, code, axes (tab separated)\n";

static int usage_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s%s: ", PROG, cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", PROG);
	return UB_EUSAGE;
}

/* Options every reporting command shares. */
struct args {
	const char *cmd;
	struct ub_filter f;
	const char *metric, *x, *view, *out;
	char pct_metric[48];	/* --percentile P as clat_pP_us */
	long long iodepth;	/* cdf --iodepth, -1 all */
	struct ub_import_opts imp;
	const char *device;
	struct ub_tag *tags;
	int ntags;
	const char **iops_names;	/* --iops-log FILE... */
	char **iops_bufs;
	size_t *iops_lens;
	int n_iops;
};

enum { O_SWEEP = 256, O_CONFIG, O_REPEAT, O_HOST, O_KERNEL, O_DEVICE, O_TAG, O_RW, O_BS,
       O_METRIC, O_X, O_VIEW, O_ENGINE_REPORT, O_PERCENTILE, O_IODEPTH, O_CPU_JSON,
       O_IOPS_LOG, O_COLUMNS, O_OUT };

struct cmd {
	const char *name;
	const int *opts;	/* O_* it accepts, 0-terminated */
	int min_args, max_args;	/* positional arguments */
	const char *args_help;
};

static const int import_opts[] = { O_SWEEP, O_CONFIG, O_REPEAT, O_HOST, O_KERNEL, O_DEVICE,
				   O_TAG, O_ENGINE_REPORT, O_CPU_JSON, O_IOPS_LOG, 0 };
static const int table_opts[] = { O_SWEEP, O_RW, O_BS, O_METRIC, O_PERCENTILE, O_IODEPTH,
				  O_COLUMNS, 0 };
static const int series_opts[] = { O_SWEEP, O_RW, O_BS, O_METRIC, O_PERCENTILE, O_X, O_IODEPTH,
				   0 };
static const int cdf_opts[] = { O_SWEEP, O_RW, O_BS, O_IODEPTH, 0 };
static const int sweep_opts[] = { O_SWEEP, 0 };
static const int no_opts[] = { 0 };
static const int export_opts[] = { O_VIEW, 0 };
static const int claim_opts[] = { O_HOST, 0 };
static const int fioplot_opts[] = { O_SWEEP, O_OUT, 0 };

static const struct cmd cmds[] = {
	{ "import", import_opts, 1, -1, "FILE.json..." },
	{ "table", table_opts, 0, 0, "" },
	{ "series", series_opts, 0, 0, "" },
	{ "cdf", cdf_opts, 0, 0, "" },
	{ "configs", sweep_opts, 0, 0, "" },
	{ "info", sweep_opts, 0, 0, "" },
	{ "seed-shape", sweep_opts, 0, 0, "" },
	{ "runs", no_opts, 0, 0, "" },
	{ "export-csv", export_opts, 0, 0, "" },
	{ "export-fioplot", fioplot_opts, 0, 0, "" },	/* export_fioplot.c */
	{ "sql", no_opts, 1, 1, "\"SELECT ...\"" },
	{ "claim-sweep", claim_opts, 1, 1, "NAME" },
	{ "run-summary", no_opts, 1, -1, "FILE.json..." },
	{ "profile-sections", no_opts, 1, 1, "FILE.fio" },
	{ "engine-report", no_opts, 1, 1, "FILE" },
	/* sweep_plan.c */
	{ "plan-add", no_opts, 1, 1, "NAME" },
	{ "plan-options", no_opts, 2, 2, "NAME FILE" },
	{ "fate", no_opts, 5, 8, "NAME CONFIG IODEPTH REPEAT FATE [CODE TEXT [AXES]]" },
	{ "plan-pending", no_opts, 1, 1, "NAME" },
	{ "plan-end", no_opts, 1, 1, "NAME" },
	{ "resume-sweep", no_opts, 1, 1, "NAME" },
	{ "plan", sweep_opts, 0, 0, "" },
	/* precondition.c */
	{ "precondition", sweep_opts, 0, 0, "" },
	{ "precondition-record", no_opts, 2, 3, "NAME TARGET [FILE.json]" },
	{ "not-run", sweep_opts, 0, 0, "" },
};

static const struct option long_opts[] = {
	{ "sweep", required_argument, NULL, O_SWEEP },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "repeat", required_argument, NULL, O_REPEAT },
	{ "host", required_argument, NULL, O_HOST },
	{ "kernel", required_argument, NULL, O_KERNEL },
	{ "device", required_argument, NULL, O_DEVICE },
	{ "tag", required_argument, NULL, O_TAG },
	{ "rw", required_argument, NULL, O_RW },
	{ "bs", required_argument, NULL, O_BS },
	{ "metric", required_argument, NULL, O_METRIC },
	{ "percentile", required_argument, NULL, O_PERCENTILE },
	{ "iodepth", required_argument, NULL, O_IODEPTH },
	{ "x", required_argument, NULL, O_X },
	{ "columns", required_argument, NULL, O_COLUMNS },
	{ "view", required_argument, NULL, O_VIEW },
	{ "engine-report", required_argument, NULL, O_ENGINE_REPORT },
	{ "cpu-json", required_argument, NULL, O_CPU_JSON },
	{ "iops-log", required_argument, NULL, O_IOPS_LOG },
	{ "out", required_argument, NULL, O_OUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *opt_name(int o)
{
	const struct option *l;

	for (l = long_opts; l->name; l++)
		if (l->val == o)
			return l->name;
	return "?";
}

static int accepts(const struct cmd *c, int o)
{
	const int *p;

	for (p = c->opts; *p; p++)
		if (*p == o)
			return 1;
	return 0;
}

static int add_tag(struct args *a, char *kv)
{
	char *eq = strchr(kv, '=');
	struct ub_tag *nt;
	int i;

	if (!eq || eq == kv)
		return usage_err(a->cmd, "--tag needs KEY=VALUE, got '%s'", kv);
	*eq = 0;
	for (i = 0; i < a->ntags; i++)
		if (!strcmp(a->tags[i].key, kv))
			return usage_err(a->cmd, "--tag %s given twice: give each key once", kv);
	nt = realloc(a->tags, sizeof(*nt) * (a->ntags + 1));
	if (!nt)
		return usage_err(a->cmd, "out of memory");
	a->tags = nt;
	a->tags[a->ntags].key = kv;
	a->tags[a->ntags++].value = eq + 1;
	return UB_OK;
}

static int valid_option_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
	       strlen(s);
}

/*
 * --metric M, or for table M1,M2,...: each a run_points column or a
 * clat_pP_us percentile (ub_report_metric_valid), none empty.
 */
static int check_metrics(const struct cmd *c, const char *val)
{
	struct ub_err e = { "" };

	if (ub_report_metrics_check(val, 1, &e))
		return usage_err(c->name, "%s", e.msg);
	if (strchr(val, ',') && strcmp(c->name, "table"))
		return usage_err(c->name, "--metric %s: %s draws one metric; give one", val, c->name);
	return UB_OK;
}

static int set_opt(struct args *a, const struct cmd *c, int o, char *val)
{
	struct ub_err e = { "" };
	char *end;
	int ok;

	if (!accepts(c, o))
		return usage_err(c->name, "--%s does not apply to %s", opt_name(o), c->name);
	switch (o) {
	case O_SWEEP: a->f.sweep = a->imp.sweep = val; break;
	case O_CONFIG: a->imp.config = val; break;
	case O_HOST: a->imp.host = val; break;
	case O_KERNEL: a->imp.kernel = val; break;
	case O_DEVICE: a->device = val; break;
	case O_RW: a->f.rw = val; break;
	case O_VIEW: a->view = val; break;
	case O_OUT: a->out = val; break;
	case O_ENGINE_REPORT: a->imp.engine_report_name = val; break;
	case O_CPU_JSON: a->imp.cpu_json_name = val; break;
	case O_IOPS_LOG: {
		const char **nn = realloc(a->iops_names, sizeof(*nn) * (a->n_iops + 1));

		if (!nn)
			return usage_err(c->name, "out of memory");
		a->iops_names = nn;
		a->iops_names[a->n_iops++] = val;
		break;
	}
	case O_TAG: return add_tag(a, val);
	case O_REPEAT:
		errno = 0;
		a->imp.repeat = strtoll(val, &end, 10);
		if (errno || *end || end == val || a->imp.repeat < 1)
			return usage_err(c->name, "--repeat needs a positive integer, got '%s'", val);
		break;
	case O_BS:
		a->f.bs = val;
		a->f.bs_bytes = ub_parse_size(val, &ok);
		if (!ok)
			return usage_err(c->name, "--bs needs a block size like 4k or 4096, got '%s'", val);
		break;
	case O_METRIC:
		if (a->metric)
			return usage_err(c->name, "--metric %s: a metric is chosen already (--metric or "
					 "--percentile): give one", val);
		if (check_metrics(c, val))
			return UB_EUSAGE;
		a->metric = val;
		break;
	case O_PERCENTILE:
		if (a->metric)
			return usage_err(c->name, "--percentile %s: a metric is chosen already (--metric "
					 "or --percentile): give one", val);
		if (ub_report_percentile_metric(val, a->pct_metric, sizeof(a->pct_metric), &e))
			return usage_err(c->name, "%s", e.msg);
		a->metric = a->pct_metric;
		break;
	case O_IODEPTH:
		errno = 0;
		a->iodepth = strtoll(val, &end, 10);
		if (errno || *end || end == val || a->iodepth < 1)
			return usage_err(c->name, "--iodepth needs a positive integer, got '%s'", val);
		if (strcmp(c->name, "cdf"))
			a->f.iodepth = a->iodepth;
		break;
	case O_COLUMNS:
		if (strcmp(val, "iodepth") && strcmp(val, "bs") && strcmp(val, "numjobs"))
			return usage_err(c->name, "--columns %s: give iodepth, bs or numjobs", val);
		a->f.columns = val;
		break;
	case O_X:
		if (!valid_option_name(val))
			return usage_err(c->name, "--x %s: give iodepth, bs, numjobs, rw or a fio option "
					 "name (letters, digits, _)", val);
		a->x = val;
		break;
	}
	return UB_OK;
}

static int parse_cmd(struct args *a, const struct cmd *c, int argc, char **argv)
{
	int o, rc, npos;

	opterr = 0;
	optind = 0;	/* glibc: start afresh on this argv */
	while ((o = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		switch (o) {
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			return usage_err(c->name, "%s needs a value", argv[optind - 1]);
		case '?':
			return usage_err(c->name, "unknown option '%s'", argv[optind - 1]);
		default:
			rc = set_opt(a, c, o, optarg);
			if (rc)
				return rc;
		}
	}
	npos = argc - optind;
	if (npos < c->min_args)
		return usage_err(c->name, "missing %s", c->args_help);
	if (c->max_args >= 0 && npos > c->max_args)
		return usage_err(c->name, "unexpected argument '%s'", argv[optind + c->max_args]);
	return UB_OK;
}

/* mkdir -p of the database's folder, so a first import just works. */
static int make_parent(const char *path, struct ub_err *e)
{
	char *dir = strdup(path), *slash, *p;
	int rc = UB_OK;

	if (!dir)
		return ub_fail(e, UB_EDATA, "out of memory");
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	for (p = dir + 1; slash && p <= slash; p++) {
		char c = *p;

		if (c != '/' && c)
			continue;
		*p = 0;
		if (mkdir(dir, 0777) && errno != EEXIST) {
			rc = ub_fail(e, UB_EDATA, "cannot create %s for the database: %s", dir,
				     strerror(errno));
			break;
		}
		*p = c;
	}
	free(dir);
	return rc;
}

static int read_file(const char *path, char **buf, size_t *len, struct ub_err *e)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *b, *nb;

	if (!f)
		return ub_fail(e, UB_EDATA, "%s: cannot read: %s", path, strerror(errno));
	b = malloc(cap);
	while (b) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		nb = realloc(b, cap * 2);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	if (!b || ferror(f)) {
		int err = b ? errno : ENOMEM;

		free(b);
		fclose(f);
		return ub_fail(e, UB_EDATA, "%s: cannot read: %s", path, strerror(err));
	}
	fclose(f);
	*buf = b;
	*len = n;
	return UB_OK;
}

static int cmd_import_files(sqlite3 *db, struct args *a, int nfiles, char **files);

static int cmd_import(sqlite3 *db, struct args *a, int nfiles, char **files)
{
	struct ub_device dev;
	struct ub_host local;
	struct ub_err e;
	int rc;

	if (ub_host_probe(&local) == 0)
		a->imp.local = &local;
	if (a->device) {
		rc = ub_device_identify(a->device, &dev, &e);
		if (rc) {
			fprintf(stderr, "%s import: %s\n", PROG, e.msg);
			return rc;
		}
		a->imp.device = &dev;
	}
	a->imp.tags = a->tags;
	a->imp.ntags = a->ntags;
	if (a->n_iops) {
		if (nfiles != 1)
			return usage_err("import", "--iops-log is one run's IOPS log: import one "
					 "FILE.json with it, not %d", nfiles);
		a->iops_bufs = calloc(a->n_iops, sizeof(*a->iops_bufs));
		a->iops_lens = calloc(a->n_iops, sizeof(*a->iops_lens));
		if (!a->iops_bufs || !a->iops_lens)
			return usage_err("import", "out of memory");
		for (int k = 0; k < a->n_iops; k++) {
			rc = read_file(a->iops_names[k], &a->iops_bufs[k], &a->iops_lens[k], &e);
			if (rc) {
				fprintf(stderr, "%s import: --iops-log %s\n", PROG, e.msg);
				return rc;
			}
		}
		a->imp.iops_log_names = a->iops_names;	/* freed by cmd_db */
		a->imp.iops_logs = (const char *const *)a->iops_bufs;
		a->imp.iops_log_lens = a->iops_lens;
		a->imp.n_iops_logs = a->n_iops;
	}
	if (a->imp.cpu_json_name) {
		char *cbuf = NULL;

		if (nfiles != 1)
			return usage_err("import", "--cpu-json is one run's CPU: import one FILE.json "
					 "with it, not %d", nfiles);
		rc = read_file(a->imp.cpu_json_name, &cbuf, &a->imp.cpu_json_len, &e);
		if (rc) {
			fprintf(stderr, "%s import: --cpu-json %s\n", PROG, e.msg);
			return rc;
		}
		a->imp.cpu_json = cbuf;	/* freed by cmd_db */
	}
	if (a->imp.engine_report_name) {
		char *rbuf = NULL;

		if (nfiles != 1)
			return usage_err("import", "--engine-report is one run's report: import one "
					 "FILE.json with it, not %d", nfiles);
		rc = read_file(a->imp.engine_report_name, &rbuf, &a->imp.engine_report_len, &e);
		if (rc) {
			fprintf(stderr, "%s import: --engine-report %s\n", PROG, e.msg);
			return rc;
		}
		a->imp.engine_report = rbuf;
		rc = cmd_import_files(db, a, nfiles, files);
		free(rbuf);
		return rc;
	}
	return cmd_import_files(db, a, nfiles, files);
}

static int cmd_import_files(sqlite3 *db, struct args *a, int nfiles, char **files)
{
	struct ub_err e;
	int i, rc, worst = UB_OK;

	/* Each file stands alone: one bad file does not stop the others. */
	for (i = 0; i < nfiles; i++) {
		char *buf = NULL;
		size_t len = 0;

		rc = read_file(files[i], &buf, &len, &e);
		if (rc == UB_OK)
			rc = ub_import_buf(db, files[i], buf, len, &a->imp, stdout, &e);
		free(buf);
		if (rc) {
			fprintf(stderr, "%s import: %s\n", PROG, e.msg);
			worst = rc > worst ? rc : worst;
		}
	}
	return worst;
}

static int cmd_run_summary(sqlite3 *db, int nfiles, char **files, struct ub_err *e)
{
	int i, rc = UB_OK;

	for (i = 0; i < nfiles && rc == UB_OK; i++) {
		char *buf = NULL, hash[65];
		size_t len = 0;

		rc = read_file(files[i], &buf, &len, e);
		if (rc == UB_OK) {
			ub_sha256_hex(buf, len, hash);
			rc = ub_cmd_run_summary(db, files[i], hash, stdout, e);
		}
		free(buf);
	}
	return rc;
}

/* The sweep plan's commands (sweep_plan.c); plan-options reads its FILE here. */
static int cmd_plan(sqlite3 *db, const char *cmd, const char *sweep, const char *path, int npos,
		    char **pos, struct ub_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = UB_OK;

	if (!strcmp(cmd, "plan-options"))
		rc = read_file(pos[1], &buf, &len, e);
	if (rc == UB_OK)
		rc = ub_cmd_plan(db, path, cmd, sweep, npos, pos, buf, len, stdout, e);
	free(buf);
	return rc;
}

/* precondition-record NAME TARGET [FILE.json] (precondition.c). */
static int cmd_precondition_record(sqlite3 *db, int npos, char **pos, struct ub_err *e)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = UB_OK;

	if (npos == 3)
		rc = read_file(pos[2], &buf, &len, e);
	if (rc == UB_OK)
		rc = ub_precondition_record(db, pos[0], pos[1], npos == 3 ? pos[2] : NULL, buf, len,
					    stdout, e);
	free(buf);
	return rc;
}

static int run(const struct cmd *c, struct args *a, const char *path, int npos, char **pos)
{
	/* Commands that may make the database: import, and a sweep's claim. */
	int is_import = !strcmp(c->name, "import");
	int creates = is_import || !strcmp(c->name, "claim-sweep");
	struct ub_err e = { "" };
	sqlite3 *db = NULL;
	int rc;

	if (!strcmp(c->name, "profile-sections")) {
		rc = ub_cmd_profile_sections(pos[0], stdout, &e);
		if (rc)
			fprintf(stderr, "%s %s: %s\n", PROG, c->name, e.msg);
		return rc;
	}
	if (!strcmp(c->name, "engine-report")) {	/* no database */
		char *buf = NULL;
		size_t len = 0;

		rc = read_file(pos[0], &buf, &len, &e);
		if (rc == UB_OK)
			rc = ub_cmd_engine_report(pos[0], buf, len, stdout, &e);
		free(buf);
		if (rc)
			fprintf(stderr, "%s %s: %s\n", PROG, c->name, e.msg);
		return rc;
	}
	if (!strcmp(c->name, "export-fioplot") && (!a->f.sweep || !a->out || !*a->out))
		return usage_err(c->name, "%s", !a->f.sweep ?
				 "--sweep NAME is needed: which sweep to export" :
				 "--out DIR is needed: a new or empty folder for the fio JSON files");
	if (creates && strcmp(path, ":memory:"))
		rc = make_parent(path, &e);
	else
		rc = UB_OK;
	if (rc == UB_OK)
		rc = ubdb_open(path, creates ? UB_OPEN_CREATE : UB_OPEN_EXISTING, &db, &e);
	if (rc) {
		fprintf(stderr, "%s %s: %s\n", PROG, c->name, e.msg);
		return rc;
	}
	if (is_import)
		rc = cmd_import(db, a, npos, pos);
	else if (!strcmp(c->name, "table"))
		rc = ub_cmd_table(db, &a->f, a->metric ? a->metric : "kiops", stdout, &e);
	else if (!strcmp(c->name, "series"))
		rc = ub_cmd_series(db, &a->f, a->x ? a->x : "iodepth", a->metric ? a->metric : "kiops",
				   stdout, &e);
	else if (!strcmp(c->name, "cdf"))
		rc = ub_cmd_cdf(db, &a->f, a->iodepth, stdout, &e);
	else if (!strcmp(c->name, "configs"))
		rc = ub_cmd_configs(db, a->f.sweep, stdout, &e);
	else if (!strcmp(c->name, "info"))
		rc = ub_cmd_info(db, a->f.sweep, stdout, &e);
	else if (!strcmp(c->name, "seed-shape"))
		rc = ub_cmd_seed_shape(db, a->f.sweep, stdout, &e);
	else if (!strcmp(c->name, "runs"))
		rc = ub_cmd_runs(db, stdout, &e);
	else if (!strcmp(c->name, "export-csv"))
		rc = ub_cmd_export_csv(db, a->view ? a->view : "kiops_by_iodepth", stdout, &e);
	else if (!strcmp(c->name, "export-fioplot"))
		rc = ub_cmd_export_fioplot(db, a->f.sweep, a->out, stdout, &e);
	else if (!strcmp(c->name, "claim-sweep"))
		rc = ub_cmd_claim_sweep(db, path, pos[0], a->imp.host,
					(long long)getppid(), stdout, &e);	/* the sweep that ran this tool */
	else if (!strcmp(c->name, "run-summary"))
		rc = cmd_run_summary(db, npos, pos, &e);
	else if (!strcmp(c->name, "precondition"))
		rc = a->f.sweep ? ub_cmd_precondition(db, a->f.sweep, stdout, &e) :
		     ub_fail(&e, UB_EUSAGE, "--sweep NAME: which sweep's preconditioning");
	else if (!strcmp(c->name, "precondition-record"))
		rc = cmd_precondition_record(db, npos, pos, &e);
	else if (!strncmp(c->name, "plan", 4) || !strcmp(c->name, "fate") || !strcmp(c->name, "not-run") ||
		 !strcmp(c->name, "resume-sweep"))
		rc = cmd_plan(db, c->name, a->f.sweep, path, npos, pos, &e);
	else
		rc = ub_cmd_sql(db, pos[0], stdout, &e);
	if (rc && !is_import)
		fprintf(stderr, "%s %s: %s\n", PROG, c->name, e.msg);
	if (sqlite3_close(db) != SQLITE_OK && !rc) {
		fprintf(stderr, "%s %s: closing %s: %s\n", PROG, c->name, path, sqlite3_errmsg(db));
		rc = UB_EDATA;
	}
	return rc;
}

/*
 * The "db" command of the uringbpf CLI (cli/uringbpf.c), also run as the
 * uringbpf-db program (the same binary under that name).  argv[0] is the
 * command's own name; getopt's state must be fresh (optind 1).
 */
int cmd_db(int argc, char **argv)
{
	const char *path = getenv("URINGBPF_DB");
	struct args a = { .f.bs_bytes = -1, .iodepth = -1 };
	const struct cmd *c = NULL;
	size_t k;
	int i, rc;

	if (!path || !*path)
		path = DEFAULT_DB;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--db")) {
			if (++i == argc)
				return usage_err(NULL, "--db needs a value: --db PATH");
			path = argv[i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			path = argv[i] + 5;
		} else {
			return usage_err(NULL, "unknown option '%s' before the command: only --db PATH "
					 "goes there", argv[i]);
		}
	}
	if (i == argc) {
		fputs(usage_text, stderr);
		return UB_EUSAGE;
	}
	if (!*path)
		return usage_err(NULL, "--db needs a non-empty PATH");
	if (!strcmp(argv[i], "compare"))	/* its own options and exit codes: compare_cli.c */
		return ub_compare_main(PROG " compare", path, argc - i, argv + i);
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
		if (!strcmp(argv[i], cmds[k].name))
			c = &cmds[k];
	if (!c)
		return usage_err(NULL, "unknown command '%s': use import, table, series, cdf, configs, "
				 "info, runs, export-csv, export-fioplot, sql, compare, claim-sweep, run-summary, "
				 "profile-sections, engine-report, plan, not-run, plan-add, plan-options, "
				 "plan-pending, plan-end, fate, resume-sweep, precondition or precondition-record", argv[i]);
	a.cmd = c->name;
	rc = parse_cmd(&a, c, argc - i, argv + i);
	if (rc == UB_OK)
		rc = run(c, &a, path, argc - i - optind, argv + i + optind);
	free(a.tags);
	free((char *)a.imp.cpu_json);
	for (i = 0; a.iops_bufs && i < a.n_iops; i++)
		free(a.iops_bufs[i]);
	free(a.iops_bufs);
	free(a.iops_lens);
	free(a.iops_names);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: writing output: %s\n", PROG, strerror(errno));
		rc = rc ? rc : UB_EDATA;
	}
	return rc;
}
