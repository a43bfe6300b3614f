// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf lab: fetch (scripts/lab, the installing part), run, shell, and
 * test (the checkout's guest-test harness tests/lab/run-guest-tests.sh).
 * "run" in order: options, QEMU, the kernel (scripts/lab ensure), the
 * initramfs, one boot (twice when the first never reached /init), results.
 * A lab failure anywhere is lab_die(): a "lab: " line, the run's scratch
 * folder removed, exit status 125 returned to the caller.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/lab/lab.h"

static jmp_buf fail_jmp;
static int in_run;

void lab_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lab_vnote(fmt, ap);
	va_end(ap);
	if (in_run)
		longjmp(fail_jmp, 1);
	exit(LAB_EX_LAB);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* The UB_* environment, with scripts/lab's defaults under the data root. */
static void lab_env_init(struct lab_env *e, const char *root)
{
	const char *fio = getenv("UB_FIO");

	e->root = root;
	e->cache = lab_printf("%s/lab", env_or("URINGBPF_CACHE", "/var/cache/uringbpf"));
	e->build = env_or("UB_BUILD", lab_printf("%s/build", root));
	e->fio = fio && *fio ? fio : lab_printf("%s/.deps/fio/fio", root);
	/* Installed (no .deps/ in the data root): the fio on PATH, whose
	 * engine dir has ours. */
	if (!(fio && *fio) && access(e->fio, X_OK) && lab_which("fio"))
		e->fio = lab_which("fio");
	e->engine = env_or("UB_ENGINE", lab_printf("%s/fio-uringbpf.so", e->build));
	e->qemu = env_or("UB_QEMU", lab_which("qemu-system-x86_64"));
	e->busybox = env_or("UB_BUSYBOX", "/bin/busybox");
	/*
	 * TCG runs every vCPU on one host thread (thread=single).  With
	 * thread=multi the guest kernel died of "Oops: int3" about 1 boot in 10:
	 * x86 patches its own text (static keys, alternatives) with int3
	 * breakpoints and relies on cross-modifying-code ordering that
	 * multi-threaded TCG does not give between vCPUs.  Single-threaded TCG
	 * makes the patch atomic for the other vCPU, but also runs a spinning
	 * SQ thread and the job on one host thread in turn: SQPOLL on null_blk
	 * falls from 12-19k to 0.4k IOPS at QD1.  So "test" (correctness) runs
	 * single and "run" (sweeps, benches: measurements) runs multi, where a
	 * boot that dies before /init is booted again.  UB_LAB_TCG overrides.
	 */
	e->tcg = env_or("UB_LAB_TCG", "multi");
	/* Seconds from QEMU's start until /init speaks. */
	e->boot_timeout = atol(env_or("UB_LAB_BOOT_TIMEOUT", "120"));
	if (e->boot_timeout <= 0)
		e->boot_timeout = 120;
}

static void on_signal(int sig)
{
	lab_stop = 1;
}

static void write_info(const struct lab_env *e, const struct lab_opts *o,
		       const struct lab_kernel *k, const char *meta, const char *append,
		       const char *base)
{
	char *cmd = lab_printf("%s", "");

	for (int i = 0; i < o->ncmd; i++)
		cmd = lab_printf("%s%s%s", cmd, i ? " " : "", o->cmd[i]);
	lab_write_file(lab_printf("%s/info", meta), lab_printf(
		"kernel=%s (%s)\nappend=%s\nnull_blk=%s\ninitrd=%s\ncommand=%s\nengine=%s%s\n",
		k->release, k->binary_version, append, o->null_blk, base, cmd, e->engine,
		lab_engine_is_asan(e->engine) ? " (asan: fio preloads the ASan runtime)" : ""));
}

static int lab_main_run(int argc, char **argv, const char *root)
{
	static const char *const stale[] = { "status", "stdout", "stderr", "console.log", "dmesg",
					     "timed_out", "seconds" };
	/* Static: set between setjmp() and a longjmp() that reads them. */
	static struct sigaction sa = { .sa_handler = on_signal }, old[3];
	const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	char *volatile work = NULL;
	volatile int handlers = 0;
	struct lab_opts o;
	struct lab_env e;
	struct lab_kernel k = { 0 };
	struct lab_boot b;
	const char *out, *base;
	char *meta, *console_log, *initrd, *append, **qemu;
	int rc, keep;

	rc = lab_parse(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : LAB_EX_USAGE;
	lab_env_init(&e, root);
	if (setjmp(fail_jmp)) {
		in_run = 0;
		goto fail;
	}
	in_run = 1;
	if (!e.qemu || access(e.qemu, X_OK))
		lab_die("qemu-system-x86_64 is not installed (scripts/install-deps.sh installs it)");
	for (int i = 0; i < o.nfiles; i++) {
		char *src = lab_printf("%.*s", (int)strcspn(o.files[i], ":"), o.files[i]);

		if (access(src, F_OK))
			lab_die("--file %s: no such file", src);
	}
	if (lab_ensure_kernel(&e))
		lab_die("no lab kernel (uringbpf lab fetch failed)");
	lab_read_kernel(&e, &k);

	work = lab_printf("%s/uringbpf-lab.XXXXXX", env_or("TMPDIR", "/tmp"));
	if (!mkdtemp(work)) {
		char *w = work;

		work = NULL;
		lab_die("cannot make %s: %s", w, strerror(errno));
	}
	e.work = work;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	handlers = 1;
	keep = o.out != NULL;
	out = keep ? o.out : lab_printf("%s/result", work);
	meta = lab_printf("%s/.lab", out);
	lab_mkdirs(meta);
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		unlink(lab_printf("%s/%s", meta, stale[i]));

	base = lab_build_initrd(&e, &k);
	initrd = lab_printf("%s/initrd", work);
	lab_build_run_initrd(&e, &o, &k, base, initrd);
	/* No "quiet": when a boot hangs, the kernel's messages are the evidence. */
	append = lab_printf("console=ttyS0 panic=-1 nvme.poll_queues=%lu", o.poll_queues);
	qemu = lab_qemu_argv(&e, &o, &k, initrd, append);
	write_info(&e, &o, &k, meta, append, base);

	console_log = lab_printf("%s/console.log", meta);
	if (o.interactive) {
		lab_boot_shell(&e, &o, qemu, console_log, &b);
	} else {
		/*
		 * A boot that never reached /init ran nothing of the command, so
		 * it may be retried once (its console log is kept).  Once /init
		 * has spoken, a panic, hang or missing result is the command's
		 * failure: never retried, since the command may have caused it.
		 */
		for (int attempt = 1; attempt <= 2 && !lab_stop; attempt++) {
			char *kept, why[512];

			lab_boot_once(&e, &o, qemu, console_log, &b);
			if (b.booted || attempt == 2 || lab_stop)
				break;
			kept = lab_printf("%s/console-attempt%d.log", meta, attempt);
			lab_copy(console_log, kept);
			if (b.why[0])
				snprintf(why, sizeof(why), "%s", b.why);
			else
				lab_panic_line(console_log, why, sizeof(why));
			lab_note("attempt %d: the guest did not reach /init (%s; console log: %s); "
				 "booting again", attempt, why, kept);
		}
		if (!b.booted && !b.why[0])
			snprintf(b.why, sizeof(b.why), "the guest kernel stopped before /init");
	}
	if (lab_stop) {
		lab_note("interrupted; QEMU stopped");
		rc = 130;
	} else {
		rc = lab_results(&e, &o, out, keep, &b);
	}
	in_run = 0;
	goto done;
fail:
	rc = LAB_EX_LAB;
done:
	if (handlers)
		for (int i = 0; i < 3; i++)
			sigaction(sigs[i], &old[i], NULL);
	if (work)
		lab_rm_rf(work);
	fflush(stdout);
	return rc;
}

/* Exec the data root's FILE with "lab SUB ARGS" as its arguments (SUB ARGS). */
static int exec_data(const char *root, const char *file, int argc, char **argv, int pass_sub)
{
	char *path = lab_printf("%s/%s", root, file);
	char **a = calloc(argc + 2, sizeof(*a));
	int n = 0;

	if (!a)
		lab_die("out of memory");
	if (access(path, X_OK)) {
		fprintf(stderr, "lab %s: %s is not there (uringbpf lab %s needs %s)\n", argv[0],
			path, argv[0], !strcmp(file, "scripts/lab") ? "the installed scripts/lab" :
			"a checkout: its tests/lab/");
		return 1;
	}
	a[n++] = path;
	for (int i = pass_sub ? 0 : 1; i < argc; i++)
		a[n++] = argv[i];
	fflush(NULL);
	execv(path, a);
	fprintf(stderr, "lab %s: cannot run %s: %s\n", argv[0], path, strerror(errno));
	return 1;
}

/* argv[0] is "lab"; root is the data root (NULL when only help can work). */
int cmd_lab(int argc, char **argv, const char *root)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub) {
		lab_usage(stderr);
		return LAB_EX_USAGE;
	}
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		lab_usage(stdout);
		return 0;
	}
	if (strcmp(sub, "run") && strcmp(sub, "shell") && strcmp(sub, "fetch") &&
	    strcmp(sub, "test")) {
		fprintf(stderr, "lab: unknown command '%s': use fetch, run, shell or test "
			"(uringbpf lab --help)\n", sub);
		return LAB_EX_USAGE;
	}
	if (argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help")) &&
	    strcmp(sub, "test")) {
		lab_usage(stdout);
		return 0;
	}
	if (!root) {
		fprintf(stderr, "lab: no data root (scripts/lab)\n");
		return 1;
	}
	if (!strcmp(sub, "fetch"))
		return exec_data(root, "scripts/lab", argc - 1, argv + 1, 1);
	if (!strcmp(sub, "test"))
		return exec_data(root, "tests/lab/run-guest-tests.sh", argc - 1, argv + 1, 0);
	return lab_main_run(argc - 1, argv + 1, root);
}

/*
 * "lab run ARGS" for a caller's child process (uringbpf sweep --lab, bench
 * --lab): argv[0] is "run".  UB_LAB_RUNNER, when set, is a program run in
 * its place with the same arguments (the tests' stand-in for a lab).
 */
int lab_run_child(int argc, char **argv, const char *root)
{
	const char *runner = getenv("UB_LAB_RUNNER");

	if (runner && *runner) {
		char **a = calloc(argc + 2, sizeof(*a));

		if (!a)
			return LAB_EX_LAB;
		a[0] = (char *)runner;
		for (int i = 0; i < argc; i++)
			a[i + 1] = argv[i];
		execv(runner, a);
		fprintf(stderr, "lab: cannot run UB_LAB_RUNNER=%s: %s\n", runner, strerror(errno));
		return LAB_EX_LAB;
	}
	return lab_main_run(argc, argv, root);
}
