// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers of the sweep.  Strings live until the process exits: every
 * one is kept in a list (sw_keep), so the sweep's many short strings need no
 * ownership rules and a leak checker sees them reachable.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"

static void **kept;
static size_t nkept, capkept;

void *sw_keep(void *p)
{
	if (!p) {
		fputs(SW_PROG ": out of memory\n", stderr);
		exit(1);
	}
	if (nkept == capkept) {
		void **n = realloc(kept, (capkept ? capkept * 2 : 256) * sizeof(*n));

		if (!n) {
			fputs(SW_PROG ": out of memory\n", stderr);
			exit(1);
		}
		kept = n;
		capkept = capkept ? capkept * 2 : 256;
	}
	kept[nkept++] = p;
	return p;
}

char *sw_strdup(const char *s)
{
	return sw_keep(strdup(s ? s : ""));
}

char *sw_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return sw_keep(s);
}

/* "sweep: MESSAGE" on stderr, after what stdout has so far. */
static void say(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(SW_PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sw_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	exit(2);
}

void sw_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

char *sw_read_file(const char *path, size_t *len)
{
	size_t cap = 1 << 14, n = 0;
	char *b = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !b) {
		free(b);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (n + 1 >= cap) {
			nb = realloc(b, cap * 2);
			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0) {
				close(fd);
				b[n] = 0;
				if (len)
					*len = n;
				return sw_keep(b);
			}
			break;
		}
		n += r;
	}
	close(fd);
	free(b);
	return NULL;
}

int sw_mkdir_p(const char *path)
{
	char *p = sw_strdup(path), *s;
	struct stat st;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			return -1;
		if (stat(p, &st))
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		*s = c;
		if (!c)
			return 0;
	}
}

char *sw_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return sw_strdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return sw_strdup("/");
	return sw_printf("%.*s", (int)(slash - path), path);
}

const char *sw_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Absolute, symlinks of the existing part resolved, the rest as given. */
char *sw_realpath_m(const char *path)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	char *dir;

	if (realpath(path, buf))
		return sw_strdup(buf);
	dir = sw_dirname(path);
	if (strcmp(dir, path) && strcmp(sw_basename(path), "")) {
		char *d = sw_realpath_m(dir);

		return sw_printf("%s%s%s", d, strcmp(d, "/") ? "/" : "", sw_basename(path));
	}
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return sw_strdup(path);
	return sw_printf("%s/%s", cwd, path);
}

char *sw_fmt_time(long s)
{
	return sw_printf("%ld:%02ld", s / 60, s % 60);
}

long sw_now(void)
{
	return (long)time(NULL);
}

char *sw_date_is(void)
{
	char b[64], z[8];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	return sw_printf("%s%.3s:%s", b, z, z + 3);
}

char *sw_capture(char *const argv[], int *status)
{
	int p[2], st = 0, fd;
	size_t cap = 4096, n = 0;
	char *b;
	ssize_t r;
	pid_t pid;

	*status = 127;
	if (pipe2(p, O_CLOEXEC))
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(p[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		sw_child_signals();
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	b = malloc(cap);
	while (b) {
		if (n + 1 >= cap) {
			char *nb = realloc(b, cap * 2);

			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
		r = read(p[0], b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (!b)
		return NULL;
	b[n] = 0;
	return sw_keep(b);
}

int sw_split_tabs(char *line, char **f, int max)
{
	int n = 0;

	for (char *p = line; n < max;) {
		f[n++] = p;
		p += strcspn(p, "\t");
		if (!*p || n == max)
			break;
		*p++ = 0;
	}
	return n;
}

int sw_is_uint(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int sw_is_posint(const char *s)
{
	return sw_is_uint(s) && strspn(s, "0") < strlen(s);
}

/* bash's printf %q for the strings a fio command holds: backslashes. */
char *sw_shell_quote(const char *s)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_./:=+@%-";
	char *o = sw_keep(malloc(2 * strlen(s) + 3)), *q = o;

	if (!*s)
		return sw_strdup("''");
	for (const char *p = s; *p; p++) {
		/* '~' and '#' are special only where a word starts */
		if (!strchr(safe, *p) && !(p > s && (*p == '~' || *p == '#')))
			*q++ = '\\';
		*q++ = *p;
	}
	*q = 0;
	return o;
}
