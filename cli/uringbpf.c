// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf: the one command, git-style.  A table of subcommands; "db" runs
 * the results-database tool in this process (results-db/cli.c); "sweep",
 * "plot", "demo", "bench" and "cgexec" run in this process too (cli/sweep/,
 * cli/plot/, cli/demo.c, cli/bench/, cli/cgexec.c, cli/lab/).
 * Data (profiles, gnuplot templates, scripts/lab (the lab kernel's fetch)
 * and the lab's guest drivers) is found relative to this binary, so a
 * checkout and an installed tree both work:
 *   checkout:  ROOT/build/uringbpf      -> ROOT/scripts/lab
 *   installed: PREFIX/bin/uringbpf      -> PREFIX/share/uringbpf/scripts/lab
 * Run as "uringbpf-db" (a link to this binary), it is "uringbpf db".
 * Exit codes: 0 ok, 1 failure, 2 usage; lab run: its command's status.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "cli/cgexec.h"
#include "cli/demo.h"
#include "cli/lab/lab.h"
#include "cli/plot/plot.h"
#include "cli/sweep/sweep.h"
#include "results-db/db.h"

#define PROG "uringbpf"
#ifndef UB_FIO_PREFIX
#define UB_FIO_PREFIX "/usr/local"
#endif

struct cmd {
	const char *name;
	int (*fn)(const struct cmd *c, int argc, char **argv);
	const char *help;
};

static int cmd_db_fn(const struct cmd *c, int argc, char **argv);
static int cmd_compare_fn(const struct cmd *c, int argc, char **argv);
static int cmd_cgexec_fn(const struct cmd *c, int argc, char **argv);
static int cmd_plot_fn(const struct cmd *c, int argc, char **argv);
static int cmd_bench_fn(const struct cmd *c, int argc, char **argv);
static int cmd_lab_fn(const struct cmd *c, int argc, char **argv);
static int cmd_sweep_fn(const struct cmd *c, int argc, char **argv);
static int cmd_demo_fn(const struct cmd *c, int argc, char **argv);
static int cmd_help(const struct cmd *c, int argc, char **argv);

static const struct cmd cmds[] = {
	{ "sweep",   cmd_sweep_fn,   "run a fio profile over modes x iodepths, import into SQLite" },
	{ "db",      cmd_db_fn,      "query and fill the results database (also: uringbpf-db)" },
	{ "plot",    cmd_plot_fn,    "draw a sweep from the database (PNG + SVG) and its table" },
	{ "compare", cmd_compare_fn, "sweep B against baseline A per point; exit 1 on a regression" },
	{ "demo",    cmd_demo_fn,    "the seed-table sweep on a default target, graph and table" },
	{ "lab",     cmd_lab_fn,     "the QEMU kernel lab (Linux 7.3, emulated NVMe)" },
	{ "bench",   cmd_bench_fn,   "our engine against fio io_uring, libaio and t/io_uring" },
	{ "cgexec",  cmd_cgexec_fn,  "run a command in a cgroup of its own, write its CPU time (JSON)" },
	{ "help",    cmd_help,       "this list, or one command's help: uringbpf help CMD" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void list_cmds(FILE *f)
{
	fputs("usage: " PROG " COMMAND [options]   (" PROG " COMMAND --help: its options)\n"
	      "commands:\n", f);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-7s %s\n", cmds[i].name, cmds[i].help);
}

/* "sweep, db, ... or help": for the unknown-command line. */
static void name_cmds(FILE *f)
{
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "%s%s", i == 0 ? "" : i + 1 == NCMDS ? " or " : ", ", cmds[i].name);
}

static int unknown_cmd(const char *name)
{
	fprintf(stderr, PROG ": unknown command '%s': use ", name);
	name_cmds(stderr);
	fputs(" (" PROG " help)\n", stderr);
	return UB_EUSAGE;
}

static int cmd_db_fn(const struct cmd *c, int argc, char **argv)
{
	return cmd_db(argc, argv);
}

/* The regression gate (results-db/compare_cli.c): its own exit codes. */
static int cmd_compare_fn(const struct cmd *c, int argc, char **argv)
{
	return ub_compare_main(PROG " compare", NULL, argc, argv);
}

/* cli/cgexec.c: the command's status, or 125/126/127 as env(1). */
static int cmd_cgexec_fn(const struct cmd *c, int argc, char **argv)
{
	return cmd_cgexec(argc, argv);
}

/* ---------------------------------------------------------------- paths */

static const char *bin_dir(void);

/* cli/bench/: in process; its defaults are under the checkout above build/. */
static int cmd_bench_fn(const struct cmd *c, int argc, char **argv)
{
	return cmd_bench(argc, argv, bin_dir());
}

/* The directory this binary is in (symlinks resolved), or NULL. */
static const char *bin_dir(void)
{
	static char dir[PATH_MAX];
	char *slash;
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0)
		return NULL;
	dir[n] = 0;
	/* The kernel's path is absolute: cut it at its last '/'. */
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		dir[0] = 0;
		return NULL;
	}
	*slash = 0;
	return dir;
}

/* The data root holding scripts/, plot/, profiles/: $UB_DATADIR, else the
 * installed share/uringbpf beside bin/, else the checkout above build/;
 * the first with the file script (mode: access(2)'s X_OK, R_OK). */
static int data_root(const char *script, int mode, char root[PATH_MAX], char *tried, size_t tlen)
{
	const char *env = getenv("UB_DATADIR"), *bin = bin_dir();
	char cand[3][PATH_MAX], p[PATH_MAX + 64];
	int n = 0;

	if (env && *env)
		snprintf(cand[n++], PATH_MAX, "%s", env);
	if (bin) {
		snprintf(cand[n++], PATH_MAX, "%s/../share/uringbpf", bin);
		snprintf(cand[n++], PATH_MAX, "%s/..", bin);
	}
	tried[0] = 0;
	for (int i = 0; i < n; i++) {
		size_t used = strlen(tried);

		if (snprintf(p, sizeof(p), "%s/%s", cand[i], script) >= (int)sizeof(p))
			continue;
		if (access(p, mode) == 0 && realpath(cand[i], root))
			return 0;
		/* A long path is cut short in the message only. */
		if (snprintf(tried + used, tlen - used, "%s%s", i ? ", " : "", p) < 0)
			break;
	}
	return -1;
}

/* setenv(name, value) unless the user set it (non-empty). */
static void default_env(const char *name, const char *value)
{
	const char *v = getenv(name);

	if (!v || !*v)
		setenv(name, value, 1);
}

/* The engine this binary goes with: the build's, else the one installed
 * beside it (PREFIX/lib/fio, also under DESTDIR), else FIO_PREFIX's. */
static void default_engine(const char *bin)
{
	char p[PATH_MAX + 64];
	const char *rel[] = { "%s/fio-uringbpf.so", "%s/../lib/fio/fio-uringbpf.so" };

	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), rel[i], bin);
		char real[PATH_MAX];
		if (access(p, R_OK) == 0 && realpath(p, real)) {
			default_env("UB_ENGINE", real);
			return;
		}
	}
	if (access(UB_FIO_PREFIX "/lib/fio/fio-uringbpf.so", R_OK) == 0)
		default_env("UB_ENGINE", UB_FIO_PREFIX "/lib/fio/fio-uringbpf.so");
}

/*
 * cli/lab/: in this process, with the data root's scripts/lab (the kernel
 * fetch) and scripts/lab-guest/.  Its help needs no data.  It ends the
 * process itself: its strings live until then (one run per process), so an
 * ASan build's leak report at exit would be noise.
 */
static int cmd_lab_fn(const struct cmd *c, int argc, char **argv)
{
	char root[PATH_MAX], tried[3 * PATH_MAX + 256];
	const char *bin = bin_dir();
	int help = argc < 2, rc;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help"))
			help = 1;
	if (help)
		return cmd_lab(argc, argv, NULL);
	if (data_root("scripts/lab", X_OK, root, tried, sizeof(tried))) {
		fprintf(stderr, PROG " %s: scripts/lab not found (looked for %s): run 'make' in the "
			"checkout, or 'make install', or set UB_DATADIR\n", c->name,
			tried[0] ? tried : "no place: /proc/self/exe is unreadable");
		return UB_EDATA;
	}
	if (bin)
		default_engine(bin);
	rc = cmd_lab(argc, argv, root);
	fflush(NULL);
	_exit(rc);
}

/*
 * cli/plot/: in this process; its gnuplot templates from the data root
 * (UB_PLOT_DIR, when set, wins: plot_cli.c reads it).
 */
static int cmd_plot_fn(const struct cmd *c, int argc, char **argv)
{
	char root[PATH_MAX], tried[3 * PATH_MAX + 256], tpl[PATH_MAX + 8];

	if (data_root("plot/common.gp", R_OK, root, tried, sizeof(tried)))
		return cmd_plot(argc, argv, NULL,
				tried[0] ? tried : "no place: /proc/self/exe is unreadable");
	snprintf(tpl, sizeof(tpl), "%s/plot", root);
	return cmd_plot(argc, argv, tpl, NULL);
}

/* uringbpf sweep (cli/sweep/): in this process, with the data root's profiles and scripts/lab. */
static int cmd_sweep_fn(const struct cmd *c, int argc, char **argv)
{
	char root[PATH_MAX], tried[3 * PATH_MAX + 256], p[PATH_MAX + 64];
	const char *bin = bin_dir();

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return cmd_sweep(argc, argv, "");	/* the help needs no data */
	if (data_root("profiles/seed-table.fio", R_OK, root, tried, sizeof(tried))) {
		fprintf(stderr, PROG " %s: profiles/seed-table.fio not found (looked for %s): run "
			"'make' in the checkout, or 'make install', or set UB_DATADIR\n", c->name,
			tried[0] ? tried : "no place: /proc/self/exe is unreadable");
		return UB_EDATA;
	}
	if (bin)
		default_engine(bin);
	snprintf(p, sizeof(p), "%s/profiles", root);
	default_env("UB_PROFILES_DIR", p);
	return cmd_sweep(argc, argv, root);
}

/*
 * uringbpf demo (cli/demo.c): in this process; the sweep's profiles and
 * scripts/lab from the data root, plot's templates as "uringbpf plot" finds
 * them.  Its --help needs no data: cmd_demo says what is missing after it.
 */
static int cmd_demo_fn(const struct cmd *c, int argc, char **argv)
{
	static char root[PATH_MAX], tried[3 * PATH_MAX + 256], tpl_root[PATH_MAX];
	static char tpl_tried[3 * PATH_MAX + 256], tpl[PATH_MAX + 8], p[PATH_MAX + 64];
	struct demo_paths dp = { .bin = bin_dir() };

	if (!data_root("profiles/seed-table.fio", R_OK, root, tried, sizeof(tried))) {
		dp.root = root;
		snprintf(p, sizeof(p), "%s/profiles", root);
		default_env("UB_PROFILES_DIR", p);
	} else {
		dp.root_tried = tried[0] ? tried : "no place: /proc/self/exe is unreadable";
	}
	if (!data_root("plot/common.gp", R_OK, tpl_root, tpl_tried, sizeof(tpl_tried))) {
		snprintf(tpl, sizeof(tpl), "%s/plot", tpl_root);
		dp.tpl = tpl;
	} else {
		dp.tpl_tried = tpl_tried[0] ? tpl_tried : "no place: /proc/self/exe is unreadable";
	}
	if (dp.bin)
		default_engine(dp.bin);
	return cmd_demo(argc, argv, &dp);
}

/* ---------------------------------------------------------------- help */

static int cmd_help(const struct cmd *c, int argc, char **argv)
{
	const struct cmd *t;
	char *hargv[] = { NULL, "--help", NULL };

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		list_cmds(stdout);
		return UB_OK;
	}
	if (argc > 2) {
		fprintf(stderr, PROG " help: one command at a time, got '%s' after '%s'\n",
			argv[2], argv[1]);
		return UB_EUSAGE;
	}
	t = find_cmd(argv[1]);
	if (!t)
		return unknown_cmd(argv[1]);
	if (t == c)
		return cmd_help(c, 1, argv);
	hargv[0] = (char *)t->name;
	return t->fn(t, 2, hargv);
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	const char *me = strrchr(argv[0], '/');

	me = me ? me + 1 : argv[0];
	if (!strcmp(me, "uringbpf-db"))
		return cmd_db(argc, argv);
	if (argc < 2) {
		list_cmds(stderr);
		return UB_EUSAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		list_cmds(stdout);
		return UB_OK;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, PROG ": unknown option '%s': options go after the command "
			"(" PROG " COMMAND --help)\n", argv[1]);
		return UB_EUSAGE;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return unknown_cmd(argv[1]);
	return c->fn(c, argc - 1, argv + 1);
}
