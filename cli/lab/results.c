// SPDX-License-Identifier: GPL-2.0
/*
 * After the boot: the tar the guest's /init wrote onto the result disk
 * (out/ = the command's /out, meta/ = status, stdout, stderr, dmesg,
 * seconds, timed_out) into OUT and OUT/.lab, the kernel-log check, and the
 * exit status: the command's, 124 when it timed out in the guest, 125 when
 * the lab failed (then the console's last lines say why).
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/lab/lab.h"

/* Copy FILE to stream F (stdout or stderr). */
static void cat_to(const char *file, FILE *f)
{
	size_t len;
	char *b = lab_read_file(file, &len);

	if (b) {
		fwrite(b, 1, len, f);
		fflush(f);
		free(b);
	}
}

/* FILE's lines matching the POSIX ERE RE: all into OUT (when not NULL), the
 * first into FIRST; returns the number of matches. */
static int grep_file(const char *file, const char *re, FILE *out, char *first, size_t flen)
{
	char *text = lab_read_file(file, NULL), *line, *save;
	regex_t rx;
	int n = 0;

	if (first)
		first[0] = 0;
	if (!text)
		return 0;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB))
		lab_die("bad regex %s", re);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (regexec(&rx, line, 0, NULL, 0))
			continue;
		if (!n && first)
			snprintf(first, flen, "%s", line);
		if (out)
			fprintf(out, "%s\n", line);
		n++;
		if (!out)
			break;
	}
	regfree(&rx);
	free(text);
	return n;
}

/* The console's last 25 lines on stderr, as "  | LINE". */
static void console_tail(const char *console_log)
{
	char *text = lab_read_file(console_log, NULL), *p;
	int lines = 0;

	if (!text)
		return;
	p = text + strlen(text);
	if (p > text && p[-1] == '\n')
		*--p = 0;
	while (p > text && lines < 25)
		if (*--p == '\n')
			lines++;
	if (*p == '\n')
		p++;
	for (char *l = p, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		fprintf(stderr, "  | %.*s\n", nl ? (int)(nl - l) : (int)strlen(l), l);
		if (!nl)
			break;
	}
	free(text);
}

/* Entries under DIR (files and folders, recursively), as find -mindepth 1. */
static int count_entries(const char *dir)
{
	char *argv[] = { "find", (char *)dir, "-mindepth", "1", NULL }, *out;
	int st, n = 0;

	out = lab_capture(argv, &st);
	for (char *c = out; *c; c++)
		n += *c == '\n';
	free(out);
	return n;
}

int lab_results(const struct lab_env *e, const struct lab_opts *o, const char *out, int keep,
		struct lab_boot *b)
{
	char *res = lab_printf("%s/res", e->work), *meta = lab_printf("%s/.lab", out);
	char *console_log = lab_printf("%s/console.log", meta), *status_file, *st, kmsg[1024];
	struct stat sb;
	int status;

	lab_mkdirs(res);
	if (!b->why[0]) {
		char *tar[] = { "tar", "-xf", lab_printf("%s/out.img", e->work), "-C", res, NULL };
		char *err = lab_printf("%s/tar.err", e->work);

		if (lab_run(tar, NULL, "/dev/null", NULL, err)) {
			snprintf(b->why, sizeof(b->why), "the result disk holds no readable tar (%s)",
				 lab_first_line(err));
		} else if (access(lab_printf("%s/meta/status", res), F_OK)) {
			char panic[8];

			snprintf(b->why, sizeof(b->why), "the guest wrote no results");
			if (grep_file(console_log, "Kernel panic", NULL, panic, sizeof(panic)))
				snprintf(b->why, sizeof(b->why), "the guest kernel panicked");
			else if (b->qrc)
				snprintf(b->why, sizeof(b->why),
					 "the guest wrote no results (qemu exited %d: %s)", b->qrc,
					 lab_last_line(lab_printf("%s/qemu.log", e->work)));
		}
	}
	if (b->why[0]) {
		char *dmesg = lab_printf("%s/dmesg", meta);

		/* No dmesg came back: the console carries the kernel log (no "quiet"). */
		if (access(dmesg, F_OK)) {
			FILE *f = fopen(dmesg, "we");

			if (f) {
				grep_file(console_log, "^\\[ *[0-9]+\\.[0-9]+\\]", f, NULL, 0);
				fclose(f);
			}
		}
		if (keep)
			lab_note("%s; console log: %s, kernel log: %s", b->why, console_log, dmesg);
		else
			lab_note("%s", b->why);
		console_tail(console_log);
		if (!keep) {
			char *kept = lab_printf("%s/last-failed-console.log", e->cache);

			if (!lab_copy(console_log, kept))
				lab_note("console log kept as %s", kept);
		}
		return LAB_EX_LAB;
	}

	if (lab_copy(lab_printf("%s/meta/.", res), meta))
		lab_die("cannot copy the results into %s", meta);
	if (!stat(lab_printf("%s/out", res), &sb) && S_ISDIR(sb.st_mode) &&
	    lab_copy(lab_printf("%s/out/.", res), out))
		lab_die("cannot copy the results into %s", out);
	status_file = lab_printf("%s/status", meta);
	st = lab_first_line(status_file);
	status = atoi(st);
	if (grep_file(lab_printf("%s/dmesg", meta), LAB_KLOG_BAD, NULL, kmsg, sizeof(kmsg)))
		lab_note("the guest kernel log reports: %s (see %s/dmesg)", kmsg, meta);
	if (!o->interactive && !o->console) {
		cat_to(lab_printf("%s/stdout", meta), stdout);
		cat_to(lab_printf("%s/stderr", meta), stderr);
	}
	if (!keep) {
		int n = count_entries(lab_printf("%s/out", res));

		if (n)
			lab_note("the command left %d file(s) in /out; use --out DIR to keep them", n);
	}
	if (!access(lab_printf("%s/timed_out", meta), F_OK)) {
		lab_note("the command timed out after %lds in the guest", o->timeout - 30);
		return LAB_EX_TIMEOUT;
	}
	return status;
}
