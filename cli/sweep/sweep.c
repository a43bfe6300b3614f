// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf sweep: the flow.  Options, target and profile checks (all before
 * anything is written); then, unless --dry-run, OUT/ and its lock, the
 * sweep's name claimed and its plan written in the database before the
 * first run; the header; the job files and OUT/sweep.env; the runs (here,
 * or in the lab), the variance gate, the finish.  One sweep at a time in
 * OUT: OUT/.sweep.lock is held (flock) for the life of this process, kill -9
 * included, and not inherited by fio.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

struct sweep sw;

static int dir_nonempty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n > 0;
}

/* One line of plan-pending's TSV: seq, config, iodepth, repeat, ..., axes (6th field). */
struct pending_point {
	long seq, qd, rep;
	char config[1024];
	const char *axes;	/* borrowed from sw_printf's arena */
};

/*
 * The next well-formed point of a plan-pending TSV from *cursor (advanced past
 * it); 0 at the end. Lines that don't parse are passed over.
 */
static int next_pending(char **cursor, struct pending_point *pt)
{
	while (**cursor) {
		char *l = *cursor, *next = l + strcspn(l, "\n");
		const char *p = l;

		*cursor = *next ? next + 1 : next;
		if (sscanf(l, "%ld\t%1023[^\t]\t%ld\t%ld", &pt->seq, pt->config, &pt->qd,
			   &pt->rep) != 4)
			continue;
		for (int i = 0; i < 5 && p; i++) {
			p = strchr(p, '\t');
			if (p)
				p++;
		}
		pt->axes = p && p < next ? sw_printf("%.*s", (int)(next - p), p) : "";
		return 1;
	}
	return 0;
}

static int runnable(const char *c)
{
	int i = sw_config_index(c);

	return i >= 0 && !sw.cfg[i].skip;
}

static void write_env(void)
{
	const char *path = sw_printf("%s/sweep.env", sw.out);
	FILE *f;
	char host[256] = "", *qds = NULL, *cfgs = NULL, *fio, *git;
	struct utsname u;
	char *fv[] = { (char *)sw.fio, "--version", NULL };
	char *gv[] = { "git", "-C", (char *)sw.top, "describe", "--always", "--dirty", NULL };
	int st;

	if (sw.resume) {
		f = fopen(path, "a");
		if (f) {
			fprintf(f, "resumed=%s\n", sw_date_is());
			fclose(f);
		}
		return;
	}
	for (int i = 0; i < sw.nqd; i++)
		qds = sw_printf("%s%s%ld", qds ? qds : "", i ? "," : "", sw.qd[i]);
	for (int i = 0; i < sw.ncfg; i++)
		cfgs = sw_printf("%s%s%s", cfgs ? cfgs : "", i ? "," : "", sw.cfg[i].name);
	gethostname(host, sizeof(host) - 1);
	uname(&u);
	fio = sw_capture(fv, &st);
	fio = fio ? fio : sw_strdup("");
	fio[strcspn(fio, "\n")] = 0;
	git = sw_capture(gv, &st);
	if (!git || st || !*git)
		git = sw_strdup("unknown");
	git[strcspn(git, "\n")] = 0;
	f = fopen(path, "w");
	if (!f)
		sw_die("--out: can't write %s: %s", path, strerror(errno));
	fprintf(f, "sweep=%s\nprofile=%s\nprofile_file=%s\ntarget=%s\nengine=%s\ndirect=%s\n"
		"size=%s\niodepths=%s\nconfigs=%s\nrepeats=%ld\nruntime=%s\nramp=%s\n"
		"max_stddev_pct=%s\nclients=%s\nkernel=%s\nprepare=%s\nhost=%s\nfio=%s\ndate=%s\n"
		"git=%s\n", sw.name, sw.profile_name, sw.profile_file, sw.target, sw.engine,
		sw.direct, sw.size, qds, cfgs, sw.repeats, sw.opt_runtime, sw.opt_ramp,
		sw.opt_max_sd ? sw.opt_max_sd : "", sw.opt_clients ? sw.opt_clients : "",
		u.release, sw.prepare ? sw.prepare : "", host, fio, sw_date_is(), git);
	fclose(f);
}

/* The profile's prepare step, here, with the build's tools first on PATH. */
static void prepare_here(void)
{
	const char *log = sw_printf("%s/log/prepare.log", sw.out);
	const char *path = getenv("PATH");
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *bindir = sw_strdup(".");
	char *argv[] = { "sh", "-c", (char *)sw.prepare, NULL };
	pid_t pid;
	int st = 0;

	if (n > 0) {
		self[n] = 0;
		bindir = sw_dirname(self);
	}
	printf("prepare: %s\n", sw.prepare);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		if (fd < 0)
			_exit(125);
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("PATH", sw_printf("%s:%s/build:%s", bindir, sw.top, path ? path : ""), 1);
		execvp("sh", argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		char *targv[] = { "tail", "-n", "5", (char *)log, NULL };
		char *tail;

		sw_warn("the prepare step failed (log: %s):", log);
		tail = sw_capture(targv, &st);
		fputs(tail ? tail : "", stderr);
		exit(1);
	}
}

int cmd_sweep(int argc, char **argv, const char *top)
{
	char *pending = NULL, *skipped_list = NULL, *qds = NULL;
	int nrun = 0, npending = 0;
	struct pending_point pt;

	sw.top = top;
	sw.lock_fd = -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sw_parse(argc, argv);
	sw_target_kind();
	sw_target_defaults();
	for (int i = 0; i < sw.nset; i++)
		if (!strcmp(sw.set_k[i], "IODEPTH"))
			sw_die("--set: IODEPTH is the sweep axis; use --iodepths");
	sw_profile_load();
	sw_check_configs();
	sw_axis_check();
	/* Never mix two sweeps in one name (a resumed sweep goes on in its own). */
	if (!sw.resume && dir_nonempty(sw_printf("%s/json", sw.out)))
		sw_die("--out: %s already holds the runs of a sweep; pick another --sweep-name or --out",
		       sw.out);
	sw_phases_check();

	for (int c = 0; c < sw.ncfg; c++)
		if (!sw.cfg[c].skip)
			nrun++;
	sw.total = (long)nrun * sw.nqd * sw.ncombo * sw.repeats;
	if (!sw.dry) {
		const char *dirs[] = { "jobs", "json", "log" };

		if (!nrun) {
			for (int c = 0; c < sw.ncfg; c++)
				skipped_list = sw_printf("%s%s%s: %s", skipped_list ? skipped_list : "",
							 c ? "; " : "", sw.cfg[c].name, sw.cfg[c].skip);
			sw_die("nothing to run: every selected section is skipped (%s)", skipped_list);
		}
		for (int i = 0; i < 3; i++) {
			const char *d = sw_printf("%s/%s", sw.out, dirs[i]);

			if (sw_mkdir_p(d))
				sw_die("--out: can't create %s: %s", d, strerror(errno));
		}
		sw.lock_fd = open(sw_printf("%s/.sweep.lock", sw.out),
				  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (sw.lock_fd < 0 || flock(sw.lock_fd, LOCK_EX | LOCK_NB))
			sw_die("%sanother sweep is running in %s (it holds %s/.sweep.lock)",
			       sw.resume ? "--resume: " : "", sw.out, sw.out);
		sw_db_open();
		if (!sw.resume) {
			sw_claim();
			sw_write_plan();
		} else {
			/* A config the target can't run (now) takes its pending points with it. */
			char *p = sw_plan_pending();

			for (char *l = p; next_pending(&l, &pt);) {
				int i = sw_config_index(pt.config);

				if (i < 0 || !sw.cfg[i].skip || sw.cfg[i].stop)
					continue;
				sw.ax = pt.axes;
				sw_fate(pt.config, pt.qd, pt.rep, "skipped", sw.cfg[i].skip_code,
					sw.cfg[i].skip);
				sw.cfg[i].stop = sw.cfg[i].skip;
			}
		}
		pending = sw_plan_pending();
		sw.total = 0;
		for (char *l = pending; next_pending(&l, &pt);) {
			npending++;
			if (runnable(pt.config))
				sw.total++;
		}
	}

	printf("sweep %s: profile %s on %s (engine %s, direct=%s, size=%s", sw.name, sw.profile_name,
	       sw.target, sw.engine, sw.direct, sw.size);
	if (sw.nclients) {
		printf(", clients");
		for (int i = 0; i < sw.nclients; i++)
			printf(" %s", sw.clients[i].spec);
	}
	printf(")\n");
	for (int i = 0; i < sw.nqd; i++)
		qds = sw_printf("%s%s%ld", qds ? qds : "", i ? "," : "", sw.qd[i]);
	printf("  %d configs x %d iodepths (%s)", sw.ncfg, sw.nqd, qds);
	for (int i = 0; i < sw.naxes; i++)
		printf(" x %d %s (%s)", sw.axes[i].nv, sw.axes[i].param,
		       sw.axes[i].spec + strlen(sw.axes[i].param) + 1);
	printf(" x %ld repeats, %lds each", sw.repeats, sw.runtime);
	if (sw.opt_max_sd)
		printf("; repeat until stddev <= %s%% (at most %ld runs)", sw.opt_max_sd,
		       sw.max_repeats);
	printf("\n");
	for (int c = 0; c < sw.ncfg; c++)
		if (sw.cfg[c].skip)
			printf("  skip %s: %s\n", sw.cfg[c].name, sw.cfg[c].skip);
	if (sw.nwrites && sw.force)
		printf("  --force: write profile on %s\n", sw.target);
	if (sw.kind == SW_REMOTE)
		printf("  targets are on the fio servers: poll-queue and filesystem checks are not done "
		       "here\n");
	if (sw.kind == SW_LAB)
		printf("  in the kernel lab (uringbpf lab run): %s is the guest's %s\n", sw.target,
		       !strncmp(sw.target, "/dev/nullb", 10) ? "null_blk device" : "emulated NVMe");
	if (sw.prepare)
		printf("  prepare: %s\n", sw.prepare);
	sw_phases_header();
	if (sw.resume)
		printf("  resuming: %d of its planned points have no finished run%s\n", npending,
		       sw.opt_max_sd ? " (then the variance gate)" : "");
	printf("  %ld runs, about %s; results into %s, files into %s\n", sw.total,
	       sw_fmt_time(sw.total * (sw.runtime + sw.ramp + 1)), sw.opt_db, sw.out);

	if (sw.dry) {
		sw_phases_dry_run();
		if (sw.kind == SW_LAB)
			sw_lab_dry_run();
		printf("dry run: the fio commands (job files are written to %s/jobs/ when run):\n",
		       sw.out);
		for (int c = 0; c < sw.ncfg; c++) {
			if (sw.cfg[c].skip)
				continue;
			for (int pt = 0; pt < sw.nqd * sw.ncombo; pt++) {
				long qd = sw.qd[pt / sw.ncombo];
				char **v;

				sw.ax = sw.combo[pt % sw.ncombo];
				v = sw_fio_argv(sw.cfg[c].name, sw_jobfile(qd),
						sw_printf("%s/json/%s/%s-r1.json", sw.out,
							  sw.cfg[c].name, sw_ptag(qd)), NULL);
				if (*sw.ax)
					printf("  # %s qd=%ld %s\n", sw.cfg[c].name, qd, sw.ax);
				printf(" ");
				for (; *v; v++)
					printf(" %s", sw_shell_quote(*v));
				printf(" \n");
			}
		}
		return 0;
	}

	sw_write_jobfiles();
	write_env();
	sw_signals();
	sw.t_start = sw_now();

	if (sw.lab) {
		sw_run_lab();
		sw_finish(sw.n_done == 0 ? 1 : 0);
	}
	/* Before the prepare step: the fill would overwrite what it prepares. */
	sw_precondition();
	if (sw.prepare)
		prepare_here();
	/* A resumed sweep's variance gate counts the runs it has already. */
	if (sw.resume && sw.opt_max_sd)
		sw_gate_resume_samples();
	/* The pending points in plan order; a config skipped or failed stops there. */
	for (char *l = pending; next_pending(&l, &pt);) {
		int i = sw_config_index(pt.config);

		if (i < 0 || sw.cfg[i].skip || sw.cfg[i].stop)
			continue;
		sw.ax = pt.axes;
		if (sw_run_point(pt.config, pt.qd, pt.rep) == 130)
			sw_finish(130);
	}
	if (sw.max_sd > 0)
		sw_gate();
	/* Nothing ran at all: exit 1 (a resume that only had the gate left is fine). */
	sw_finish(sw.n_done == 0 && !sw.resume ? 1 : 0);
}
