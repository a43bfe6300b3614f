/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf lab: the QEMU kernel lab (Linux 7.3 under TCG, an emulated NVMe
 * drive, a result disk).  The kernel itself is fetched and verified by the
 * installing script scripts/lab (its "ensure" entry); everything else is
 * here: options (options.c), the kernel manifest (kernel.c), the initramfs
 * (initrd.c, modules.c, image.c), the boot (boot.c), the results
 * (results.c), small process and file helpers (util.c), and the command
 * (lab.c).
 *
 * Exit codes of "run": the command's status; 124 the command timed out in
 * the guest; 125 the lab itself failed; 2 a usage error.
 */
#ifndef UB_CLI_LAB_H
#define UB_CLI_LAB_H

#include <limits.h>
#include <stdio.h>
#include <stdarg.h>
#include <sys/types.h>

#define LAB_EX_TIMEOUT 124
#define LAB_EX_LAB 125
#define LAB_EX_USAGE 2

/* What in the guest's kernel log fails a run (POSIX extended regex). */
#define LAB_KLOG_BAD "WARNING:|BUG:|Oops|Kernel panic|general protection|KASAN|UBSAN|kernel BUG"

/* run/shell options, with scripts/lab's defaults. */
struct lab_opts {
	int interactive;		/* shell */
	unsigned long poll_queues;	/* nvme.poll_queues */
	const char *null_blk;		/* null_blk parameters; "" = not loaded */
	const char *mem, *smp;
	const char *nvme_size, *out_size;
	unsigned long long nvme_bytes, out_bytes;
	long timeout;			/* whole boot, seconds; the command gets timeout - 30 */
	const char *out;		/* --out DIR, or NULL */
	const char **files;		/* --file SRC[:DST] */
	int nfiles;
	int console;			/* stream the console */
	char **cmd;			/* after "--" */
	int ncmd;
};

/* Where things are: the data root and the UB_* environment. */
struct lab_env {
	const char *root;		/* data root: scripts/lab, scripts/lab-guest, profiles */
	const char *cache;		/* $URINGBPF_CACHE/lab */
	const char *build;		/* UB_BUILD */
	const char *fio;		/* UB_FIO, or NULL: the guest has none */
	const char *engine;		/* UB_ENGINE */
	const char *qemu;		/* UB_QEMU, or NULL */
	const char *busybox;		/* UB_BUSYBOX */
	const char *tcg;		/* UB_LAB_TCG: single | multi */
	long boot_timeout;		/* UB_LAB_BOOT_TIMEOUT */
	const char *work;		/* this run's scratch folder */
};

/* The verified kernel, from $cache/kernel.manifest. */
struct lab_kernel {
	char release[256];
	char binary_version[256];
	char vmlinuz[PATH_MAX];
	char moddir[PATH_MAX];		/* .../usr/lib/modules/REL/kernel */
};

/* lab.c */
int cmd_lab(int argc, char **argv, const char *root);
int lab_run_child(int argc, char **argv, const char *root);
void lab_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* options.c */
void lab_usage(FILE *f);
int lab_parse(int argc, char **argv, struct lab_opts *o);

/* kernel.c */
int lab_ensure_kernel(const struct lab_env *e);
void lab_read_kernel(const struct lab_env *e, struct lab_kernel *k);

/* modules.c */
void lab_add_module(const char *stage, const char *moddir, const char *name);

/* initrd.c */
const char *lab_build_initrd(const struct lab_env *e, const struct lab_kernel *k);
void lab_build_run_initrd(const struct lab_env *e, const struct lab_opts *o,
			  const struct lab_kernel *k, const char *base, const char *initrd);
int lab_engine_is_asan(const char *engine);

/* image.c */
void lab_list_dir(const char *dir, const char *file);
char *lab_stage_hash(const char *dir, const char *work);
void lab_cpio_gz(const char *dir, const char *list, const char *img, int reproducible);
void lab_prune_images(const char *dir, int keep);

/* boot.c */
struct lab_boot {
	int booted;			/* the console printed "lab: init" */
	int qrc;			/* QEMU's exit status */
	char why[512];			/* the lab's failure, "" = none */
};
char **lab_qemu_argv(const struct lab_env *e, const struct lab_opts *o,
		     const struct lab_kernel *k, const char *initrd, const char *append);
void lab_boot_once(const struct lab_env *e, const struct lab_opts *o, char **qemu,
		   const char *console_log, struct lab_boot *b);
void lab_boot_shell(const struct lab_env *e, const struct lab_opts *o, char **qemu,
		    const char *console_log, struct lab_boot *b);
void lab_panic_line(const char *console_log, char *buf, size_t len);
extern volatile int lab_stop;

/* results.c */
int lab_results(const struct lab_env *e, const struct lab_opts *o, const char *out, int keep,
		struct lab_boot *b);

/* util.c */
void lab_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "lab: MESSAGE" on stderr, after what stdout has so far. */
void lab_vnote(const char *fmt, va_list ap);
char *lab_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
pid_t lab_spawn(char *const argv[], const char *cwd, int in, int out, int err);
int lab_wait(pid_t pid);
int lab_run(char *const argv[], const char *cwd, const char *in, const char *out, const char *err);
char *lab_capture(char *const argv[], int *status);
char *lab_read_file(const char *path, size_t *len);
void lab_write_file(const char *path, const char *text);
void lab_mkdirs(const char *path);
int lab_copy(const char *src, const char *dst);
void lab_rm_rf(const char *path);
int lab_is_elf(const char *path, int *is_static);
const char *lab_which(const char *name);
int lab_parse_size(const char *s, unsigned long long *bytes);
char *lab_last_line(const char *path);
char *lab_first_line(const char *path);

#endif
