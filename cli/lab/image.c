// SPDX-License-Identifier: GPL-2.0
/*
 * Packing a staged folder into an initramfs image: its sorted listing (the
 * paths from ".", as find(1) prints them), a content hash over that listing
 * with each entry's mode, type and link target and every file's sha256 (the
 * cache key of the base image), the cpio (newc, root-owned) | gzip -1
 * pipeline, and the pruning of the image cache.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/lab/lab.h"

/* The listing of root, find(1) style from ".", for the hash and for cpio. */
static const char *root;
static char **paths;
static int npaths;
static char *listing;
static size_t llen, lcap;

static int list_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(root);
	char link[PATH_MAX] = "", *line;
	ssize_t n;

	paths = realloc(paths, (npaths + 1) * sizeof(*paths));
	if (!paths)
		lab_die("out of memory");
	paths[npaths++] = lab_printf(".%s", rel);
	if (type == FTW_SL && (n = readlink(path, link, sizeof(link) - 1)) > 0)
		link[n] = 0;
	line = lab_printf(".%s %o %c %s\n", rel, st->st_mode & 07777,
			  type == FTW_D ? 'd' : type == FTW_SL ? 'l' : 'f', link);
	if (llen + strlen(line) + 1 > lcap) {
		listing = realloc(listing, lcap = 2 * (lcap + strlen(line) + 4096));
		if (!listing)
			lab_die("out of memory");
	}
	memcpy(listing + llen, line, strlen(line) + 1);
	llen += strlen(line);
	free(line);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 16 hex digits of sha256 over DIR's listing (lab_list_dir's, just made) and
 * every file's sum; WORK holds the scratch files. */
char *lab_stage_hash(const char *dir, const char *work)
{
	char **argv = calloc(npaths + 2, sizeof(*argv)), *sums, *in, *out, *all;
	int n = 0, st;

	if (!argv)
		lab_die("out of memory");
	argv[n++] = "sha256sum";
	for (int i = 0; i < npaths; i++) {
		char *p = lab_printf("%s/%s", dir, paths[i]);
		struct stat sb;

		if (!lstat(p, &sb) && S_ISREG(sb.st_mode))
			argv[n++] = paths[i];
		free(p);
	}
	argv[n] = NULL;
	{
		/* sha256sum runs in the stage: its lines name ./PATH, not our folder. */
		char *o = lab_printf("%s/stage.sums", work);

		if (lab_run(argv, dir, NULL, o, NULL))
			lab_die("sha256sum failed on the stage");
		sums = lab_read_file(o, NULL);
	}
	in = lab_printf("%s/stage.hashin", work);
	all = lab_printf("%s%s", listing, sums);
	lab_write_file(in, all);
	{
		char *h[] = { "sha256sum", in, NULL };

		out = lab_capture(h, &st);
	}
	if (st || strlen(out) < 16)
		lab_die("sha256sum failed");
	out[16] = 0;
	free(all);
	free(sums);
	free(argv);
	return out;
}

/* cpio (newc, root-owned, sorted) of DIR's listing LIST, gzip -1 into IMG. */
void lab_cpio_gz(const char *dir, const char *list, const char *img, int reproducible)
{
	char *cpio[] = { "cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet",
			 reproducible ? "--reproducible" : NULL, NULL };
	char *gz[] = { "gzip", "-1", NULL };
	int p[2], in = open(list, O_RDONLY | O_CLOEXEC);
	int out = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid_t a, b;

	if (in < 0 || out < 0 || pipe2(p, O_CLOEXEC))
		lab_die("cannot write %s: %s", img, strerror(errno));
	a = lab_spawn(cpio, dir, in, p[1], -1);
	close(p[1]);
	b = lab_spawn(gz, NULL, p[0], out, -1);
	close(p[0]);
	close(in);
	close(out);
	if (lab_wait(a) | lab_wait(b))
		lab_die("cpio | gzip failed writing %s", img);
}

/* A sorted listing of DIR (every path from "."), written to FILE. */
void lab_list_dir(const char *dir, const char *file)
{
	char *text;
	size_t tl = 0;

	root = dir;
	npaths = 0;
	llen = 0;
	if (listing)
		listing[0] = 0;
	if (nftw(dir, list_one, 32, FTW_PHYS))
		lab_die("cannot list %s", dir);
	qsort(paths, npaths, sizeof(*paths), cmp_str);
	for (int i = 0; i < npaths; i++)
		tl += strlen(paths[i]) + 1;
	text = malloc(tl + 1);
	if (!text)
		lab_die("out of memory");
	tl = 0;
	for (int i = 0; i < npaths; i++)
		tl += sprintf(text + tl, "%s\n", paths[i]);
	text[tl] = 0;
	lab_write_file(file, text);
	free(text);
}

static int cmp_mtime_desc(const void *a, const void *b)
{
	struct stat sa, sb;

	if (stat(*(char *const *)a, &sa) || stat(*(char *const *)b, &sb))
		return 0;
	return sa.st_mtime < sb.st_mtime ? 1 : sa.st_mtime > sb.st_mtime ? -1 : 0;
}

/* Keep the newest KEEP images (*.cpio.gz) in DIR. */
void lab_prune_images(const char *dir, int keep)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **imgs = NULL;
	int n = 0;

	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 8 && !strcmp(de->d_name + l - 8, ".cpio.gz")) {
			imgs = realloc(imgs, (n + 1) * sizeof(*imgs));
			if (!imgs)
				lab_die("out of memory");
			imgs[n++] = lab_printf("%s/%s", dir, de->d_name);
		}
	}
	if (d)
		closedir(d);
	qsort(imgs, n, sizeof(*imgs), cmp_mtime_desc);
	for (int i = keep; i < n; i++)
		unlink(imgs[i]);
	free(imgs);
}
