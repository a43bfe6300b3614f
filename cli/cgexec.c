// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf cgexec --cpu-json FILE -- COMMAND [ARGS...]: run COMMAND in a
 * fresh cgroup v2 group of its own and write the CPU time of every thread
 * it used (cpu.stat: usage, user, system) and its wall time to FILE as JSON.
 *
 * Why: fio's usr_cpu/sys_cpu count only its job threads; an SQPOLL ring's
 * iou-sqp thread and the iou-wrk workers are threads of the same process
 * and so of its cgroup, which cpu.stat counts (axboe/fio#1796).
 *
 * The group is made under the cgroup2 mount found in /proc/self/mounts (or
 * $UB_CGROUP2_ROOT) as uringbpf-PID-N; the child is moved into it before it
 * execs (it waits on a pipe until the parent wrote its pid to cgroup.procs),
 * so nothing it runs escapes. After the child is reaped, cpu.stat is read
 * once the group is empty (io threads can outlive the reaped process by a
 * moment) and the group removed. No cgroup2: the command still runs, and
 * the JSON says "measured": false and why.
 *
 * Exit status: the command's, 128+N if signal N killed it (as the shell
 * reports it); 125 cgexec's own error (nothing run), 126 the command can't
 * be executed, 127 not found (as env(1) and timeout(1)). SIGINT, SIGTERM
 * and SIGHUP are passed on to the command; if cgexec is killed, so is it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cgexec.h"
#include "cli/cgroup.h"

#define PROG "uringbpf cgexec"
enum { CG_EOWN = 125, CG_ENOEXEC = 126, CG_ENOENT = 127 };

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static long long now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int write_json(FILE *f, const struct ub_cg *cg, int measured, long long wall, int status)
{
	fputs("{\"tool\": \"uringbpf cgexec\", \"measured\": ", f);
	fputs(measured ? "true" : "false", f);
	fputs(", \"cgroup\": ", f);
	if (measured)
		json_str(f, cg->dir);
	else
		fputs("null", f);
	if (measured)
		fprintf(f, ", \"usage_usec\": %lld, \"user_usec\": %lld, \"system_usec\": %lld",
			cg->usage, cg->user, cg->system);
	else
		fputs(", \"usage_usec\": null, \"user_usec\": null, \"system_usec\": null", f);
	fprintf(f, ", \"wall_usec\": %lld, \"exit_status\": %d, \"reason\": ", wall, status);
	if (measured)
		fputs("null", f);
	else
		json_str(f, cg->why);
	fputs("}\n", f);
	return fflush(f) || ferror(f) ? -1 : 0;
}

static int usage(void)
{
	fputs("usage: " PROG " --cpu-json FILE -- COMMAND [ARGS...]\n"
	      "  run COMMAND in a cgroup v2 group of its own and write to FILE, as JSON, the CPU\n"
	      "  time of every thread it used (usage_usec, user_usec, system_usec: SQPOLL and\n"
	      "  io-wq threads included) and its wall_usec; without cgroup2, \"measured\": false\n"
	      "  and the reason. Exit status: COMMAND's (128+N if killed by signal N);\n"
	      "  125 cgexec's own error, 126 COMMAND not executable, 127 not found.\n"
	      "  UB_CGROUP2_ROOT=DIR: make the group under DIR, not the cgroup2 mount.\n", stdout);
	return 0;
}

static int bad(const char *msg)
{
	fprintf(stderr, PROG ": %s (usage: " PROG " --cpu-json FILE -- COMMAND [ARGS...])\n", msg);
	return CG_EOWN;
}

int cmd_cgexec(int argc, char **argv)
{
	const char *out_path = NULL;
	int i, go[2], err[2], status, code, child_errno = 0, measured;
	struct ub_cg cg = { .usage = -1 };
	struct sigaction sa = { .sa_handler = forward };
	sigset_t block, old;
	long long t0, wall;
	FILE *out;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage();
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--cpu-json")) {
			if (++i == argc || !*argv[i])
				return bad("--cpu-json needs a FILE");
			out_path = argv[i];
		} else if (!strncmp(argv[i], "--cpu-json=", 11) && argv[i][11]) {
			out_path = argv[i] + 11;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, PROG ": unknown option '%s': only --cpu-json FILE goes "
				"before -- COMMAND\n", argv[i]);
			return CG_EOWN;
		} else {
			break;
		}
	}
	if (!out_path)
		return bad("--cpu-json FILE is required: where the CPU figures go");
	if (i == argc)
		return bad("no COMMAND to run after --");
	/* Open it now: a FILE that can't be written must not cost a whole run. */
	out = fopen(out_path, "we");
	if (!out) {
		fprintf(stderr, PROG ": --cpu-json %s: cannot write: %s\n", out_path, strerror(errno));
		return CG_EOWN;
	}
	ub_cg_make(&cg);
	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
		return CG_EOWN;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
		return CG_EOWN;
	}
	if (pid == 0) {
		char c;

		sigprocmask(SIG_SETMASK, &old, NULL);
		/* cgexec killed (SIGKILL can't be passed on): the command goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(err[0]);
		/* Wait until we are in the group; EOF: the parent died, run nothing. */
		if (read(go[0], &c, 1) != 1)
			_exit(CG_EOWN);
		execvp(argv[i], argv + i);
		child_errno = errno;
		if (write(err[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(CG_EOWN);
		_exit(child_errno == ENOENT ? CG_ENOENT : CG_ENOEXEC);
	}
	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(go[0]);
	close(err[1]);
	if (cg.dir[0])
		ub_cg_join(&cg, pid);
	t0 = now_usec();
	if (write(go[1], "g", 1) != 1)
		fprintf(stderr, PROG ": starting the command: %s\n", strerror(errno));
	close(go[1]);
	if (read(err[0], &child_errno, sizeof(child_errno)) != sizeof(child_errno))
		child_errno = 0;
	close(err[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	wall = now_usec() - t0;
	child_pid = 0;
	ub_cg_finish(&cg);
	if (child_errno)
		fprintf(stderr, PROG ": cannot run %s: %s\n", argv[i], strerror(child_errno));
	code = WIFEXITED(status) ? WEXITSTATUS(status) :
	       WIFSIGNALED(status) ? 128 + WTERMSIG(status) : CG_EOWN;
	measured = cg.dir[0] && cg.usage >= 0 && cg.user >= 0 && cg.system >= 0;
	if (!measured)
		fprintf(stderr, PROG ": note: CPU not measured: %s\n", cg.why);
	if (write_json(out, &cg, measured, wall, code) | fclose(out)) {
		fprintf(stderr, PROG ": --cpu-json %s: writing: %s\n", out_path, strerror(errno));
		return code ? code : CG_EOWN;
	}
	return code;
}
