// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf bench --lab: the same plan in the kernel lab (uringbpf lab run:
 * Linux 7.3 under QEMU TCG), on null_blk (poll queues) and the emulated
 * NVMe, in one boot.  The guest has busybox sh, fio, t-io_uring and our
 * engine: the plan goes in as data (one run a line: kind, where its files
 * go, its arguments) for the checked-in driver bench/lab-guest.sh; the
 * results come back in /out and are tabulated and imported here.  CPU time
 * under TCG means nothing, so only IOPS and their ratios are reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "cli/lab/lab.h"

static const char *const lab_devices[] = { "nullb0", "nvme0n1" };
#define NDEV 2
#define LAB_ENGINE "/usr/local/lib/fio/fio-uringbpf.so"	/* where uringbpf lab puts the build */

/* FILE under the data root: $UB_DATADIR, PREFIX/share/uringbpf, the checkout. */
int bench_data_file(const struct bench *b, const char *rel, char *path, size_t len)
{
	const char *env = getenv("UB_DATADIR");
	char cand[3][PATH_MAX + 32];
	int n = 0;

	if (env && *env)
		snprintf(cand[n++], sizeof(cand[0]), "%s", env);
	snprintf(cand[n++], sizeof(cand[0]), "%s/share/uringbpf", b->top);
	snprintf(cand[n++], sizeof(cand[0]), "%s", b->top);
	for (int i = 0; i < n; i++) {
		snprintf(path, len, "%s/%s", cand[i], rel);
		if (access(path, R_OK) == 0)
			return 0;
	}
	snprintf(path, len, "%s/%s", b->top, rel);
	return -1;
}

/* One line of the plan: KIND BASE ARG... (BASE under the guest's /out;
 * argv[0] left out: the guest's own tool). */
static void plan_line(FILE *f, const char *kind, const char *base, char **args, int n)
{
	fprintf(f, "%s %s", kind, base);
	for (int i = 1; i < n; i++) {
		if (args[i][strcspn(args[i], " \t\n*?[")])
			bench_die("--lab: the run option '%s' holds a blank or a glob character; the "
				  "guest's plan is one blank-separated word per option", args[i]);
		fprintf(f, " %s", args[i]);
	}
	fputc('\n', f);
}

/* --file SRC:DST options for fio's libaio engine, when our fio has it as a
 * dynamic engine (fio-libaio.so and libaio itself); 0 of them if built in. */
static int libaio_files(const struct bench *b, char files[2][2 * PATH_MAX + 8])
{
	char so[PATH_MAX + 64], fio[PATH_MAX], real[PATH_MAX], lib[PATH_MAX] = "", out[8192];
	char *argv[] = { "ldd", so, NULL }, *l, *save;

	if (!b->peer[E_LIBAIO])
		return 0;
	if (realpath(b->fio, fio) && strrchr(fio, '/')) {
		*strrchr(fio, '/') = 0;
		snprintf(so, sizeof(so), "%s/../lib/fio/fio-libaio.so", fio);
	}
	if (access(so, R_OK))
		snprintf(so, sizeof(so), "/usr/local/lib/fio/fio-libaio.so");
	if (access(so, R_OK))
		return 0;
	/* ldd's "libaio.so.1 => /lib/x86_64-linux-gnu/libaio.so.1 (0x...)". */
	bench_capture(argv, out, sizeof(out));
	for (l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[256], arrow[8], path[PATH_MAX];

		if (sscanf(l, " %255s %7s %4095s", name, arrow, path) == 3 &&
		    !strncmp(name, "libaio", 6) && !strcmp(arrow, "=>"))
			snprintf(lib, sizeof(lib), "%s", path);
	}
	if (!lib[0])
		bench_die("--lab: cannot find the libaio library of %s", so);
	if (!realpath(so, real))
		bench_die("--lab: %s: %s", so, strerror(errno));
	snprintf(files[0], sizeof(files[0]), "%s:/usr/local/lib/fio/fio-libaio.so", real);
	if (!realpath(lib, real))
		bench_die("--lab: %s: %s", lib, strerror(errno));
	snprintf(files[1], sizeof(files[1]), "%s:%s", real, lib);
	return 2;
}

/* "lab run ARGV" (cli/lab/, in a child) with its output, each line as "  lab: LINE",
 * on stderr; its status.  ROOT: the data root. */
static int run_lab(char **argv, const char *root)
{
	int p[2], status;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		bench_die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int n = 0;

		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		while (argv[n])
			n++;
		n = lab_run_child(n, argv, root);
		fflush(NULL);
		_exit(n);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (f && getline(&line, &cap, f) > 0)
		fprintf(stderr, "  lab: %s%s", line, line[strlen(line) - 1] == '\n' ? "" : "\n");
	free(line);
	if (f)
		fclose(f);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* One device's runs read back from OUT/lab/DEV, tabulated and imported. */
static void tabulate(const struct bench *b, const char *out, const char *dev, const char *kernel,
		     const struct bench_run *plan, int n, int *failures)
{
	struct bench_run *runs = calloc(n + 1, sizeof(*runs));
	char d[PATH_MAX + 64], path[PATH_MAX + 128], sweep[PATH_MAX], bn[16];
	const char *name = strrchr(out, '/') + 1;
	FILE *f;
	int nimp;

	/* The lab may have left nothing (it failed to boot): make the folders. */
	snprintf(d, sizeof(d), "%s/lab", out);
	mkdir(d, 0777);
	snprintf(d, sizeof(d), "%s/lab/%s", out, dev);
	snprintf(path, sizeof(path), "%s/runs", d);
	mkdir(d, 0777);
	mkdir(path, 0777);
	for (int i = 0; i < n; i++) {
		struct bench_run *r = &runs[i];
		char base[PATH_MAX + 192], p[PATH_MAX + 256], so[PATH_MAX + 256], tail[1100], *doc;

		*r = plan[i];
		snprintf(base, sizeof(base), "%s/runs/qd%d-%s-%s-%s-r%d", d, r->qd,
			 bench_mode_names[r->mode], bench_batch_name(r->batch, bn, sizeof(bn)),
			 bench_engine_names[r->engine], r->rep);
		snprintf(r->file, sizeof(r->file), "%s.json", base + strlen(d) + 1);
		snprintf(p, sizeof(p), "%s.rc", base);
		doc = bench_read_file(p, NULL);
		r->rc = doc && *doc >= '0' && *doc <= '9' ? atoi(doc) : BENCH_NOT_RUN;
		free(doc);
		snprintf(so, sizeof(so), "%s.stdout", base);
		snprintf(p, sizeof(p), "%s.json", base);
		if (r->engine == E_TIO && access(so, R_OK) == 0)
			bench_tio_json(so, p, strrchr(base, '/') + 1);
		doc = bench_read_file(p, NULL);
		r->iops = bench_json_num(doc, r->engine == E_TIO ? "$.iops" : "$.jobs[0].read.iops");
		r->cpu_all = r->other = NAN;
		r->cpu_job = r->engine == E_TIO ? NAN :
			     (bench_json_num(doc, "$.jobs[0].usr_cpu") +
			      bench_json_num(doc, "$.jobs[0].sys_cpu")) / 100.0;
		free(doc);
		if (r->rc) {
			char rc[32];

			snprintf(p, sizeof(p), "%s.stderr", base);
			bench_tail(p, so, tail, sizeof(tail));
			if (r->rc == BENCH_NOT_RUN)
				snprintf(rc, sizeof(rc), "not run");
			else
				snprintf(rc, sizeof(rc), "%d", r->rc);
			fprintf(stderr, "bench: FAILED qd%d %s %s %s (rep %d), exit %s: %s\n", r->qd,
				bench_mode_names[r->mode], bench_batch_name(r->batch, bn, sizeof(bn)),
				bench_engine_names[r->engine], r->rep, rc, tail);
			(*failures)++;
		}
	}
	snprintf(path, sizeof(path), "%s/runs.tsv", d);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s", path);
	bench_runs_tsv(f, runs, n);
	fclose(f);

	snprintf(path, sizeof(path), "%s/table.md", d);
	f = fopen(path, "we");
	if (!f)
		bench_die("cannot write %s", path);
	fprintf(f, "\n=== kernel lab, /dev/%s (guest kernel %s, QEMU TCG: ratios only) ===\n", dev,
		kernel);
	bench_table(f, b, runs, n, 1);
	fclose(f);
	{
		char *t = bench_read_file(path, NULL);

		fputs(t ? t : "", stdout);
		free(t);
	}
	snprintf(sweep, sizeof(sweep), "%s-%s", name, dev);
	{
		struct bench_import_to to = { .dir = d, .sweep = sweep, .host = "lab",
					      .kernel = kernel, .device_tag = dev };

		snprintf(path, sizeof(path), "%s/db-import.log", out);
		to.log = path;
		nimp = bench_import(b, &to, runs, n, failures);
	}
	printf("imported %d fio results into %s as sweep %s\n", nimp, b->db, sweep);
	fflush(stdout);
	free(runs);
}

void bench_lab(const struct bench *b, const char *out, int *failures)
{
	char plan_path[PATH_MAX + 32], guest[PATH_MAX + 64], lab[PATH_MAX + 64], labout[PATH_MAX + 32];
	char fopt_plan[2 * PATH_MAX], fopt_guest[2 * PATH_MAX], timeout[32], kernel[256] = "unknown";
	char libaio[2][2 * PATH_MAX + 8], store[16384], bn[16], *args[BENCH_MAX_ARGS + 2];
	char *argv[32], *rm[] = { "rm", "-rf", labout, NULL }, *k;
	struct bench_run *plan;
	int n, nruns = 0, nlib, a = 0, rc;
	FILE *f;

	if (bench_data_file(b, "scripts/lab", lab, sizeof(lab)) || access(lab, X_OK))
		bench_die("--lab needs scripts/lab (looked for %s)", lab);
	if (bench_data_file(b, "bench/lab-guest.sh", guest, sizeof(guest)))
		bench_die("--lab needs bench/lab-guest.sh (looked for %s)", guest);
	nlib = libaio_files(b, libaio);
	plan = bench_plan(b, &n);
	snprintf(plan_path, sizeof(plan_path), "%s/lab-plan.txt", out);
	f = fopen(plan_path, "we");
	if (!f)
		bench_die("cannot write %s", plan_path);
	for (int d = 0; d < NDEV; d++) {
		char target[64];

		snprintf(target, sizeof(target), "/dev/%s", lab_devices[d]);
		for (int i = 0; i < n; i++) {
			const struct bench_run *r = &plan[i];
			char base[256];
			int na;

			snprintf(base, sizeof(base), "%s/runs/qd%d-%s-%s-%s-r%d", lab_devices[d],
				 r->qd, bench_mode_names[r->mode],
				 bench_batch_name(r->batch, bn, sizeof(bn)),
				 bench_engine_names[r->engine], r->rep);
			if (r->engine == E_TIO) {
				na = bench_tio_argv(b, r, target, "t-io_uring", args, store,
						    sizeof(store));
				plan_line(f, "tio", base, args, na);
			} else {
				na = bench_fio_argv(b, r, "fio", target, LAB_ENGINE, args, store,
						    sizeof(store));
				plan_line(f, "fio", base, args, na);
			}
			nruns++;
		}
	}
	if (fclose(f))
		bench_die("cannot write %s", plan_path);

	/* Boot (about a minute under TCG), then each run with fio's start-up. */
	snprintf(timeout, sizeof(timeout), "%d", 150 + nruns * (b->tio_secs + 8));
	bench_log("kernel lab: %d runs on %s, %s in one boot (at most %ss)", nruns, lab_devices[0],
		  lab_devices[1], timeout);
	snprintf(labout, sizeof(labout), "%s/lab", out);
	bench_spawn(rm, NULL, NULL);
	snprintf(fopt_plan, sizeof(fopt_plan), "%s:/lab/bench-plan.txt", plan_path);
	snprintf(fopt_guest, sizeof(fopt_guest), "%s:/lab/bench-guest.sh", guest);
	argv[a++] = "run";
	argv[a++] = "--null-blk";
	argv[a++] = "--out";
	argv[a++] = labout;
	argv[a++] = "--timeout";
	argv[a++] = timeout;
	argv[a++] = "--file";
	argv[a++] = fopt_plan;
	argv[a++] = "--file";
	argv[a++] = fopt_guest;
	for (int i = 0; i < nlib; i++) {
		argv[a++] = "--file";
		argv[a++] = libaio[i];
	}
	argv[a++] = "--";
	argv[a++] = "sh";
	argv[a++] = "/lab/bench-guest.sh";
	argv[a++] = "/lab/bench-plan.txt";
	argv[a] = NULL;
	lab[strlen(lab) - strlen("/scripts/lab")] = 0;	/* the data root */
	rc = run_lab(argv, lab);
	if (rc)
		fprintf(stderr, "bench: the lab exited %d (see %s/.lab/); tabulating what finished\n",
			rc, labout);
	snprintf(guest, sizeof(guest), "%s/kernel", labout);
	k = bench_read_file(guest, NULL);
	if (k) {
		k[strcspn(k, "\n")] = 0;
		if (*k)
			snprintf(kernel, sizeof(kernel), "%s", k);
		free(k);
	}
	for (int d = 0; d < NDEV; d++) {
		tabulate(b, out, lab_devices[d], kernel, plan, n, failures);
	}
	free(plan);
}
