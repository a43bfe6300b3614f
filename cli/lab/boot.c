// SPDX-License-Identifier: GPL-2.0
/*
 * Booting the guest: QEMU's command line, one watched non-interactive boot
 * (fresh disks; the console, a file, is read as it grows for "lab: init" at a
 * line start and, with --console, copied to stdout; QEMU is killed when the
 * guest does not reach /init within the boot timeout or does not finish
 * within --timeout), and the interactive boot of "shell".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/lab/lab.h"

volatile int lab_stop;	/* SIGINT/SIGTERM/SIGHUP arrived: stop QEMU, clean up */

char **lab_qemu_argv(const struct lab_env *e, const struct lab_opts *o,
		     const struct lab_kernel *k, const char *initrd, const char *append)
{
	char **a = calloc(40, sizeof(*a));
	int n = 0;

	if (!a)
		lab_die("out of memory");
	a[n++] = (char *)e->qemu;
	a[n++] = "-accel";
	a[n++] = lab_printf("tcg,thread=%s", e->tcg);
	a[n++] = "-cpu";
	a[n++] = "max";
	a[n++] = "-smp";
	a[n++] = (char *)o->smp;
	a[n++] = "-m";
	a[n++] = (char *)o->mem;
	a[n++] = "-nodefaults";
	a[n++] = "-display";
	a[n++] = "none";
	a[n++] = "-no-reboot";
	a[n++] = "-kernel";
	a[n++] = (char *)k->vmlinuz;
	a[n++] = "-initrd";
	a[n++] = (char *)initrd;
	a[n++] = "-append";
	a[n++] = (char *)append;
	a[n++] = "-drive";
	a[n++] = lab_printf("file=%s/nvme.img,if=none,id=nvm,format=raw", e->work);
	a[n++] = "-device";
	a[n++] = "nvme,serial=uringbpf-lab,drive=nvm";
	a[n++] = "-drive";
	a[n++] = lab_printf("file=%s/out.img,if=none,id=res,format=raw", e->work);
	a[n++] = "-device";
	a[n++] = "virtio-blk-pci,drive=res";
	a[n] = NULL;
	return a;
}

/* Fresh, sparse disks of the asked sizes. */
static void fresh_disks(const struct lab_env *e, const struct lab_opts *o)
{
	const char *names[] = { "nvme.img", "out.img" };
	unsigned long long sizes[] = { o->nvme_bytes, o->out_bytes };

	for (int i = 0; i < 2; i++) {
		char *p = lab_printf("%s/%s", e->work, names[i]);
		int fd;

		unlink(p);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || ftruncate(fd, sizes[i]) || close(fd))
			lab_die("cannot make %s (%s): %s", p, i ? "--out-size" : "--nvme-size",
				strerror(errno));
		free(p);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The console's growth since the last call: copied to stdout when asked,
 * scanned for "lab: init" at a line start (across reads: *at_bol, *matched). */
struct console_watch {
	int fd;
	int at_bol;		/* the next byte starts a line */
	size_t matched;		/* bytes of "lab: init" matched at this line's start */
	int stream;
};

static int console_read(struct console_watch *w)
{
	static const char key[] = "lab: init";
	char buf[8192];
	ssize_t r;
	int seen = 0;

	while ((r = read(w->fd, buf, sizeof(buf))) > 0) {
		if (w->stream && write(1, buf, r) < 0)
			w->stream = 0;
		for (ssize_t i = 0; i < r; i++) {
			char c = buf[i];

			if (w->at_bol || w->matched) {
				if (w->matched < sizeof(key) - 1 && c == key[w->matched]) {
					if (++w->matched == sizeof(key) - 1)
						seen = 1;
				} else {
					w->matched = 0;
				}
			}
			w->at_bol = c == '\n';
		}
	}
	return seen;
}

static void stop_qemu(pid_t pid, int *st)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 10; i++) {
		if (waitpid(pid, st, WNOHANG) == pid)
			return;
		poll(NULL, 0, 100);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, st, 0) < 0 && errno == EINTR)
		;
}

void lab_boot_once(const struct lab_env *e, const struct lab_opts *o, char **qemu,
		   const char *console_log, struct lab_boot *b)
{
	char **argv;
	int n = 0, st = 0, qlog, dn, done = 0;
	struct console_watch w = { .at_bol = 1, .stream = o->console };
	double t0;
	pid_t pid;

	fresh_disks(e, o);
	lab_write_file(console_log, "");
	*b = (struct lab_boot){ 0 };
	while (qemu[n])
		n++;
	argv = calloc(n + 5, sizeof(*argv));
	if (!argv)
		lab_die("out of memory");
	memcpy(argv, qemu, n * sizeof(*argv));
	argv[n++] = "-serial";
	argv[n++] = lab_printf("file:%s", console_log);
	argv[n++] = "-monitor";
	argv[n++] = "none";
	qlog = open(lab_printf("%s/qemu.log", e->work), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
	dn = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (qlog < 0 || dn < 0)
		lab_die("cannot open %s/qemu.log: %s", e->work, strerror(errno));
	t0 = now();
	pid = lab_spawn(argv, NULL, dn, qlog, qlog);
	close(qlog);
	close(dn);
	w.fd = open(console_log, O_RDONLY | O_CLOEXEC);
	if (w.fd < 0)
		lab_die("cannot read %s: %s", console_log, strerror(errno));
	while (!done) {
		double el;
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			done = 1;
		if (console_read(&w))
			b->booted = 1;
		if (done)
			break;
		el = now() - t0;
		if (!b->booted && el >= e->boot_timeout)
			snprintf(b->why, sizeof(b->why),
				 "the guest did not reach /init within %lds", e->boot_timeout);
		else if (el >= o->timeout)
			snprintf(b->why, sizeof(b->why),
				 "the guest did not finish within %lds (hang?)", o->timeout);
		else if (lab_stop)
			snprintf(b->why, sizeof(b->why), "interrupted");
		if (b->why[0]) {
			stop_qemu(pid, &st);
			break;
		}
		poll(NULL, 0, 250);
	}
	if (console_read(&w))
		b->booted = 1;
	close(w.fd);
	b->qrc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	free(argv);
}

/* "shell": QEMU on our terminal (its console logged), until poweroff. */
void lab_boot_shell(const struct lab_env *e, const struct lab_opts *o, char **qemu,
		    const char *console_log, struct lab_boot *b)
{
	char **argv;
	int n = 0;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;

	fresh_disks(e, o);
	*b = (struct lab_boot){ .booted = 1 };
	while (qemu[n])
		n++;
	argv = calloc(n + 7, sizeof(*argv));
	if (!argv)
		lab_die("out of memory");
	memcpy(argv, qemu, n * sizeof(*argv));
	argv[n++] = "-chardev";
	argv[n++] = lab_printf("stdio,id=con,mux=on,signal=off,logfile=%s", console_log);
	argv[n++] = "-serial";
	argv[n++] = "chardev:con";
	argv[n++] = "-mon";
	argv[n++] = "chardev=con";
	/* Ctrl-C is the guest's (signal=off): QEMU's terminal, not ours. */
	sigaction(SIGINT, &ign, &old);
	b->qrc = lab_wait(lab_spawn(argv, NULL, -1, -1, -1));
	sigaction(SIGINT, &old, NULL);
	free(argv);
}

/* The console's first "Oops: ..." (up to a '[') or "Kernel panic..." text. */
void lab_panic_line(const char *console_log, char *buf, size_t len)
{
	char *text = lab_read_file(console_log, NULL), *line, *save;

	buf[0] = 0;
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *oops = strstr(line, "Oops: "), *panic = strstr(line, "Kernel panic");

		line[strcspn(line, "\r")] = 0;
		if (oops && (!panic || oops < panic)) {
			snprintf(buf, len, "%.*s", (int)strcspn(oops, "["), oops);
			break;
		}
		if (panic) {
			snprintf(buf, len, "%s", panic);
			break;
		}
	}
	free(text);
}
