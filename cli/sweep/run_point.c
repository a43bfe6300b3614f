// SPDX-License-Identifier: GPL-2.0
/*
 * One fio run of the sweep: fio (under cgexec's CPU measurement for a local
 * run) in a child process, its stdout and stderr into OUT/log/, fio's JSON
 * into OUT/json/CONFIG/qdN-rR.json.tmp until it is classified.  SIGINT,
 * SIGTERM and SIGHUP stop the sweep: the running fio gets SIGINT (it stops
 * within a second), SIGKILL if it still runs 20 s later; the point is
 * recorded interrupted, its JSON kept as .json.partial and not imported.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cgexec.h"
#include "cli/sweep/sweep.h"

volatile sig_atomic_t sw_interrupted;
static volatile pid_t fio_pid;

static void on_signal(int sig)
{
	sw_interrupted = sig;
	if (fio_pid > 0)
		kill(fio_pid, SIGINT);
}

void sw_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: waitpid wakes */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void sw_child_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
}

static const char *signame(int sig)
{
	return sig == SIGINT ? "INT" : sig == SIGTERM ? "TERM" : sig == SIGHUP ? "HUP" : "?";
}

/* fio's command of one run; iops: the prefix of fio's IOPS log, or NULL. */
char **sw_fio_argv(const char *c, const char *jobfile, const char *json, const char *iops)
{
	char **v = sw_keep(calloc(8 + 3 * (sw.nclients + 1), sizeof(char *)));
	int n = 0;

	v[n++] = (char *)sw.fio;
	v[n++] = "--output-format=json+";
	v[n++] = sw_printf("--output=%s", json);
	if (iops) {
		v[n++] = sw_printf("--write_iops_log=%s", iops);
		v[n++] = sw_printf("--log_avg_msec=%d", SW_IOPS_LOG_MS);
	}
	for (int i = 0; i < sw.nclients; i++) {
		v[n++] = sw_printf("--client=%s:%s,%d", sw.clients[i].v6 ? "ip6" : "ip",
				   sw.clients[i].host, sw.clients[i].port);
		v[n++] = sw_printf("--section=%s", c);
		v[n++] = (char *)jobfile;
	}
	if (!sw.nclients) {
		v[n++] = sw_printf("--section=%s", c);
		v[n++] = (char *)jobfile;
	}
	return v;
}

void sw_point_prefix(const char *c, long qd, long rep)
{
	int w = snprintf(NULL, 0, "%ld", sw.total);

	printf("[%*ld/%ld] %-16s qd=%-4ld%s rep %-2ld ", w, sw.n_done + sw.n_failed + 1, sw.total, c,
	       qd, sw_ax_note(), rep);
	fflush(stdout);
}

/* The child: fio, under cgexec (in this binary) when cpu is set. */
static void child(char **argv, const char *log, const char *report, const char *cpu)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	sw_child_signals();
	if (fd < 0)
		_exit(125);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	setenv("UB_REPORT", report, 1);
	if (cpu) {
		int n = 0;
		char **cg;

		/*
		 * cgexec runs in this child without an exec, so O_CLOEXEC does not
		 * drop OUT's lock here: close it, or a kill -9 of the sweep would
		 * leave the lock held until this run's fio ends.
		 */
		if (sw.lock_fd >= 0)
			close(sw.lock_fd);

		while (argv[n])
			n++;
		cg = calloc(n + 5, sizeof(char *));
		if (!cg)
			_exit(125);
		cg[0] = "cgexec";
		cg[1] = "--cpu-json";
		cg[2] = (char *)cpu;
		cg[3] = "--";
		memcpy(cg + 4, argv, n * sizeof(char *));
		fflush(NULL);
		_exit(cmd_cgexec(n + 4, cg));
	}
	execv(argv[0], argv);
	_exit(errno == ENOENT ? 127 : 126);
}

/* Wait for pid; after a stop signal, SIGKILL it if it still runs 20 s later. */
static int wait_fio(pid_t pid)
{
	long kill_at = 0;
	int st = 0;

	for (;;) {
		pid_t r = waitpid(pid, &st, sw_interrupted ? WNOHANG : 0);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return 1;
		if (sw_interrupted) {
			if (!kill_at)
				kill_at = sw_now() + 20;
			if (sw_now() >= kill_at)
				kill(pid, SIGKILL);
			if (r == 0) {
				struct timespec ts = { 0, 50 * 1000 * 1000 };

				nanosleep(&ts, NULL);
			}
		}
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int sw_fio_run(char **argv, const char *log, const char *report, const char *cpu)
{
	pid_t pid;
	int rc;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0)
		child(argv, log, report, cpu);
	fio_pid = pid;
	if (sw_interrupted)	/* a signal between the check and the fork */
		kill(pid, SIGINT);
	rc = wait_fio(pid);
	fio_pid = 0;
	return rc;
}

int sw_run_point(const char *c, long qd, long rep)
{
	const char *base = sw_printf("%s/json/%s/%s-r%ld", sw.out, c, sw_ptag(qd), rep);
	const char *log = sw_printf("%s/log/%s-%s-r%ld.log", sw.out, c, sw_ptag(qd), rep);
	const char *report = sw_printf("%s/log/%s-%s-r%ld.report.jsonl", sw.out, c, sw_ptag(qd), rep);
	const char *cpu = sw_printf("%s/cpu/%s/%s-r%ld.json", sw.out, c, sw_ptag(qd), rep);
	const char *cpu_tmp = NULL, *iops = NULL, *tmp = sw_printf("%s.json.tmp", base);
	char **argv;
	long t0, t1;
	int rc;

	/* Stopped between two runs: the next one does not start (it stays pending). */
	if (sw_interrupted)
		return 130;
	sw_mkdir_p(sw_printf("%s/json/%s", sw.out, c));
	sw_point_prefix(c, qd, rep);
	t0 = sw_now();
	/* Not with --client: each server would keep its own IOPS log and CPU. */
	if (!sw.nclients) {
		glob_t g;

		iops = sw_printf("%s/iops/%s/%s-r%ld", sw.out, c, sw_ptag(qd), rep);
		sw_mkdir_p(sw_printf("%s/iops/%s", sw.out, c));
		if (!glob(sw_printf("%s_iops.*.log", iops), 0, NULL, &g))
			for (size_t i = 0; i < g.gl_pathc; i++)
				unlink(g.gl_pathv[i]);
		globfree(&g);
		sw_mkdir_p(sw_printf("%s/cpu/%s", sw.out, c));
		cpu_tmp = sw_printf("%s.tmp", cpu);
		unlink(cpu_tmp);
	}
	argv = sw_fio_argv(c, sw_jobfile(qd), tmp, iops);
	unlink(report);	/* the engine appends */
	rc = sw_fio_run(argv, log, report, cpu_tmp);
	if (cpu_tmp) {
		size_t len = 0;

		if (sw_read_file(cpu_tmp, &len) && len)
			rename(cpu_tmp, cpu);
	}
	t1 = sw_now();
	if (sw_interrupted) {
		const char *partial = sw_printf("%s.json.partial", base);

		if (!access(tmp, F_OK))
			rename(tmp, partial);
		printf("interrupted (SIG%s): this run is discarded (%s, not imported)\n",
		       signame(sw_interrupted), partial);
		sw_fate(c, qd, rep, "interrupted", "signal",
			sw_printf("SIG%s stopped the run; it was discarded", signame(sw_interrupted)));
		return 130;
	}
	return sw_record_point(c, qd, rep, rc, t0, t1);
}
