// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf bench: the driver.  Options, the target, which modes can run,
 * the machine's facts, every run of the plan (runs.tsv rewritten after
 * each, so an interrupted bench keeps what finished), the tables, the
 * import; everything under --out.  Ctrl-C: the run in progress is dropped,
 * the finished ones are tabulated and imported, exit 130.
 *
 * --lab runs the same plan in the kernel lab (lab.c); --callgrind then
 * measures the per-I/O cost (cost.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "cli/bench/cost.h"
#include "results-db/db.h"

static void vlog(const char *fmt, va_list ap)
{
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void bench_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(1);
}

static void mkdir_p(const char *path)
{
	char dir[PATH_MAX + 64], *p;

	snprintf(dir, sizeof(dir), "%s", path);
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(dir, 0777);
		*p = '/';
	}
	if (mkdir(dir, 0777) && errno != EEXIST)
		bench_die("cannot create %s", path);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *buf = bench_read_file(from, &len);
	FILE *f = buf ? fopen(to, "we") : NULL;

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		bench_die("cannot copy %s", from);
	free(buf);
}

/* CPU model names, sorted, unique, joined by ';'. */
static void cpu_models(char *buf, size_t len)
{
	char line[512], models[16][256];
	int n = 0, i, j;
	size_t used = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");

	buf[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *c;

		if (strncmp(line, "model name", 10) || !(c = strchr(line, ':')))
			continue;
		c += 1 + (c[1] == ' ');
		c[strcspn(c, "\n")] = 0;
		for (i = 0; i < n && strcmp(models[i], c); i++)
			;
		if (i == n && n < 16)
			snprintf(models[n++], sizeof(models[0]), "%s", c);
	}
	if (f)
		fclose(f);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(models[j - 1], models[j]) > 0; j--) {
			char t[256];

			memcpy(t, models[j], sizeof(t));
			memcpy(models[j], models[j - 1], sizeof(t));
			memcpy(models[j - 1], t, sizeof(t));
		}
	for (i = 0; i < n; i++)
		used += snprintf(buf + used, len > used ? len - used : 0, "%s%s", i ? ";" : "",
				 models[i]);
}

static void machine_facts(FILE *f, const struct bench *b)
{
	char models[2048] = "", load[64] = "", ver[256], git[256], hex[65], mem[64] = "?";
	char *fio_argv[] = { (char *)b->fio, "--version", NULL };
	char *git_argv[] = { "git", "-C", (char *)b->top, "describe", "--always", "--dirty", NULL };
	struct utsname u;
	cpu_set_t set;
	size_t len = 0;
	char *buf;
	FILE *p;

	uname(&u);
	sched_getaffinity(0, sizeof(set), &set);
	cpu_models(models, sizeof(models));
	fprintf(f, "host: %s, kernel %s, %d CPUs: %s\n", u.nodename, u.release, CPU_COUNT(&set),
		models);
	p = fopen("/proc/meminfo", "re");
	if (p) {
		long long kb;

		if (fscanf(p, "MemTotal: %lld", &kb) == 1)
			snprintf(mem, sizeof(mem), "%.1f GiB", kb / 1048576.0);
		fclose(p);
	}
	p = fopen("/proc/loadavg", "re");
	if (p) {
		char a[16], c[16], d[16];

		if (fscanf(p, "%15s %15s %15s", a, c, d) == 3)
			snprintf(load, sizeof(load), "%s %s %s", a, c, d);
		fclose(p);
	}
	fprintf(f, "memory: %s; load average at start: %s\n", mem, load);
	if (bench_capture(fio_argv, ver, sizeof(ver)))
		snprintf(ver, sizeof(ver), "unknown");
	fprintf(f, "fio: %s (%s); t/io_uring: %s\n", ver, b->fio, b->t_io_uring);
	if (bench_capture(git_argv, git, sizeof(git)) || !git[0])
		snprintf(git, sizeof(git), "unknown");
	buf = bench_read_file(b->engine_copy, &len);
	ub_sha256_hex(buf ? buf : "", buf ? len : 0, hex);
	free(buf);
	hex[16] = 0;
	fprintf(f, "engine: %s (git %s, sha256 %s), measured as the copy %s\n", b->engine_built,
		git, hex, b->engine_copy);
	fprintf(f, "target: %s; size %s, bs %s, direct=%d\n", b->target_desc, b->size, b->bs,
		b->direct);
}

/* The modes that can run here: the IOPOLL ones only where the engine can poll. */
static void pick_modes(struct bench *b, const char *out)
{
	char why[2048] = "", path[PATH_MAX + 32];
	int probed = 0;

	snprintf(path, sizeof(path), "%s/skipped.txt", out);
	for (int i = 0; i < b->nmodes_asked; i++) {
		int m = b->modes_asked[i];

		if (m == M_IOPOLL || m == M_SQPOLL_IOPOLL) {
			if (!probed++)
				bench_iopoll_reason(b, out, why, sizeof(why));
			if (why[0]) {
				FILE *f = fopen(path, "ae");

				fprintf(stderr, "skip mode %s: %s\n", bench_mode_names[m], why);
				if (f) {
					fprintf(f, "skip mode %s: %s\n", bench_mode_names[m], why);
					fclose(f);
				}
				continue;
			}
		}
		b->modes_run[b->nmodes_run++] = m;
	}
	if (!b->nmodes_run)
		bench_die("no mode left to run on %s", b->target);
}

static void write_runs(const char *out, const struct bench_run *runs, int n)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/runs.tsv", out);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s: %s", path, strerror(errno));
	bench_runs_tsv(f, runs, n);
	if (fclose(f))
		bench_die("cannot write %s: %s", path, strerror(errno));
}

/* A file's bytes to f (nothing if it is absent). */
static void cat(FILE *f, const char *out, const char *name)
{
	char path[PATH_MAX + 32], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", out, name);
	buf = bench_read_file(path, &len);
	if (buf)
		fwrite(buf, 1, len, f);
	free(buf);
}

/* --lab: every mode asked (the lab's devices can poll), IOPS ratios only. */
static int lab_main(struct bench *b, const char *out)
{
	char path[PATH_MAX + 32];
	int failures = 0;
	FILE *f;

	for (int i = 0; i < b->nmodes_asked; i++)
		b->modes_run[b->nmodes_run++] = b->modes_asked[i];
	snprintf(path, sizeof(path), "%s/machine.txt", out);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s", path);
	fprintf(f, "command: %s; settings: iodepths %s; modes", b->command_line, b->iodepths);
	for (int i = 0; i < b->nmodes_run; i++)
		fprintf(f, " %s", bench_mode_names[b->modes_run[i]]);
	fprintf(f, "; runtime %ss; repeats %d; peers %s; batch %d; size %s; bs %s; direct=1; "
		"ours extra: %s\n", b->runtime, b->repeats, b->peers, b->batch, b->size, b->bs,
		b->ours_opts[0] ? b->ours_opts : "none");
	if (fclose(f))
		bench_die("cannot write %s", path);
	cat(stderr, out, "machine.txt");
	bench_lab(b, out, &failures);
	printf("\nresults: %s\n", out);
	fflush(stdout);
	if (bench_stop)
		return 130;	/* what the lab finished is tabulated and imported */
	if (failures) {
		fprintf(stderr, "bench: %d runs or imports failed (messages above)\n", failures);
		return 1;
	}
	return 0;
}

int cmd_bench(int argc, char **argv, const char *bin_dir)
{
	/* Static: what the settings point to lives as long as the process. */
	static struct bench b;
	struct bench_run *runs;
	char out[PATH_MAX], path[PATH_MAX + 32];
	int nruns, done = 0, failures = 0, nimp;
	time_t start;
	FILE *f;

	snprintf(path, sizeof(path), "%s/..", bin_dir ? bin_dir : ".");
	if (!realpath(path, b.top))
		snprintf(b.top, sizeof(b.top), ".");
	/* A mode of its own: no fio, engine or target (only b.top, for the data root). */
	if (argc > 1 && !strcmp(argv[1], "import"))
		return cmd_bench_import(&b, argc - 1, argv + 1);
	if (bench_options(&b, argc, argv) < 0)
		return 0;

	snprintf(path, sizeof(path), "%s/runs", b.out);
	mkdir_p(path);
	if (!realpath(b.out, out))
		bench_die("cannot create %s", b.out);
	/* Measure a copy: make may rebuild build/ while we run, and the copy
	 * records exactly which engine these numbers belong to. */
	snprintf(b.engine_copy, sizeof(b.engine_copy), "%s/fio-uringbpf.so", out);
	copy_file(b.engine_built, b.engine_copy);
	bench_signals();
	if (b.lab)
		return lab_main(&b, out);
	bench_target_setup(&b);
	pick_modes(&b, out);

	snprintf(path, sizeof(path), "%s/machine.txt", out);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s", path);
	fprintf(f, "command: %s\n", b.command_line);
	machine_facts(f, &b);
	fprintf(f, "settings: iodepths %s; modes", b.iodepths);
	for (int i = 0; i < b.nmodes_run; i++)
		fprintf(f, "%s%s", i ? " " : " ", bench_mode_names[b.modes_run[i]]);
	fprintf(f, "; runtime %ss (t/io_uring %ds); repeats %d; peers %s; batch %d; ours extra: %s\n",
		b.runtime, b.tio_secs, b.repeats, b.peers, b.batch,
		b.ours_opts[0] ? b.ours_opts : "none");
	if (fclose(f))
		bench_die("cannot write %s", path);
	cat(stderr, out, "machine.txt");

	if (b.do_sweep) {
		runs = bench_plan(&b, &nruns);
		write_runs(out, runs, 0);
		start = time(NULL);
		for (done = 0; done < nruns && !bench_stop; done++) {
			bench_run_one(&b, out, &runs[done], &failures);
			if (bench_stop)
				break;	/* the run in progress is not kept */
			write_runs(out, runs, done + 1);
			if (done + 1 == nruns || runs[done + 1].rep != runs[done].rep)
				bench_log("repeat %d of %d done (%lld s)", runs[done].rep, b.repeats,
					  (long long)(time(NULL) - start));
		}
		if (bench_stop)
			bench_log("interrupted: %d of %d runs finished; tabulating and importing "
				  "those", done, nruns);

		snprintf(path, sizeof(path), "%s/table.md", out);
		f = fopen(path, "we");
		if (!f)
			bench_die("cannot write %s", path);
		if (bench_table(f, &b, runs, done, 0))
			failures++;
		if (fclose(f))
			bench_die("cannot write %s", path);
		putchar('\n');
		cat(stdout, out, "machine.txt");
		cat(stdout, out, "skipped.txt");
		cat(stdout, out, "table.md");
		fflush(stdout);

		{
			struct bench_import_to to = { .dir = out, .sweep = strrchr(out, '/') + 1 };

			snprintf(path, sizeof(path), "%s/db-import.log", out);
			to.log = path;
			nimp = bench_import(&b, &to, runs, done, &failures);
		}
		printf("\nimported %d fio results into %s as sweep %s (t/io_uring output is not fio "
		       "JSON: kept in %s/runs only)\n", nimp, b.db, strrchr(out, '/') + 1, out);
		free(runs);
	}
	if (b.do_cost && !bench_stop) {
		snprintf(path, sizeof(path), "%s/cost", out);
		bench_cost(&b, path, &failures);
		fflush(stdout);
		cat(stdout, path, "cost.md");
	}
	printf("\nresults: %s\n", out);
	fflush(stdout);
	if (bench_stop) {
		bench_cleanup();
		return 130;
	}
	if (failures) {
		fprintf(stderr, "bench: %d runs or imports failed (messages above)\n", failures);
		return 1;
	}
	return 0;
}
