// SPDX-License-Identifier: GPL-2.0
/*
 * --lab: one boot of the kernel lab (uringbpf lab run, cli/lab/) runs the whole plan.
 * The plan goes to the guest as data, OUT/jobs/plan.tsv (a point per line,
 * in run order) beside the job files, with the profile's prepare step in
 * OUT/jobs/prepare.cmd; the static guest driver scripts/lab-guest/run-plan.sh
 * runs fio per line.  Then every finished run is imported here, in plan
 * order, as a local run would be (untimed: the lab's clock is not ours).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/lab/lab.h"
#include "cli/sweep/sweep.h"

static const char *driver(void)
{
	return sw_printf("%s/scripts/lab-guest/run-plan.sh", sw.top);
}

static const char *target_name(void)
{
	return sw_basename(sw.target);
}

void sw_lab_dry_run(void)
{
	printf("dry run: uringbpf lab run -- sh /lab/run-plan.sh /lab/jobs/plan.tsv %s %d, which "
	       "runs in the guest:\n", target_name(), SW_IOPS_LOG_MS);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		sw_die("--out: can't write %s: %s", path, strerror(errno));
}

/* cp -r SRC/. DST/ (the lab's results into OUT). */
static void copy_tree(const char *src, const char *dst)
{
	char *argv[] = { "cp", "-r", sw_printf("%s/.", src), sw_printf("%s/", dst), NULL };
	int st;

	if (access(src, F_OK))
		return;
	sw_mkdir_p(dst);
	sw_capture(argv, &st);
}

static char *trim_right(char *s)
{
	size_t n = strlen(s);

	while (n && strchr(" \t\r\n\v\f", s[n - 1]))
		s[--n] = 0;
	return s;
}

void sw_run_lab(void)
{
	const char *lab_out = sw_printf("%s/lab", sw.out), *s;
	char *plan = sw_strdup("");
	long timeout;
	int lab_rc, p[2], null_blk = !strncmp(sw.target, "/dev/nullb", 10), st;
	pid_t pid;
	FILE *in;
	char line[4096];

	/* CONFIG IODEPTH REPEAT TAG: TAG.fio the job file, TAG-rREPEAT its runs' files. */
	for (long rep = 1; rep <= sw.repeats; rep++)
		for (int c = 0; c < sw.ncfg; c++)
			for (int q = 0; q < sw.nqd; q++)
				for (int k = 0; k < sw.ncombo; k++) {
					sw.ax = sw.combo[k];
					if (!sw.cfg[c].skip)
						plan = sw_printf("%s%s\t%ld\t%ld\t%s\n", plan,
								 sw.cfg[c].name, sw.qd[q], rep,
								 sw_ptag(sw.qd[q]));
				}
	write_file(sw_printf("%s/jobs/plan.tsv", sw.out), plan);
	unlink(sw_printf("%s/jobs/prepare.cmd", sw.out));
	if (sw.prepare)
		write_file(sw_printf("%s/jobs/prepare.cmd", sw.out), sw_printf("%s\n", sw.prepare));
	/* Boot, plus each run with fio's setup under TCG, with room to spare. */
	timeout = 120 + sw.total * (sw.runtime + sw.ramp + 10) + (sw.prepare ? 120 : 0);
	printf("  booting the kernel lab (at most %lds); the guest reports each run:\n", timeout);
	fflush(stdout);
	{
		char *rm[] = { "rm", "-rf", (char *)lab_out, NULL };

		sw_capture(rm, &st);
	}
	if (pipe(p))
		sw_die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char *argv[20];
		int n = 0;

		argv[n++] = "run";
		argv[n++] = "--out";
		argv[n++] = (char *)lab_out;
		argv[n++] = "--timeout";
		argv[n++] = sw_printf("%ld", timeout);
		argv[n++] = "--file";
		argv[n++] = sw_printf("%s/jobs:/lab/jobs", sw.out);
		argv[n++] = "--file";
		argv[n++] = sw_printf("%s:/lab/run-plan.sh", driver());
		/* /dev/nullbN targets: the lab loads null_blk (memory-backed, with poll queues). */
		if (null_blk)
			argv[n++] = "--null-blk";
		argv[n++] = "--";
		argv[n++] = "sh";
		argv[n++] = "/lab/run-plan.sh";
		argv[n++] = "/lab/jobs/plan.tsv";
		argv[n++] = (char *)target_name();
		argv[n++] = sw_printf("%d", SW_IOPS_LOG_MS);
		argv[n] = NULL;
		sw_child_signals();
		close(p[0]);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[1]);
		/* The lab in this child (its stdout and stderr: the pipe). */
		n = lab_run_child(n, argv, sw.top);
		fflush(NULL);
		_exit(n);
	}
	close(p[1]);
	/* Its lines as "  lab: LINE" (a signal stops the reading, not the lab). */
	in = fdopen(p[0], "r");
	while (in) {
		if (!fgets(line, sizeof(line), in)) {
			if (ferror(in) && errno == EINTR) {
				clearerr(in);
				continue;
			}
			break;
		}
		printf("  lab: %s%s", line, strchr(line, '\n') ? "" : "\n");
		fflush(stdout);
	}
	if (in)
		fclose(in);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	lab_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (lab_rc == 124)
		sw_warn("the lab timed out after %lds; importing what finished", timeout);
	else if (lab_rc == 125)
		sw_warn("the lab failed (see %s/.lab/console.log); importing what finished", lab_out);
	else if (lab_rc && !sw_interrupted)
		sw_warn("the lab's command exited %d; importing what finished", lab_rc);
	if ((s = sw_read_file(sw_printf("%s/kernel", lab_out), NULL)) && *s)
		sw.host_kernel = trim_right(sw_strdup(s));
	if ((s = sw_read_file(sw_printf("%s/device_model", lab_out), NULL)) && *s)
		sw.device_model = sw_printf("%s (lab)", trim_right(sw_strdup(s)));
	copy_tree(sw_printf("%s/json", lab_out), sw_printf("%s/json", sw.out));
	copy_tree(sw_printf("%s/log", lab_out), sw_printf("%s/log", sw.out));
	copy_tree(sw_printf("%s/cpu", lab_out), sw_printf("%s/cpu", sw.out));
	copy_tree(sw_printf("%s/iops", lab_out), sw_printf("%s/iops", sw.out));
	for (long rep = 1; rep <= sw.repeats; rep++)
		for (int c = 0; c < sw.ncfg; c++)
			for (int pt = 0; pt < sw.nqd * sw.ncombo; pt++) {
				int q = pt / sw.ncombo;
				struct sw_config *cfg = &sw.cfg[c];
				const char *base, *log;
				size_t len = 0;
				int f;

				sw.ax = sw.combo[pt % sw.ncombo];
				base = sw_printf("%s/json/%s/%s-r%ld", sw.out, cfg->name,
						 sw_ptag(sw.qd[q]), rep);
				log = sw_printf("%s/log/%s-%s-r%ld.log", sw.out, cfg->name,
						sw_ptag(sw.qd[q]), rep);
				if (cfg->skip || cfg->stop)
					continue;
				if (sw_read_file(sw_printf("%s.json", base), &len) && len) {
					rename(sw_printf("%s.json", base), sw_printf("%s.json.tmp", base));
					f = 0;
				} else if (!access(log, F_OK)) {
					f = 1;
				} else {
					printf("  %s qd=%ld%s rep %ld: did not run (the lab stopped before "
					       "it)\n", cfg->name, sw.qd[q], sw_ax_note(), rep);
					sw.n_failed++;
					cfg->stop = sw_printf("the lab stopped before qd=%ld%s rep %ld",
							      sw.qd[q], sw_ax_note(), rep);
					sw_fate(cfg->name, sw.qd[q], rep, "failed", "lab_stopped",
						"the lab stopped before this run");
					continue;
				}
				sw_point_prefix(cfg->name, sw.qd[q], rep);
				sw_record_point(cfg->name, sw.qd[q], rep, f, 0, 0);
			}
	if (sw_interrupted)
		sw_finish(130);
}
