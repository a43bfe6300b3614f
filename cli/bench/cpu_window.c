// SPDX-License-Identifier: GPL-2.0
/*
 * One run's CPU, every thread of it: the run goes into a cgroup v2 group of
 * its own before it execs (cli/cgroup.c, as "uringbpf cgexec"), so cpu.stat
 * counts fio's job thread, io_uring's iou-sqp (SQPOLL) and iou-wrk (io-wq)
 * threads, even those that exited meanwhile; fio's usr_cpu/sys_cpu count
 * only the job thread (RUSAGE_THREAD).
 *
 * Not the whole life of the run: its start-up (fio parses, forks the job,
 * loads the engine, sets up the ring) is not I/O.  The window starts when
 * the group uses more than a third of a core (fio: once its job process
 * exists) and lasts window_us, or to the run's end if sooner.  Also the CPU
 * the rest of the machine used meanwhile (/proc/stat busy minus the run's,
 * and the hypervisor's steal): the noise.  Writes
 *   {"cpu_ns","wall_ns","threads","sys_busy_ns","steal_ns","reason"}
 * with nulls when the window is under 30 ms or there is no cgroup2.
 *
 * The sampler only reads small files between sleeps: forking a tool per
 * sample would steal CPU from the run on 2 saturated cores.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "cli/cgroup.h"

volatile int bench_stop;
static volatile pid_t running;

static void on_signal(int sig)
{
	bench_stop = sig;
	if (running > 0)
		kill(running, sig);
}

void bench_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void sleep_us(long long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR && !bench_stop)
		;
}

/* Nanoseconds all CPUs were busy / stolen since boot (/proc/stat, USER_HZ 100). */
static void sys_ns(long long *busy, long long *steal)
{
	long long us = 0, ni = 0, sy = 0, idle = 0, iow = 0, irq = 0, sirq = 0, st = 0;
	FILE *f = fopen("/proc/stat", "re");

	*busy = *steal = -1;
	if (!f)
		return;
	if (fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &us, &ni, &sy, &idle, &iow,
		   &irq, &sirq, &st) == 8) {
		*busy = (us + ni + sy + irq + sirq + st) * 10000000LL;
		*steal = st * 10000000LL;
	}
	fclose(f);
}

/* A process that is gone or a zombie. */
static int gone(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return !p || p[1] == 0 || p[2] == 'Z';
}

/* fio's job process: the first child of pid (0: none yet). */
static pid_t first_child(pid_t pid)
{
	char path[80], buf[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return atoi(buf);
}

/* The names of the group's threads (their "-N" suffix cut), added to names. */
struct names {
	char v[32][32];
	int n;
};

static void add_thread_names(const struct ub_cg *cg, struct names *nm)
{
	char path[PATH_MAX + 32], comm[64];
	FILE *f;
	int tid;

	snprintf(path, sizeof(path), "%s/cgroup.threads", cg->dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &tid) == 1) {
		char cpath[64], *dash;
		FILE *c;
		int i;

		snprintf(cpath, sizeof(cpath), "/proc/%d/comm", tid);
		c = fopen(cpath, "re");
		if (!c)
			continue;
		if (!fgets(comm, sizeof(comm), c))
			comm[0] = 0;
		fclose(c);
		comm[strcspn(comm, "\n")] = 0;
		dash = strrchr(comm, '-');
		if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
			*dash = 0;
		for (i = 0; i < nm->n && strcmp(nm->v[i], comm); i++)
			;
		if (i == nm->n && nm->n < 32)
			snprintf(nm->v[nm->n++], 32, "%s", comm);
	}
	fclose(f);
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

static long long usage_ns(const struct ub_cg *cg)
{
	long long u = ub_cg_key(cg, "cpu.stat", "usage_usec");

	return u < 0 ? -1 : u * 1000;
}

static void json_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

int bench_run_sampled(char *const argv[], const struct bench_child *c, const char *cpu_json)
{
	struct ub_cg cg = { .usage = -1 };
	struct names nm = { .n = 0 };
	long long c0 = -1, c1 = -1, t0 = 0, t1 = -1, b0 = -1, s0 = -1, b1 = -1, s1 = -1, prev, now;
	int go[2], status = 0, reaped = 0, i;
	pid_t pid, job = 0;
	FILE *f;

	ub_cg_make(&cg);
	if (pipe2(go, O_CLOEXEC))
		bench_die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int out = open(c->stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int err = open(c->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		char ch;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(125);
		/* Wait until we are in the group; EOF: the parent died, run nothing. */
		if (read(go[0], &ch, 1) != 1)
			_exit(125);
		execv(argv[0], argv);
		dprintf(2, "uringbpf bench: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	running = pid;
	close(go[0]);
	if (cg.dir[0])
		ub_cg_join(&cg, pid);
	if (write(go[1], "g", 1) != 1)
		bench_log("starting %s: %s", argv[0], strerror(errno));
	close(go[1]);

#define ENDED() (reaped || (reaped = waitpid(pid, &status, WNOHANG) == pid))
	if (cg.dir[0]) {
		/* fio forks one process per job: its I/O starts there. */
		for (i = 0; c->fio && i < 500 && !ENDED() && !bench_stop; i++) {
			job = first_child(pid);
			if (job)
				break;
			sleep_us(10000);
		}
		prev = now_us();
		c0 = (c->fio && !job) ? -1 : usage_ns(&cg);
		/* Set-up, waiting for fio's go: until it uses a third of a core. */
		for (i = 0; i < 200 && c0 >= 0; i++) {
			long long u;

			sleep_us(20000);
			now = now_us();
			u = usage_ns(&cg);
			if (ENDED() || (job && gone(job)) || u < 0) {
				c0 = -1;
				break;
			}
			if ((u - c0) * 3 / 1000 > now - prev) {
				c0 = u;
				prev = now;
				break;
			}
			c0 = u;
			prev = now;
		}
		t0 = prev;
		sys_ns(&b0, &s0);
		while (c0 >= 0 && !bench_stop) {
			long long u;

			sleep_us(50000);
			now = now_us();
			if (ENDED() || (job && gone(job)))
				break;
			u = usage_ns(&cg);
			if (u < 0)
				break;
			add_thread_names(&cg, &nm);
			sys_ns(&b1, &s1);
			c1 = u;
			t1 = now;
			if (t1 >= t0 + c->window_us)
				break;
		}
	}
	while (!reaped && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	running = 0;
	ub_cg_finish(&cg);

	f = fopen(cpu_json, "we");
	if (!f)
		bench_die("cannot write %s: %s", cpu_json, strerror(errno));
	qsort(nm.v, nm.n, sizeof(nm.v[0]), cmp_str);
	{
		char thr[32 * 33] = "";
		size_t used = 0;

		for (i = 0; i < nm.n; i++)
			used += snprintf(thr + used, sizeof(thr) - used, "%s%s", i ? "," : "",
					 nm.v[i]);
		if (c0 >= 0 && c1 >= 0 && t1 - t0 >= 30000 && b0 >= 0 && b1 >= 0) {
			fprintf(f, "{\"cpu_ns\": %lld, \"wall_ns\": %lld, \"threads\": ", c1 - c0,
				(t1 - t0) * 1000);
			json_escaped(f, thr);
			fprintf(f, ", \"sys_busy_ns\": %lld, \"steal_ns\": %lld, \"reason\": null}\n",
				b1 - b0, s1 - s0);
		} else {
			fputs("{\"cpu_ns\": null, \"wall_ns\": null, \"threads\": ", f);
			json_escaped(f, thr);
			fputs(", \"sys_busy_ns\": null, \"steal_ns\": null, \"reason\": ", f);
			json_escaped(f, !cg.dir[0] && cg.why[0] ? cg.why :
				     "the run ended before a 30 ms window of its I/O");
			fputs("}\n", f);
		}
	}
	if (fclose(f))
		bench_die("cannot write %s: %s", cpu_json, strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}
