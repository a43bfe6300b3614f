// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of "uringbpf compare" (cli/uringbpf.c) and "uringbpf db
 * compare" (results-db/cli.c): options, the database, the exit code. Exit 1
 * means one thing only, a regression, so a CI gate can tell it from a
 * comparison that could not be made (2: usage, unknown sweep, no database).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

enum { EXIT_REGRESSION = 1, EXIT_NO_COMPARISON = 2 };

static const char compare_usage[] =
	"usage: uringbpf compare [--db PATH] A B [--metric M | --percentile P]\n"
	"                        [--max-regress-pct X] [--format md|tsv|json] [--rw RW] [--bs BS]\n"
	"  sweep B (the candidate) against sweep A (the baseline), point by point\n"
	"  (config, rw, bs, iodepth; and host when both ran on several hosts):\n"
	"  each side's value over its repeats, B/A, the change, its noise band and a verdict\n"
	"  --db PATH      the results database [$URINGBPF_DB, else " UB_DEFAULT_DB "]\n"
	"  --metric M     kiops (default), clat_p50_us, clat_p99_us, clat_p999_us,\n"
	"                 clat_p9999_us, clat_mean_us, bw_mib, cpu_cores, kiops_per_core,\n"
	"                 fio_cpu_cores, iops_cv, or clat_pP_us: any percentile\n"
	"                 (e.g. clat_p99.999_us, the same as --percentile 99.999);\n"
	"                 latency, CPU cores and iops_cv: lower is better\n"
	"  --max-regress-pct X   the gate: exit 1 when a point is worse by more than X %\n"
	"                 and by more than its noise (REGRESSION)\n"
	"  --format F     md (default, a Markdown table), tsv or json\n"
	"  --rw RW, --bs BS   only the points of this fio rw, this block size\n"
	"  value: kiops and bw_mib the mean of the repeats; a latency percentile the\n"
	"  percentile of all the repeats' json+ histograms merged (as uringbpf db table\n"
	"  shows it; marked \u2020, the mean of the runs' own, for a side with a run\n"
	"  without histograms); clat_mean_us the mean of every I/O of the repeats\n"
	"  noise: +-2 standard deviations of B/A from the repeats, 2 x B/A x sqrt(cv_A^2 +\n"
	"  cv_B^2), cv = stddev / mean of a side's runs' own figures (for a merged\n"
	"  percentile: each run's own percentile, from its own histograms: the\n"
	"  run-to-run noise, around the merged B/A); with 1 repeat on a side it is\n"
	"  unknown and the change alone decides\n"
	"  verdicts: better, same (within noise), worse, REGRESSION, only-A, only-B\n"
	"exit status: 0 no regression, 1 a regression, 2 no comparison (bad option,\n"
	"  unknown sweep, no database)\n";

static int usage_err(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_err(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s --help)\n", prog);
	return EXIT_NO_COMPARISON;
}

static int parse_pct(const char *prog, const char *val, double *pct)
{
	char *end;

	errno = 0;
	*pct = strtod(val, &end);
	if (errno || end == val || *end || !isfinite(*pct) || *pct < 0)
		return usage_err(prog, "--max-regress-pct needs a percentage of 0 or more, like 5 "
				 "or 2.5, got '%s'", val);
	return UB_OK;
}

static int parse_format(const char *prog, const char *val, enum ub_compare_format *f)
{
	if (!strcmp(val, "md"))
		*f = UB_CMP_MD;
	else if (!strcmp(val, "tsv"))
		*f = UB_CMP_TSV;
	else if (!strcmp(val, "json"))
		*f = UB_CMP_JSON;
	else
		return usage_err(prog, "--format %s is not known: use md, tsv or json", val);
	return UB_OK;
}

enum { O_DB = 256, O_METRIC, O_PERCENTILE, O_MAX_REGRESS, O_FORMAT, O_RW, O_BS };

static const struct option compare_opts[] = {
	{ "db", required_argument, NULL, O_DB },
	{ "metric", required_argument, NULL, O_METRIC },
	{ "percentile", required_argument, NULL, O_PERCENTILE },
	{ "max-regress-pct", required_argument, NULL, O_MAX_REGRESS },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "rw", required_argument, NULL, O_RW },
	{ "bs", required_argument, NULL, O_BS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * --metric and --percentile as table takes them (results-db/cli.c); one of
 * them. pct_metric holds --percentile P as clat_pP_us.
 */
static int parse_metric(const char *prog, int c, const char *val, struct ub_compare_opts *o,
			int *chosen, char *pct_metric, size_t len)
{
	struct ub_err e = { "" };

	if ((*chosen)++)
		return usage_err(prog, "%s %s: a metric is chosen already (--metric or --percentile): "
				 "give one", c == O_METRIC ? "--metric" : "--percentile", val);
	if (c == O_PERCENTILE) {
		if (ub_report_percentile_metric(val, pct_metric, len, &e))
			return usage_err(prog, "%s", e.msg);
		o->metric = pct_metric;
		return UB_OK;
	}
	if (ub_report_metrics_check(val, 0, &e))
		return usage_err(prog, "%s", e.msg);
	o->metric = val;
	return UB_OK;
}

static int parse(const char *prog, int argc, char **argv, struct ub_compare_opts *o,
		 const char **path, char *pct_metric, size_t len)
{
	int c, ok, rc = UB_OK, chosen = 0;

	opterr = 0;
	optind = 0;	/* glibc: start afresh on this argv */
	while (rc == UB_OK && (c = getopt_long(argc, argv, ":h", compare_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(compare_usage, stdout);
			exit(0);
		case ':':
			return usage_err(prog, "%s needs a value", argv[optind - 1]);
		case '?':
			return usage_err(prog, "unknown option '%s'", argv[optind - 1]);
		case O_DB:
			if (!*optarg)
				return usage_err(prog, "--db needs a non-empty PATH");
			*path = optarg;
			break;
		case O_METRIC:
		case O_PERCENTILE:
			rc = parse_metric(prog, c, optarg, o, &chosen, pct_metric, len);
			break;
		case O_MAX_REGRESS:
			rc = parse_pct(prog, optarg, &o->max_regress_pct);
			break;
		case O_FORMAT:
			rc = parse_format(prog, optarg, &o->format);
			break;
		case O_RW:
			o->rw = optarg;
			break;
		case O_BS:
			o->bs = optarg;
			o->bs_bytes = ub_parse_size(optarg, &ok);
			if (!ok)
				return usage_err(prog, "--bs needs a block size like 4k or 4096, got '%s'",
						 optarg);
			break;
		}
	}
	if (rc)
		return rc;
	if (argc - optind != 2)
		return usage_err(prog, "%s: give two sweeps, A (the baseline) and B (the candidate)",
				 argc - optind < 2 ? "missing A B" : "too many sweeps");
	o->a = argv[optind];
	o->b = argv[optind + 1];
	return UB_OK;
}

int ub_compare_main(const char *prog, const char *db_path, int argc, char **argv)
{
	struct ub_compare_opts o = { .metric = "kiops", .max_regress_pct = -1, .bs_bytes = -1 };
	const char *path = db_path;
	char pct_metric[48];	/* --percentile P as clat_pP_us */
	struct ub_err e = { "" };
	sqlite3 *db = NULL;
	int rc, regressions = 0;

	if (!path) {
		path = getenv("URINGBPF_DB");
		if (!path || !*path)
			path = UB_DEFAULT_DB;
	}
	rc = parse(prog, argc, argv, &o, &path, pct_metric, sizeof(pct_metric));
	if (rc)
		return rc;
	o.db_path = path;
	rc = ubdb_open(path, UB_OPEN_EXISTING, &db, &e);
	if (rc == UB_OK)
		rc = ub_cmd_compare(db, &o, &regressions, stdout, &e);
	if (rc)
		fprintf(stderr, "%s: %s\n", prog, e.msg);
	if (db && sqlite3_close(db) != SQLITE_OK && !rc) {
		fprintf(stderr, "%s: closing %s: %s\n", prog, path, sqlite3_errmsg(db));
		rc = UB_EDATA;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: writing output: %s\n", prog, strerror(errno));
		rc = rc ? rc : UB_EDATA;
	}
	if (rc)
		return EXIT_NO_COMPARISON;
	if (regressions)
		fprintf(stderr, "%s: %d point%s worse than %s by more than %g%% and the noise "
			"(REGRESSION)\n", prog, regressions, regressions == 1 ? "" : "s", o.a,
			o.max_regress_pct);
	return regressions ? EXIT_REGRESSION : UB_OK;
}
