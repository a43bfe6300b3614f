// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf demo: the main job in one command (make demo).  The seed-table
 * sweep (interrupt, SQPOLL, IOPOLL, SQPOLL+IOPOLL x iodepth 1/8/16/32) on a
 * default target, stored in results/results.db; then uringbpf plot draws it,
 * and the tables (kIOPS, what was not run, kIOPS per core and the CPU used,
 * the seed's shape) are printed from the results library, never cut out of
 * a file another part wrote.
 *
 * The sweep runs in a child of this process (fork, no exec: cmd_sweep()):
 * it ends its process with its exit status and keeps its state in a global,
 * so the demo lives on in the parent to draw, print and remove the default
 * target.  A stop signal (SIGINT, SIGTERM, SIGHUP) is passed on to the sweep,
 * which records the running point interrupted and exits 130; the demo then
 * says where the finished runs are and exits 130 too.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/demo.h"
#include "cli/plot/plot.h"
#include "cli/sweep/sweep.h"
#include "results-db/db.h"

#define DEMO_PROG "demo"
/* A path under the sweep's folder: the folder is at most PATH_MAX long (checked). */
#define FILE_MAX (PATH_MAX + 64)

static const char usage_text[] =
"Usage: uringbpf demo [--target PATH] [--lab] [options]\n"
"Run the seed-table sweep, store it in results/results.db, write\n"
"results/SWEEP/kiops.png (.svg), kiops-per-core.png, latency.png, latency-cdf.png,\n"
"bar-qd32.png and table.md, and print the tables (kIOPS, and kIOPS per CPU core\n"
"beside it).\n"
"\n"
"  --target PATH     a real device, e.g. /dev/nvme0n1 (or TARGET=PATH); reads only.\n"
"                    Default: a 256 MiB file in a work directory on /dev/shm,\n"
"                    removed at the end (IOPOLL is skipped there: tmpfs can't poll)\n"
"  --lab             run the sweep in the kernel lab (uringbpf lab: Linux 7.3 in\n"
"                    QEMU) on its emulated NVMe, where all four modes run\n"
"  --runtime S       seconds per point [2]\n"
"  --iodepths LIST   [1,8,16,32]\n"
"  --repeats N       runs per point [1]\n"
"  --results DIR     where results.db and the sweep folders go [results/]\n"
"  --sweep-name NAME [seed-table-YYYYmmdd-HHMMSS]\n"
"  --keep-target     keep the default target file (for a second run)\n"
"  -h, --help        this help\n"
"Exit status: 0 done, 1 failure, 2 usage, 130 interrupted (a failed sweep's own\n"
"status otherwise).\n";

struct demo_opts {
	const char *target, *runtime, *iodepths, *repeats, *results, *name;
	int lab, keep;
};

/* The default target's work directory (once have_work), removed at the end unless --keep-target. */
static char work[] = "/dev/shm/uringbpf-demo.XXXXXX";
static int have_work, keep_work;

static volatile sig_atomic_t demo_signal;	/* the stop signal received, or 0 */
static volatile pid_t sweep_pid;		/* the sweep's process while it runs */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) ? -1 : 0;
}

/* The default target goes with the demo that made it, whatever the exit. */
static void remove_work(void)
{
	if (!have_work || keep_work)
		return;
	if (nftw(work, rm_entry, 16, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, DEMO_PROG ": warning: can't remove %s: %s\n", work, strerror(errno));
	have_work = 0;
}

static int done(int rc)
{
	remove_work();
	return rc;
}

/* "demo: WHY" on stderr, exit status 2 (the script's die()). */
static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs(DEMO_PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return done(UB_EUSAGE);
}

static void on_signal(int sig)
{
	demo_signal = sig;
	if (sweep_pid > 0)
		kill(sweep_pid, sig);
}

static void set_signals(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };	/* no SA_RESTART: waitpid wakes */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* --opt VALUE or --opt=VALUE (an empty value is none); 0, -1 after --help, or the exit status. */
static int parse(int argc, char **argv, struct demo_opts *o)
{
	static const char *const valued[] = { "--target", "--runtime", "--iodepths", "--repeats",
					      "--results", "--sweep-name" };
	const char **dest[] = { &o->target, &o->runtime, &o->iodepths, &o->repeats, &o->results,
				&o->name };

	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *arg = argv[i], *val = NULL, *eq = NULL;
		size_t k;

		if (!strncmp(arg, "--", 2))
			eq = strchr(arg, '=');
		if (eq && (size_t)(eq - arg) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
			arg = name;
			val = eq + 1;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(usage_text, stdout);
			return -1;
		}
		if (!strcmp(arg, "--lab") || !strcmp(arg, "--keep-target")) {
			if (val)	/* --lab=X: X is an argument of its own */
				return usage_err("unknown option '%s' (see --help)", val);
			*(arg[2] == 'l' ? &o->lab : &o->keep) = 1;
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (!strcmp(arg, valued[k]))
				break;
		if (k == sizeof(valued) / sizeof(valued[0]))
			return usage_err("unknown option '%s' (see --help)", arg);
		if (!val)
			val = i + 1 < argc ? argv[++i] : NULL;
		if (!val || !*val)
			return usage_err("%s needs a value (see --help)", arg);
		*dest[k] = val;
	}
	return 0;
}

/* path without "$PWD/" in front, as the user would type it from here. */
static const char *rel(const char *path)
{
	static char cwd[PATH_MAX];
	size_t n;

	if (!cwd[0] && !getcwd(cwd, sizeof(cwd) - 1))
		return path;
	n = strlen(cwd);
	if (!strncmp(path, cwd, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *dup = strdup(path && *path ? path : "/usr/bin:/bin"), *dir, *save = NULL;
	char p[PATH_MAX];
	int found = 0;

	for (dir = dup ? strtok_r(dup, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(p, sizeof(p), "%s/%s", dir, prog);
		found = !access(p, X_OK);
	}
	free(dup);
	return found;
}

static int file_nonempty(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* uringbpf sweep ARGS in a child of this process; its exit status (128+N: killed by N). */
static int run_sweep(char **argv, const char *root)
{
	int argc = 0, st = 0;
	pid_t pid;

	while (argv[argc])
		argc++;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, DEMO_PROG ": can't start the sweep: %s\n", strerror(errno));
		return UB_EDATA;
	}
	if (pid == 0) {
		set_signals(SIG_DFL);	/* as if run by itself; it sets its own */
		exit(cmd_sweep(argc, argv, root));
	}
	sweep_pid = pid;
	if (demo_signal)	/* a signal between the fork and here */
		kill(pid, demo_signal);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, DEMO_PROG ": waiting for the sweep: %s\n", strerror(errno));
			st = 1 << 8;
			break;
		}
	sweep_pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* uringbpf plot, in this process, its list of files not shown (the demo lists them). */
static int run_plot(const struct demo_paths *p, const char *db, const char *name, const char *out)
{
	char *argv[] = { "plot", "--db", (char *)db, "--sweep", (char *)name, "--out", (char *)out,
			 "--title", "4k randread", NULL };
	int saved, null, rc;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
		fprintf(stderr, DEMO_PROG ": can't redirect the list of drawn files: %s\n",
			strerror(errno));
		return UB_EDATA;
	}
	close(null);
	rc = cmd_plot(9, argv, p->tpl, p->tpl_tried);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return rc;
}

/* One table of the sweep (uringbpf db table --metric M), then a blank line. */
static int table(sqlite3 *db, const char *name, const char *metric)
{
	struct ub_filter f = { .sweep = name, .bs_bytes = -1 };
	struct ub_err e = { "" };

	if (ub_cmd_table(db, &f, metric, stdout, &e)) {
		fprintf(stderr, DEMO_PROG ": the table of %s for sweep %s: %s\n", metric, name, e.msg);
		return UB_EDATA;
	}
	putchar('\n');
	return UB_OK;
}

/* "Not run:" and a line per decision (uringbpf db not-run), as table.md lists it. */
static int not_run(sqlite3 *db, const char *path, const char *name)
{
	struct ub_err e = { "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f) {
		fprintf(stderr, DEMO_PROG ": out of memory\n");
		return UB_EDATA;
	}
	rc = ub_cmd_plan(db, path, "not-run", name, 0, NULL, NULL, 0, f, &e);
	if (fclose(f) && !rc)
		rc = ub_fail(&e, UB_EDATA, "out of memory");
	if (rc) {
		fprintf(stderr, DEMO_PROG ": what sweep %s did not run: %s\n", name, e.msg);
	} else if (len) {
		printf("Not run:\n");
		plot_not_run_list(stdout, buf);
		putchar('\n');
	}
	free(buf);
	return rc;
}

/* What the demo prints after the drawing: the tables, from the database. */
static int print_tables(const char *path, const char *name, const char *out)
{
	struct ub_err e = { "" };
	sqlite3 *db = NULL;
	char *cpu_dat = NULL;
	int rc;

	if (ubdb_open(path, UB_OPEN_EXISTING, &db, &e)) {
		fprintf(stderr, DEMO_PROG ": --results: %s: %s\n", path, e.msg);
		return UB_EDATA;
	}
	printf("=== seed table: kIOPS, 4k randread, sweep %s ===\n\n", name);
	/* The kIOPS table, and the mark of unsteady points (~) explained below it. */
	rc = table(db, name, "kiops");
	rc = rc ? rc : not_run(db, path, name);
	/* The CPU each run used (every thread of fio, an SQPOLL thread included:
	 * uringbpf cgexec), when measured: plot drew kIOPS per core then. */
	if (!rc && asprintf(&cpu_dat, "%s/kiops-per-core.dat", out) < 0)
		cpu_dat = NULL;
	if (!rc && cpu_dat && file_nonempty(cpu_dat)) {
		printf("=== kIOPS beside kIOPS per CPU core (all threads of the fio run) ===\n\n");
		rc = table(db, name, "kiops,kiops_per_core");
		if (!rc) {
			printf("CPU cores used: cpu_cores counts every thread (cgroup), fio_cpu_cores "
			       "only fio's job threads:\n\n");
			rc = table(db, name, "cpu_cores,fio_cpu_cores");
		}
	}
	free(cpu_dat);
	/* The seed's shape beside ours: SQPOLL+IOPOLL / IOPOLL per iodepth. */
	if (!rc && ub_cmd_seed_shape(db, name, stdout, &e)) {
		fprintf(stderr, DEMO_PROG ": the seed shape of sweep %s: %s\n", name, e.msg);
		rc = UB_EDATA;
	}
	if (!rc)
		putchar('\n');
	sqlite3_close(db);
	return rc;
}

/* The files drawn, each named once as the user would type it from here. */
static void print_files(const struct demo_paths *p, const char *db, const char *name,
			const char *out, long t0)
{
	char f[FILE_MAX], tool[PATH_MAX + 32], bar[FILE_MAX];
	glob_t g;

	/* The results tool: uringbpf-db beside this binary, else "uringbpf db". */
	snprintf(tool, sizeof(tool), "%s/uringbpf-db", p->bin ? p->bin : ".");
	if (!p->bin || access(tool, X_OK))
		snprintf(tool, sizeof(tool), "%s%suringbpf db", p->bin ? p->bin : "",
			 p->bin ? "/" : "");
	snprintf(bar, sizeof(bar), "%s/bar.png", out);
	snprintf(f, sizeof(f), "%s/bar-qd*.png", out);
	if (!glob(f, 0, NULL, &g) && g.gl_pathc)
		snprintf(bar, sizeof(bar), "%s", g.gl_pathv[0]);
	globfree(&g);

	snprintf(f, sizeof(f), "%s/kiops.png", out);
	printf("Graph:    %s  (and kiops.svg)\n", rel(f));
	snprintf(f, sizeof(f), "%s/kiops-cpu.png", out);
	if (file_nonempty(f))
		printf("Per core: %s  (kIOPS beside kIOPS per CPU core; and kiops-per-core.png)\n",
		       rel(f));
	snprintf(f, sizeof(f), "%s/iops-time.png", out);
	if (file_nonempty(f))
		printf("Steady?:  %s  (kIOPS over time at the bar chart's iodepth)\n", rel(f));
	snprintf(f, sizeof(f), "%s/latency.png", out);
	printf("Latency:  %s   Bar chart: %s\n", rel(f), rel(bar));
	/* The CDF needs json+ bins (the sweep keeps them); uringbpf plot said why if absent. */
	snprintf(f, sizeof(f), "%s/latency-cdf.png", out);
	if (!access(f, F_OK)) {
		printf("Latency CDF: %s  (all repeats merged; data: ", rel(f));
		printf("%s --db %s cdf --sweep %s)\n", rel(tool), rel(db), name);
	}
	snprintf(f, sizeof(f), "%s/table.md", out);
	printf("Table:    %s\n", rel(f));
	printf("Database: %s  (sweep %s; e.g. ", rel(db), name);
	printf("%s --db %s table --sweep %s)\n", rel(tool), rel(db), name);
	printf("Done in %ld s.\n", (long)time(NULL) - t0);
}

static int interrupted(const char *db, const char *name)
{
	printf(DEMO_PROG ": interrupted; the finished runs are in %s (sweep %s)\n", db, name);
	return done(130);
}

int cmd_demo(int argc, char **argv, const struct demo_paths *p)
{
	struct demo_opts o = { .runtime = "2", .iodepths = "1,8,16,32", .repeats = "1" };
	char results_buf[PATH_MAX], name_buf[64], db[PATH_MAX + 16], out[PATH_MAX];
	char target[sizeof(work) + 16], lab[PATH_MAX + 16], engine_buf[PATH_MAX + 16];
	const char *engine = getenv("UB_ENGINE"), *env_target = getenv("TARGET");
	const char *results, *name;
	char *sweep_argv[32];
	int n = 0, rc;
	long t0;

	if (env_target && *env_target)
		o.target = env_target;
	rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? UB_OK : rc;
	if (o.lab && o.target)
		return usage_err("--lab runs on the lab's emulated NVMe; it takes no --target");
	if (!p->root) {
		fprintf(stderr, "uringbpf " DEMO_PROG ": profiles/seed-table.fio not found (looked for "
			"%s): run 'make' in the checkout, or 'make install', or set UB_DATADIR\n",
			p->root_tried);
		return UB_EDATA;
	}
	/* The engine by path (the dispatcher's: the build's, else the installed one), so
	 * a stale installed copy is never used; the lab installs its own in the guest. */
	if (!engine || !*engine)
		return usage_err("the engine build/fio-uringbpf.so is missing: run 'make' first");
	if (!on_path("gnuplot"))
		return usage_err("gnuplot is missing: run scripts/install-deps.sh");

	/* A checkout's fio (.deps, built by scripts/install-deps.sh) before any on PATH. */
	if (!getenv("UB_FIO") || !*getenv("UB_FIO")) {
		char fio[PATH_MAX + 32];

		snprintf(fio, sizeof(fio), "%s/.deps/fio/fio", p->root);
		if (!access(fio, X_OK))
			setenv("UB_FIO", fio, 1);
	}

	/* From here on a stop signal ends the demo in order (the target removed). */
	set_signals(on_signal);

	/* Results go to the checkout's results/; an installed demo (no Makefile in
	 * its data root) writes ./results instead of into the install tree. */
	results = o.results;
	if (!results) {
		char mk[PATH_MAX + 16], cwd[PATH_MAX];

		snprintf(mk, sizeof(mk), "%s/Makefile", p->root);
		if (!access(mk, F_OK))
			snprintf(results_buf, sizeof(results_buf), "%s/results", p->root);
		else if (getcwd(cwd, sizeof(cwd) - 16) && strlen(cwd) < sizeof(results_buf) - 16)
			snprintf(results_buf, sizeof(results_buf), "%s/results", cwd);
		else
			snprintf(results_buf, sizeof(results_buf), "results");
		results = results_buf;
	}
	name = o.name;
	if (!name) {
		time_t now = time(NULL);

		strftime(name_buf, sizeof(name_buf), "seed-table-%Y%m%d-%H%M%S", localtime(&now));
		name = name_buf;
	}
	if (snprintf(out, sizeof(out), "%s/%s", results, name) >= (int)sizeof(out))
		return usage_err("--results %s with --sweep-name %s: the sweep's folder is longer "
				 "than PATH_MAX: pick a shorter one", results, name);
	if (sw_mkdir_p(results))
		return usage_err("--results: can't create %s", results);
	snprintf(db, sizeof(db), "%s/results.db", results);
	t0 = time(NULL);

	sweep_argv[n++] = "sweep";
	sweep_argv[n++] = "--profile";
	sweep_argv[n++] = "seed-table";
	sweep_argv[n++] = "--iodepths";
	sweep_argv[n++] = (char *)o.iodepths;
	sweep_argv[n++] = "--repeats";
	sweep_argv[n++] = (char *)o.repeats;
	sweep_argv[n++] = "--runtime";
	sweep_argv[n++] = (char *)o.runtime;
	sweep_argv[n++] = "--db";
	sweep_argv[n++] = db;
	sweep_argv[n++] = "--sweep-name";
	sweep_argv[n++] = (char *)name;
	sweep_argv[n++] = "--out";
	sweep_argv[n++] = out;
	if (o.lab) {
		snprintf(lab, sizeof(lab), "%s/scripts/lab", p->root);
		if (access(lab, X_OK))
			return usage_err("--lab needs scripts/lab (the kernel lab), which this "
					 "checkout doesn't have");
		sweep_argv[n++] = "--lab";
		sweep_argv[n++] = "--target";
		sweep_argv[n++] = "/dev/nvme0n1";
		sweep_argv[n++] = "--engine";
		sweep_argv[n++] = "uringbpf";
	} else {
		if (!o.target) {
			keep_work = o.keep;
			if (!mkdtemp(work))
				return usage_err("can't make a work directory on /dev/shm");
			have_work = 1;
			snprintf(target, sizeof(target), "%s/target", work);
			o.target = target;
			/* 256 MiB: fio writes it out before the first run (a sparse file
			 * would read holes, which tmpfs answers without touching memory). */
			sweep_argv[n++] = "--size";
			sweep_argv[n++] = "256m";
			printf(DEMO_PROG ": default target: %s (256 MiB file on /dev/shm, memory-backed, "
			       "buffered I/O)\n", target);
		}
		sweep_argv[n++] = "--target";
		sweep_argv[n++] = (char *)o.target;
		sweep_argv[n++] = "--engine";
		snprintf(engine_buf, sizeof(engine_buf), "external:%s", engine);
		sweep_argv[n++] = engine_buf;
	}
	sweep_argv[n] = NULL;

	rc = run_sweep(sweep_argv, p->root);
	if (rc == 130 || demo_signal)
		return interrupted(db, name);
	if (rc) {
		fprintf(stderr, DEMO_PROG ": the sweep failed (status %d); see above and %s/log/\n",
			rc, out);
		return done(rc);
	}

	putchar('\n');
	rc = run_plot(p, db, name, out);
	if (demo_signal)	/* gnuplot got it too */
		return interrupted(db, name);
	if (rc) {
		fprintf(stderr, DEMO_PROG ": drawing failed (above)\n");
		return done(UB_EDATA);
	}
	if (print_tables(db, name, out))
		return done(UB_EDATA);
	print_files(p, db, name, out, t0);
	fflush(stdout);
	return done(ferror(stdout) ? UB_EDATA : UB_OK);
}
