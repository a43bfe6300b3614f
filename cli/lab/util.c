// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's process and file helpers: spawn a standard tool with its stdio
 * where wanted, capture its output, read and write small files.  A failure
 * of the lab's own plumbing (fork, out of memory) is lab_die(): exit 125.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/lab/lab.h"

void lab_vnote(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("lab: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void lab_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lab_vnote(fmt, ap);
	va_end(ap);
}

char *lab_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		lab_die("out of memory");
	return s;
}

/* Start argv[0] (searched on PATH) in cwd with in/out/err as its 0/1/2
 * (-1: inherited). */
pid_t lab_spawn(char *const argv[], const char *cwd, int in, int out, int err)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		lab_die("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
		    (err >= 0 && dup2(err, 2) < 0))
			_exit(127);
		if (cwd && chdir(cwd))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "lab: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Its exit status, or 128 + the signal that ended it. */
int lab_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int open_or(const char *path, int flags)
{
	int fd;

	if (!path)
		return -1;
	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		lab_die("cannot open %s: %s", path, strerror(errno));
	return fd;
}

/* Run argv to its end with stdin/stdout/stderr from/to files (NULL: inherited). */
int lab_run(char *const argv[], const char *cwd, const char *in, const char *out, const char *err)
{
	int fi = open_or(in, O_RDONLY), fo = open_or(out, O_WRONLY | O_CREAT | O_TRUNC);
	int fe = open_or(err, O_WRONLY | O_CREAT | O_TRUNC);
	int rc = lab_wait(lab_spawn(argv, cwd, fi, fo, fe));

	if (fi >= 0)
		close(fi);
	if (fo >= 0)
		close(fo);
	if (fe >= 0)
		close(fe);
	return rc;
}

/* argv's standard output (its stderr discarded); *status its exit status. */
char *lab_capture(char *const argv[], int *status)
{
	int p[2], dn = open("/dev/null", O_WRONLY | O_CLOEXEC);
	size_t n = 0, cap = 4096;
	char *b = malloc(cap);
	pid_t pid;
	ssize_t r;

	if (!b || pipe2(p, O_CLOEXEC))
		lab_die("out of memory or pipes");
	pid = lab_spawn(argv, NULL, -1, p[1], dn);
	close(p[1]);
	close(dn);
	for (;;) {
		if (n + 1 >= cap) {
			b = realloc(b, cap *= 2);
			if (!b)
				lab_die("out of memory");
		}
		r = read(p[0], b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	b[n] = 0;
	close(p[0]);
	*status = lab_wait(pid);
	return b;
}

/* The whole file, NUL-terminated (*len its size); NULL when unreadable. */
char *lab_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 4096, r;
	char *b;

	if (!f)
		return NULL;
	b = malloc(cap);
	while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 >= cap)
			b = realloc(b, cap *= 2);
	}
	fclose(f);
	if (!b)
		lab_die("out of memory");
	b[n] = 0;
	if (len)
		*len = n;
	return b;
}

void lab_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f))
		lab_die("cannot write %s: %s", path, strerror(errno));
}

/* mkdir -p */
void lab_mkdirs(const char *path)
{
	char *p = lab_printf("%s", path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			lab_die("cannot make %s: %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		lab_die("cannot make %s: %s", p, strerror(errno));
	free(p);
}

/* cp -r SRC DST (a file or a folder); 0 on success. */
int lab_copy(const char *src, const char *dst)
{
	char *argv[] = { "cp", "-r", (char *)src, (char *)dst, NULL };

	return lab_run(argv, NULL, NULL, NULL, NULL);
}

void lab_rm_rf(const char *path)
{
	char *argv[] = { "rm", "-rf", (char *)path, NULL };

	lab_run(argv, NULL, NULL, NULL, NULL);
}

/*
 * 1 when path is an ELF file (its magic), 0 if not; *is_static (when asked)
 * says it has no program interpreter (PT_INTERP), i.e. it is statically linked.
 */
int lab_is_elf(const char *path, int *is_static)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(path, O_RDONLY | O_CLOEXEC), elf = 0;

	if (is_static)
		*is_static = 0;
	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		elf = 1;
		if (is_static && eh.e_ident[EI_CLASS] == ELFCLASS64) {
			*is_static = 1;
			for (int i = 0; i < eh.e_phnum; i++) {
				if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) !=
				    sizeof(ph)) {
					*is_static = 0;
					break;
				}
				if (ph.p_type == PT_INTERP)
					*is_static = 0;
			}
		}
	}
	close(fd);
	return elf;
}

/* NAME's path on $PATH (an executable file), or NULL. */
const char *lab_which(const char *name)
{
	const char *path = getenv("PATH");
	char *dup, *save, *dir;

	if (!path)
		return NULL;
	dup = lab_printf("%s", path);
	for (dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = lab_printf("%s/%s", *dir ? dir : ".", name);
		struct stat st;

		if (!stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK)) {
			free(dup);
			return p;
		}
		free(p);
	}
	free(dup);
	return NULL;
}

/* "512M", "1G", "4096": bytes, with binary K/M/G/T suffixes as truncate(1). */
int lab_parse_size(const char *s, unsigned long long *bytes)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 0: break;
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: return -1;
	}
	if (*end || v == 0 || v > (~0ULL >> shift))
		return -1;
	*bytes = v << shift;
	return 0;
}

/* The file's first / last non-empty line (malloc'd, "" when none). */
char *lab_first_line(const char *path)
{
	char *b = lab_read_file(path, NULL);

	if (!b)
		return lab_printf("%s", "");
	b[strcspn(b, "\n")] = 0;
	return b;
}

char *lab_last_line(const char *path)
{
	char *b = lab_read_file(path, NULL), *end, *s, *r;

	if (!b)
		return lab_printf("%s", "");
	end = b + strlen(b);
	while (end > b && end[-1] == '\n')
		*--end = 0;
	s = strrchr(b, '\n');
	r = lab_printf("%s", s ? s + 1 : b);
	free(b);
	return r;
}
