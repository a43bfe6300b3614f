// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's initramfs, in two parts the kernel unpacks in turn:
 *  - the base image, cached under $cache/initrd/REL-HASH.cpio.gz by the
 *    content hash of its stage (the newest 8 kept): static busybox, the
 *    guest's /init and lab-modprobe (scripts/lab-guest/), the kernel modules
 *    with their deps file, fio with t/io_uring and fio's engines, sqlite3,
 *    our engine, the build folder's programs and BPF objects, build/tests/t-*,
 *    the shared libraries they all need, the ASan fio wrapper, profiles/ and
 *    tests/lab/guest/;
 *  - the run's own: /lab/run/{cmd,cmd.txt,env} and the --file copies.
 * objcopy and ldd do what they do; what goes where is here (packing and the
 * cache's hash: image.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/lab/lab.h"

/* Modules in every initramfs (their dependencies are added). */
static const char *const lab_modules[] = { "virtio_blk", "null_blk", "ublk_drv", "nvme_loop" };
#define INITRD_KEEP 8
/* The ASan runtime's options for fio under an ASan engine (tests/lib.sh uses
 * the same on the host). */
#define ASAN_OPTIONS_DEFAULT "detect_leaks=1:abort_on_error=0:exitcode=23"

static const char *stage;
static char **elfs;		/* ELF files copied: their libraries follow them */
static int nelfs;

static int is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static int is_exec_file(const char *p) { return is_file(p) && !access(p, X_OK); }

/* An ELF file at DST in the stage, debug info stripped, SRC's mode. */
static void copy_elf(const char *src, const char *dst)
{
	char *to = lab_printf("%s%s", stage, dst), *dir = lab_printf("%s", to);
	char *strip[] = { "objcopy", "--strip-debug", (char *)src, to, NULL };
	struct stat st;

	*strrchr(dir, '/') = 0;
	lab_mkdirs(dir);
	if (lab_run(strip, NULL, NULL, "/dev/null", "/dev/null") && lab_copy(src, to))
		lab_die("cannot copy %s into the guest", src);
	if (!stat(src, &st))
		chmod(to, st.st_mode & 07777);
	elfs = realloc(elfs, (nelfs + 1) * sizeof(*elfs));
	if (!elfs)
		lab_die("out of memory");
	elfs[nelfs++] = lab_printf("%s", src);
	free(dir);
	free(to);
}

/* Each library path ldd names for FILE, also the interpreter's:
 * "lib.so => /path (0x...)" and "/path (0x...)". */
static void ldd_paths(const char *file, void (*fn)(const char *lib, const char *name))
{
	char *argv[] = { "ldd", (char *)file, NULL }, *out, *line, *save;
	int st;

	out = lab_capture(argv, &st);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX];
		int n = sscanf(line, " %4095s %4095s %4095s", a, b, c);

		if (n == 3 && !strcmp(b, "=>") && c[0] == '/')
			fn(c, a);
		else if (n >= 2 && a[0] == '/' && !strncmp(b, "(0x", 3))
			fn(a, a);
	}
	free(out);
}

static void copy_lib(const char *lib, const char *name)
{
	char *to = lab_printf("%s%s", stage, lib), *dir = lab_printf("%s", to);
	char *strip[] = { "objcopy", "--strip-debug", (char *)lib, to, NULL };
	char *cp[] = { "cp", "-L", (char *)lib, to, NULL };

	if (access(to, F_OK)) {
		*strrchr(dir, '/') = 0;
		lab_mkdirs(dir);
		if (lab_run(strip, NULL, NULL, "/dev/null", "/dev/null") &&
		    lab_run(cp, NULL, NULL, NULL, NULL))
			lab_die("cannot copy %s into the guest", lib);
	}
	free(dir);
	free(to);
}

/* The sanitizer runtimes an engine links, space-separated ("" = none). */
static char preload[4 * PATH_MAX];

static void note_sanitizer(const char *lib, const char *name)
{
	if (strncmp(name, "libasan.so", 10) && strncmp(name, "libubsan.so", 11))
		return;
	if (strlen(preload) + strlen(lib) + 2 < sizeof(preload))
		snprintf(preload + strlen(preload), sizeof(preload) - strlen(preload), "%s%s",
			 preload[0] ? " " : "", lib);
}

int lab_engine_is_asan(const char *engine)
{
	preload[0] = 0;
	ldd_paths(engine, note_sanitizer);
	return strstr(preload, "libasan") != NULL;
}

/*
 * When the staged engine is an ASan build (make check-asan's build-asan/),
 * fio must load the ASan runtime before anything else: the guest's fio
 * becomes a wrapper that preloads the runtimes the engine links (already
 * staged with the engine's libraries) and exits non-zero on any report,
 * leaks included (fio's own: tests/asan/lsan.supp).
 */
static void asan_fio_wrapper(const struct lab_env *e)
{
	char *fio = lab_printf("%s/usr/local/bin/fio", stage), *bin, *supp, *to, *etc;

	if (!is_file(lab_printf("%s/usr/local/lib/fio/fio-uringbpf.so", stage)) || !is_file(fio))
		return;
	preload[0] = 0;
	ldd_paths(e->engine, note_sanitizer);
	if (!preload[0])
		return;
	bin = lab_printf("%s.bin", fio);
	if (rename(fio, bin))
		lab_die("cannot rename %s: %s", fio, strerror(errno));
	etc = lab_printf("%s/etc/uringbpf", stage);
	lab_mkdirs(etc);
	supp = lab_printf("%s/tests/asan/lsan.supp", e->root);
	to = lab_printf("%s/lsan.supp", etc);
	if (lab_copy(supp, to))
		lab_die("the ASan engine needs %s", supp);
	lab_write_file(fio, lab_printf(
"#!/bin/sh\n"
"# fio with the ASan runtime first, for the ASan engine (written by uringbpf lab).\n"
"export ASAN_OPTIONS=${ASAN_OPTIONS:-" ASAN_OPTIONS_DEFAULT "}\n"
"export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=/etc/uringbpf/lsan.supp:print_suppressions=0}\n"
"export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}\n"
"LD_PRELOAD=\"%s\" exec /usr/local/bin/fio.bin \"$@\"\n", preload));
	chmod(fio, 0755);
	lab_write_file(lab_printf("%s/engine-build", etc), "asan\n");
}

/* fio, t/io_uring and fio's dynamic engines (libaio: a peer in "uringbpf
 * bench --lab"), where this fio (--dynamic-libengines) looks for them. */
static void stage_fio(const struct lab_env *e)
{
	char *dir, *p;
	DIR *d;
	struct dirent *de;

	if (!e->fio || !is_exec_file(e->fio)) {
		lab_note("no fio at %s (scripts/install-deps.sh builds it): the guest has none",
			 e->fio ? e->fio : "UB_FIO or on PATH");
		return;
	}
	copy_elf(e->fio, "/usr/local/bin/fio");
	dir = lab_printf("%s", e->fio);
	*strrchr(dir, '/') = 0;
	p = lab_printf("%s/t/io_uring", dir);
	if (is_exec_file(p))
		copy_elf(p, "/usr/local/bin/t-io_uring");
	p = lab_printf("%s/engines", dir);
	d = opendir(p);
	while (d && (de = readdir(d))) {
		char *f = lab_printf("%s/%s", p, de->d_name);

		if (!strncmp(de->d_name, "fio-", 4) && strstr(de->d_name, ".so") &&
		    !strcmp(strstr(de->d_name, ".so"), ".so") && is_file(f))
			copy_elf(f, lab_printf("/usr/local/lib/fio/%s", de->d_name));
		free(f);
	}
	if (d)
		closedir(d);
}

/* Our build: the engine where fio looks for external:uringbpf, the build
 * folder's programs and BPF objects under /lab/build, and the C test
 * programs (build/tests/t-*) that guest tests run. */
static void stage_build(const struct lab_env *e)
{
	const char *dirs[] = { e->build, lab_printf("%s/tests", e->build) };
	const char *dsts[] = { "/lab/build", "/lab/build/tests" };
	char *objs = lab_printf("%s/lab/build", stage);

	if (is_file(e->engine))
		copy_elf(e->engine, "/usr/local/lib/fio/fio-uringbpf.so");
	for (int k = 0; k < 2; k++) {
		DIR *d = opendir(dirs[k]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char *f = lab_printf("%s/%s", dirs[k], de->d_name);
			size_t n = strlen(de->d_name);

			if (!is_file(f)) {
				free(f);
				continue;
			}
			if (k == 0 && n > 6 && !strcmp(de->d_name + n - 6, ".bpf.o")) {
				if (lab_copy(f, objs))
					lab_die("cannot copy %s into the guest", f);
			} else if (k == 0 ? !access(f, X_OK) && lab_is_elf(f, NULL)
					  : !strncmp(de->d_name, "t-", 2) && !access(f, X_OK)) {
				copy_elf(f, lab_printf("%s/%s", dsts[k], de->d_name));
			}
			free(f);
		}
		if (d)
			closedir(d);
	}
}

static void put(const char *rel, const char *text)
{
	lab_write_file(lab_printf("%s%s", stage, rel), text);
}

/* The base image's path (under $cache/initrd/). */
const char *lab_build_initrd(const struct lab_env *e, const struct lab_kernel *k)
{
	static const char *const dirs[] = { "bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin",
		"usr/local/lib/fio", "proc", "sys", "dev", "tmp", "root", "etc", "lab/build",
		"lab/tests/lab", "lib/modules/lab" };
	char *st = lab_printf("%s/stage", e->work), *hash, *img, *tmp, *list, *cdir;
	int is_static;

	stage = st;
	nelfs = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		lab_mkdirs(lab_printf("%s/%s", st, dirs[i]));
	chmod(lab_printf("%s/tmp", st), 01777);

	if (!lab_is_elf(e->busybox, &is_static) || !is_static)
		lab_die("%s is not a static busybox (apt-get install busybox-static)", e->busybox);
	if (lab_copy(e->busybox, lab_printf("%s/bin/busybox", st)) ||
	    symlink("busybox", lab_printf("%s/bin/sh", st)))	/* the applets' links are made by /init */
		lab_die("cannot copy %s into the guest", e->busybox);
	/* The guest's /init and its module loader are files of the data root. */
	if (lab_copy(lab_printf("%s/scripts/lab-guest/init", e->root), lab_printf("%s/init", st)) ||
	    lab_copy(lab_printf("%s/scripts/lab-guest/lab-modprobe", e->root),
		     lab_printf("%s/usr/local/bin/lab-modprobe", st)))
		lab_die("cannot copy the guest's init from %s/scripts/lab-guest", e->root);
	chmod(lab_printf("%s/init", st), 0755);
	chmod(lab_printf("%s/usr/local/bin/lab-modprobe", st), 0755);
	put("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
	put("/etc/group", "root:x:0:\n");

	for (size_t i = 0; i < sizeof(lab_modules) / sizeof(lab_modules[0]); i++)
		lab_add_module(st, k->moddir, lab_modules[i]);

	stage_fio(e);
	if (lab_which("sqlite3"))
		copy_elf(lab_which("sqlite3"), "/usr/local/bin/sqlite3");
	stage_build(e);
	for (int i = 0; i < nelfs; i++)
		ldd_paths(elfs[i], copy_lib);
	asan_fio_wrapper(e);

	cdir = lab_printf("%s/profiles", e->root);
	if (!access(cdir, F_OK) && lab_copy(cdir, lab_printf("%s/lab/", st)))
		lab_die("cannot copy %s into the guest", cdir);
	cdir = lab_printf("%s/tests/lab/guest", e->root);
	if (!access(cdir, F_OK) && lab_copy(cdir, lab_printf("%s/lab/tests/lab/", st)))
		lab_die("cannot copy %s into the guest", cdir);

	list = lab_printf("%s/stage.list", e->work);
	lab_list_dir(st, list);
	hash = lab_stage_hash(st, e->work);
	cdir = lab_printf("%s/initrd", e->cache);
	img = lab_printf("%s/%s-%s.cpio.gz", cdir, k->release, hash);
	if (access(img, F_OK)) {
		lab_mkdirs(cdir);
		tmp = lab_printf("%s.tmp.%d", img, (int)getpid());
		lab_cpio_gz(st, list, tmp, 1);
		if (rename(tmp, img))
			lab_die("cannot write %s: %s", img, strerror(errno));
		lab_prune_images(cdir, INITRD_KEEP);
	}
	lab_rm_rf(st);
	return img;
}

/* sh_quote: ARG quoted for a POSIX shell. */
static char *sh_quote(const char *a)
{
	size_t n = 3;
	char *q, *o;

	for (const char *c = a; *c; c++)
		n += *c == '\'' ? 4 : 1;
	q = o = malloc(n);
	if (!q)
		lab_die("out of memory");
	*o++ = '\'';
	for (const char *c = a; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	*o++ = '\'';
	*o = 0;
	return q;
}

/*
 * The run's files (command, settings, --file copies) as a second cpio after
 * the cached BASE in INITRD (the kernel unpacks both).
 */
void lab_build_run_initrd(const struct lab_env *e, const struct lab_opts *o,
			  const struct lab_kernel *k, const char *base, const char *initrd)
{
	char *rs = lab_printf("%s/runstage", e->work), *run = lab_printf("%s/lab/run", rs);
	char *cmd = lab_printf("%s", o->interactive ? ": interactive" : "exec"), *txt;
	char *list = lab_printf("%s/run.list", e->work), *gz = lab_printf("%s/run.cpio.gz", e->work);

	lab_mkdirs(run);
	txt = lab_printf("%s", "");
	for (int i = 0; i < o->ncmd; i++) {
		char *q = sh_quote(o->cmd[i]);

		cmd = lab_printf("%s %s", cmd, q);
		txt = lab_printf("%s%s%s", txt, i ? " " : "", o->cmd[i]);
		free(q);
	}
	lab_write_file(lab_printf("%s/cmd", run), lab_printf("%s\n", cmd));
	lab_write_file(lab_printf("%s/cmd.txt", run), lab_printf("%s\n", txt));
	lab_write_file(lab_printf("%s/env", run), lab_printf(
		"export LAB_NULL_BLK='%s'\nLAB_CMD_TIMEOUT=%ld\nLAB_INTERACTIVE=%d\n"
		"export LAB_POLL_QUEUES=%lu LAB_KERNEL='%s'\n",
		o->null_blk, o->timeout - 30, o->interactive, o->poll_queues, k->release));
	for (int i = 0; i < o->nfiles; i++) {
		const char *f = o->files[i], *colon = strchr(f, ':');
		char *src = colon ? lab_printf("%.*s", (int)(colon - f), f) : lab_printf("%s", f);
		char *dst = colon ? lab_printf("%s", colon + 1) : lab_printf("%s", strrchr(f, '/') ?
						strrchr(f, '/') + 1 : f);
		char *to, *dir;

		if (dst[0] != '/')
			dst = lab_printf("/lab/%s", dst);
		to = lab_printf("%s%s", rs, dst);
		dir = lab_printf("%s", to);
		*strrchr(dir, '/') = 0;
		lab_mkdirs(dir);
		if (lab_copy(src, to))
			lab_die("--file %s: cannot copy it into the guest", src);
	}
	lab_list_dir(rs, list);
	lab_cpio_gz(rs, list, gz, 0);
	{
		char *cat[] = { "cat", (char *)base, gz, NULL };

		if (lab_run(cat, NULL, NULL, initrd, NULL))
			lab_die("cannot write %s", initrd);
	}
}
