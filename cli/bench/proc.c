// SPDX-License-Identifier: GPL-2.0
/*
 * Running the tools bench needs besides the runs themselves (fio --version,
 * the IOPOLL probe, losetup, git describe): fork, exec, wait; their output
 * to a file or captured.  No shell in between.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/bench/bench.h"

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void redirect(const char *path, int fd)
{
	int f;

	if (!path)
		return;
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f < 0 || dup2(f, fd) < 0)
		_exit(127);
}

int bench_spawn(char *const argv[], const char *out_path, const char *err_path)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		redirect(out_path, 1);
		if (err_path && !strcmp(err_path, "="))
			dup2(1, 2);
		else
			redirect(err_path, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return wait_status(pid);
}

int bench_capture(char *const argv[], char *buf, size_t len)
{
	int p[2], rc;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	buf[0] = 0;
	if (pipe2(p, O_CLOEXEC))
		return 127;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return 127;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (dup2(p[1], 1) < 0 || null < 0 || dup2(null, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (n + 1 < len && (got = read(p[0], buf + n, len - 1 - n)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += got;
	}
	/* The rest (beyond len) is read and dropped, so the tool never blocks. */
	{
		char drop[4096];

		while ((got = read(p[0], drop, sizeof(drop))) > 0 || (got < 0 && errno == EINTR))
			;
	}
	close(p[0]);
	rc = wait_status(pid);
	buf[n] = 0;
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	return rc;
}
