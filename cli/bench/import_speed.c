// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf bench import: how fast the results library imports fio results
 * (issue 19: import time is linear; 1,000 files or one file of 3,000 jobs
 * in seconds).  The inputs are made from the committed fixtures
 * (tests/results-db/fixtures/ in a checkout, bench/import-fixtures/ under
 * share/uringbpf when installed):
 *   --files N  N fio JSON files, the sweep-*.json and randrw.json fixtures in
 *              turn, each with its own "timestamp" (so its own content hash:
 *              every copy is a new run), imported as sweep "bench";
 *   --jobs N   one json+ file of N jobs: jsonplus.json's job N times, renamed
 *              job1..jobN (SQLite's JSON functions build it).
 * They are written to a new folder under --dir with the database, imported
 * in this process as "uringbpf db import" does (ub_import_buf per file), and
 * the folder is removed.  Only the import is timed: opening the database,
 * reading and importing every file, closing it.  The count read back from
 * the database (runs, or jobs) must be N; the wall time (--cpu-limit: the
 * CPU time, which other load does not inflate) must stay under --limit.
 * Exit status: 0 ok, 1 too slow, a wrong count or a failure, 2 bad options,
 * 130 interrupted (the folder is removed all the same).
 */
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "results-db/db.h"

#define ME "uringbpf bench import"
#define FIXTURES "tests/results-db/fixtures"		/* in a checkout */
#define INSTALLED_FIXTURES "bench/import-fixtures"	/* under share/uringbpf */
/* Bounds that keep the inputs on disk and in memory reasonable (~6 KB a file, ~5 KB a job). */
#define MAX_FILES 100000L
#define MAX_JOBS 20000L
/* fio JSON's top-level line; the copies differ only in its number. */
#define STAMP_LINE "\n  \"timestamp\" : "

struct speed {
	long files, jobs;	/* one of them is > 0 */
	double limit;		/* seconds */
	int cpu_gate;		/* the limit is on CPU time, not wall time */
	const char *dir;	/* where the scratch folder is made */
};

void bench_import_usage(FILE *f)
{
	fputs("Usage: uringbpf bench import [--files COUNT | --jobs JOBS] [--limit S] [--cpu-limit]\n"
	      "                             [--dir DIR]\n"
	      "How fast the results database imports fio results, in this process (as\n"
	      "\"uringbpf db import\"): only the import is timed, wall and CPU.\n"
	      "  --files COUNT  COUNT distinct fio JSON files made from the test fixtures, one\n"
	      "                 import of them all as sweep \"bench\" (default 1000; at most 100000)\n"
	      "  --jobs JOBS    instead: one json+ file of JOBS jobs (the json+ fixture's job,\n"
	      "                 renamed; at most 20000)\n"
	      "  --limit S      fail when the import takes S seconds or more (default 5)\n"
	      "  --cpu-limit    the limit is on CPU time (not inflated by other load), not wall\n"
	      "  --dir DIR      where the inputs and the database are made, then removed\n"
	      "                 (default $TMPDIR or /tmp; /dev/shm keeps the disk out of it)\n"
	      "The fixtures come from the data root: " FIXTURES "/ in the checkout,\n"
	      "PREFIX/share/uringbpf/" INSTALLED_FIXTURES "/ when installed (or $UB_DATADIR).\n"
	      "Exit status: 0 ok, 1 too slow, a wrong count of runs or jobs, or a failure,\n"
	      "2 bad options, 130 interrupted (the folder is removed all the same).\n", f);
}

/* A bad option: one line naming it, exit status 2. */
static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs(ME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see " ME " --help)\n", stderr);
	return UB_EUSAGE;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs(ME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return UB_EDATA;
}

/* A whole number 1..max, or -1. */
static long count_of(const char *s, long max)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return *end || errno || v < 1 || v > max ? -1 : v;
}

static int parse(struct speed *sp, int argc, char **argv)
{
	const char *files = NULL, *jobs = NULL, *limit = NULL;
	struct stat st;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], **dst;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			bench_import_usage(stdout);
			return -1;
		}
		if (!strcmp(o, "--cpu-limit")) {
			sp->cpu_gate = 1;
			continue;
		}
		if (!strcmp(o, "--files"))
			dst = &files;
		else if (!strcmp(o, "--jobs"))
			dst = &jobs;
		else if (!strcmp(o, "--limit"))
			dst = &limit;
		else if (!strcmp(o, "--dir"))
			dst = &sp->dir;
		else
			return usage_err("unknown option '%s'", o);
		if (i + 1 == argc)
			return usage_err("%s needs a value", o);
		*dst = argv[++i];
	}
	if (files && jobs)
		return usage_err("--files and --jobs don't mix: one benchmark at a time");
	if (files && (sp->files = count_of(files, MAX_FILES)) < 0)
		return usage_err("--files needs a whole number from 1 to %ld, got '%s'", MAX_FILES,
				 files);
	if (jobs && (sp->jobs = count_of(jobs, MAX_JOBS)) < 0)
		return usage_err("--jobs needs a whole number from 1 to %ld, got '%s'", MAX_JOBS,
				 jobs);
	if (!files && !jobs)
		sp->files = 1000;
	sp->limit = 5;
	if (limit) {
		char *end;

		sp->limit = strtod(limit, &end);
		if (end == limit || *end || !isfinite(sp->limit) || sp->limit <= 0)
			return usage_err("--limit needs seconds above 0, e.g. 5 or 0.5, got '%s'",
					 limit);
	}
	if (!sp->dir) {
		sp->dir = getenv("TMPDIR");
		if (!sp->dir || !*sp->dir)
			sp->dir = "/tmp";
	}
	if (stat(sp->dir, &st) || !S_ISDIR(st.st_mode))
		return usage_err("--dir %s: no such folder", sp->dir);
	return 0;
}

static int write_file(const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
	FILE *f = fopen(path, "we");

	if (!f || fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen) {
		int err = errno;

		if (f)
			fclose(f);
		return fail("cannot write %s: %s", path, strerror(err));
	}
	if (fclose(f))
		return fail("cannot write %s: %s", path, strerror(errno));
	return UB_OK;
}

/*
 * --files: DIR/r00000.json... (paths into names, n of them): fixture
 * i % nfixtures with "timestamp" 1700000000 + i.
 */
static int make_files(const char *fix, const char *dir, long n, char **names)
{
	char pat[PATH_MAX + 96], stamp[32];
	struct { char *buf; size_t len, at, rest; } fx[64];
	glob_t g = { 0 };
	size_t nf = 0, nsweep = 0;
	int rc = UB_OK;

	/* The sweep's fixtures in name order, then randrw.json (as scripts/bench-import.sh had). */
	snprintf(pat, sizeof(pat), "%s/sweep-*.json", fix);
	if (glob(pat, 0, NULL, &g) == 0)
		nsweep = g.gl_pathc < 63 ? g.gl_pathc : 63;	/* plenty of variety */
	for (; nf < nsweep; nf++)
		fx[nf].buf = bench_read_file(g.gl_pathv[nf], &fx[nf].len);
	snprintf(pat, sizeof(pat), "%s/randrw.json", fix);
	fx[nf].buf = bench_read_file(pat, &fx[nf].len);
	nf++;
	for (size_t i = 0; i < nf && rc == UB_OK; i++) {
		const char *name = i < nsweep ? g.gl_pathv[i] : pat;
		char *s = fx[i].buf ? strstr(fx[i].buf, STAMP_LINE) : NULL;

		if (!fx[i].buf) {
			rc = fail("cannot read %s: %s", name, strerror(errno));
			break;
		}
		if (!s) {
			rc = fail("%s has no top-level \"timestamp\" line to change", name);
			break;
		}
		/* A copy is buf[0, at) + its own number + buf[rest, len). */
		fx[i].at = s - fx[i].buf + strlen(STAMP_LINE);
		fx[i].rest = fx[i].at + strspn(fx[i].buf + fx[i].at, "0123456789");
	}
	for (long i = 0; i < n && rc == UB_OK; i++) {
		const typeof(fx[0]) *f = &fx[i % nf];
		int l = snprintf(stamp, sizeof(stamp), "%ld", 1700000000L + i);
		char *both = malloc(f->at + l);

		if (asprintf(&names[i], "%s/r%05ld.json", dir, i) < 0 || !both) {
			names[i] = NULL;
			free(both);
			rc = fail("out of memory");
			break;
		}
		memcpy(both, f->buf, f->at);
		memcpy(both + f->at, stamp, l);
		rc = write_file(names[i], both, f->at + l, f->buf + f->rest, f->len - f->rest);
		free(both);
	}
	for (size_t i = 0; i < nf; i++)
		free(fx[i].buf);
	globfree(&g);
	return rc;
}

/* --jobs: DIR/jobs.json, the json+ fixture with its first job N times (job1..jobN). */
static int make_jobs(const char *fix, const char *path, long n, size_t *bytes)
{
	static const char sql[] =
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2) "
		"SELECT json_set(?1, '$.jobs', json((SELECT json_group_array("
		"json_set(json_extract(?1, '$.jobs[0]'), '$.jobname', 'job' || i)) FROM k)))";
	char src[PATH_MAX + 96];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t len;
	char *buf;
	int rc;

	snprintf(src, sizeof(src), "%s/jsonplus.json", fix);
	buf = bench_read_file(src, &len);
	if (!buf)
		return fail("cannot read %s: %s", src, strerror(errno));
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = fail("building %ld jobs: %s", n, sqlite3_errmsg(db));
	} else {
		sqlite3_bind_text(st, 1, buf, (int)len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, n);
		if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_TEXT) {
			rc = fail("building %ld jobs from %s: %s", n, src, sqlite3_errmsg(db));
		} else {
			*bytes = sqlite3_column_bytes(st, 0);
			rc = write_file(path, (const char *)sqlite3_column_text(st, 0), *bytes, "", 0);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(buf);
	return rc;
}

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static double cpu_secs(const struct rusage *r)
{
	return r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 + r->ru_stime.tv_sec +
	       r->ru_stime.tv_usec / 1e6;
}

/*
 * The timed part: what "uringbpf db --db DB import [--sweep S] FILE..." does
 * in its process, from opening the database to closing it.  Returns the
 * number of files that failed (the first one's message said); -1 when the
 * database did not open or close.
 */
/* Ctrl-C, SIGTERM or SIGHUP: stop between files, remove the folder, exit 130. */
static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

/* A signal ignored when we started (nohup, a background job) stays ignored. */
static void catch_stop(void (*handler)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = handler }, old;

	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

static int timed_import(const char *dbpath, char **names, long n, const char *sweep,
			double *wall, double *cpu)
{
	struct ub_import_opts o = { .sweep = sweep };
	struct ub_err e = { "" };
	struct timespec t0, t1;
	struct rusage r0, r1;
	struct ub_host local;
	sqlite3 *db = NULL;
	int failed = 0;

	if (ub_host_probe(&local) == 0)
		o.local = &local;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	getrusage(RUSAGE_SELF, &r0);
	if (ubdb_open(dbpath, UB_OPEN_CREATE, &db, &e)) {
		fail("cannot open %s: %s", dbpath, e.msg);
		sqlite3_close(db);
		return -1;
	}
	for (long i = 0; i < n && !stop_sig; i++) {
		size_t len = 0;
		char *buf = bench_read_file(names[i], &len);
		int rc;

		if (!buf)
			rc = ub_fail(&e, UB_EDATA, "%s: cannot read: %s", names[i], strerror(errno));
		else
			rc = ub_import_buf(db, names[i], buf, len, &o, NULL, &e);
		free(buf);
		if (rc != UB_OK && !failed++)
			fail("import failed: %s", e.msg);
	}
	if (sqlite3_close(db) != SQLITE_OK) {
		fail("closing %s: %s", dbpath, sqlite3_errmsg(db));
		sqlite3_close_v2(db);
		return -1;
	}
	getrusage(RUSAGE_SELF, &r1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*wall = secs(&t0, &t1);
	*cpu = cpu_secs(&r1) - cpu_secs(&r0);
	return failed;
}

/* count(*) of a table of the database, read back after the import; -1 on error. */
static long long count_rows(const char *dbpath, const char *table)
{
	char sql[64];
	struct ub_err e = { "" };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (ubdb_open(dbpath, UB_OPEN_EXISTING, &db, &e) == UB_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fail("counting %s in %s: %s", table, dbpath, e.msg[0] ? e.msg : sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void load_average(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "re");

	snprintf(buf, len, "unknown");
	if (f) {
		if (fscanf(f, "%31s", buf) != 1)
			snprintf(buf, len, "unknown");
		fclose(f);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

int cmd_bench_import(const struct bench *b, int argc, char **argv)
{
	struct speed sp = { 0 };
	char fix[PATH_MAX + 64], dir[PATH_MAX], dbpath[PATH_MAX + 16], load[32], *one = NULL;
	char **names = NULL;
	double wall = 0, cpu = 0, t;
	long n, want;
	long long got;
	size_t bytes = 0;
	int rc, failed;

	rc = parse(&sp, argc, argv);
	if (rc)
		return rc < 0 ? UB_OK : rc;
	/* Every fixture is beside this one (the data root's copy of the folder). */
	if (bench_data_file(b, INSTALLED_FIXTURES "/jsonplus.json", fix, sizeof(fix)) &&
	    bench_data_file(b, FIXTURES "/jsonplus.json", fix, sizeof(fix)))
		return fail("the test fixtures are not here (looked for %s): run 'make install', "
			    "or the checkout's build/uringbpf, or set UB_DATADIR to a checkout", fix);
	*strrchr(fix, '/') = 0;
	catch_stop(on_stop);
	if (snprintf(dir, sizeof(dir), "%s/uringbpf-bench-import.XXXXXX", sp.dir) >=
	    (int)sizeof(dir) || !mkdtemp(dir))
		return fail("cannot make a folder in %s: %s", sp.dir, strerror(errno));
	snprintf(dbpath, sizeof(dbpath), "%s/bench.db", dir);

	n = sp.jobs ? 1 : sp.files;
	names = calloc(n, sizeof(*names));
	if (!names) {
		rc = fail("out of memory");
	} else if (sp.jobs) {
		rc = asprintf(&one, "%s/jobs.json", dir) < 0 ? fail("out of memory") :
		     make_jobs(fix, one, sp.jobs, &bytes);
		names[0] = one;
		one = NULL;
	} else {
		rc = make_files(fix, dir, n, names);
	}
	if (rc == UB_OK) {
		failed = timed_import(dbpath, names, n, sp.jobs ? NULL : "bench", &wall, &cpu);
		if (failed < 0)
			rc = UB_EDATA;
	}
	if (rc == UB_OK && stop_sig) {
		fail("interrupted (signal %d): nothing measured; %s removed", (int)stop_sig, dir);
		rc = 130;
	}
	if (rc == UB_OK) {
		want = sp.jobs ? sp.jobs : sp.files;
		got = count_rows(dbpath, sp.jobs ? "jobs" : "runs");
		load_average(load, sizeof(load));
		if (sp.jobs)
			printf(ME ": imported one json+ file of %ld jobs (%zu KiB) in %.2fs wall, "
			       "%.2fs CPU (limit %gs %s; load average %s)\n", sp.jobs, bytes / 1024,
			       wall, cpu, sp.limit, sp.cpu_gate ? "cpu" : "wall", load);
		else
			printf(ME ": imported %lld of %ld fio JSON files in %.2fs wall, %.2fs CPU "
			       "(%.0f files/s; limit %gs %s; load average %s)\n", got, sp.files, wall,
			       cpu, sp.files / (wall > 0 ? wall : 0.001), sp.limit,
			       sp.cpu_gate ? "cpu" : "wall", load);
		fflush(stdout);
		t = sp.cpu_gate ? cpu : wall;
		if (got != want)
			rc = fail("expected %ld %s, found %lld", want, sp.jobs ? "jobs" : "runs", got);
		else if (failed)
			rc = fail("%d of %ld files failed to import", failed, n);
		else if (t >= sp.limit)
			rc = fail("too slow: %.2fs %s >= %gs", t, sp.cpu_gate ? "cpu" : "wall",
				  sp.limit);
	}
	for (long i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	catch_stop(SIG_DFL);
	return rc;
}
