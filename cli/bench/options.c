// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf bench's command line -> struct bench.  Settings come from the
 * command line, then --quick (and --lab), then the defaults; none from the
 * environment.  Every bad value is one line naming the option; exit 1.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/bench/bench.h"
#include "results-db/db.h"

#define SIZE_DEFAULT "512m"

const char *const bench_mode_names[M_NMODES] = { "interrupt", "sqpoll", "iopoll", "sqpoll+iopoll" };
const char *const bench_engine_names[E_NENGINES] = { "uringbpf", "io_uring", "libaio", "t-io_uring" };

void bench_usage(FILE *f)
{
	fputs("Usage: uringbpf bench [options]\n"
	      "       uringbpf bench import [--files COUNT | --jobs JOBS] [--limit S] [--cpu-limit]\n"
	      "                       how fast the results database imports (bench import --help)\n"
	      "  --target PATH|loop   what to read (default: a " SIZE_DEFAULT " file on /dev/shm, buffered);\n"
	      "                       \"loop\": a loop device with direct I/O over a file on /dev/shm\n"
	      "  --direct 0|1         O_DIRECT (default: 1 for block devices, 0 for files)\n"
	      "  --iodepths LIST      default 1,8,16,32\n"
	      "  --modes LIST         interrupt,sqpoll,iopoll,sqpoll+iopoll (default: all; the IOPOLL\n"
	      "                       ones are skipped, with the reason, where the target can't poll)\n"
	      "  --runtime S          seconds per fio run (default 1; t/io_uring runs ceil(S)+1)\n"
	      "  --size SZ            region read (default " SIZE_DEFAULT "); also the /dev/shm file's size\n"
	      "  --bs BS              block size (default 4k)\n"
	      "  --repeats N          runs of each engine per row; the order of the engines is\n"
	      "                       reversed on every other repeat (default 2)\n"
	      "  --peers LIST         io_uring,libaio,t-io_uring (default: all three)\n"
	      "  --batch N            batched rows use --iodepth_batch_submit=N\n"
	      "                       --iodepth_batch_complete_min=N (t/io_uring: -s N -c N), N capped\n"
	      "                       at the iodepth; 0: only fio's default batching (default 8)\n"
	      "  --ours-opts \"OPTS\"   extra fio options for our engine only (e.g. --register_ring_fd=1)\n"
	      "  --db PATH            results database (default results/results.db)\n"
	      "  --out DIR            where results go (default results/bench-DATE)\n"
	      "  --lab                run the plan in the kernel lab (uringbpf lab: Linux 7.3 in QEMU\n"
	      "                       TCG) on null_blk and the emulated NVMe, all four modes, in one\n"
	      "                       boot; IOPS ratios only (defaults there: --repeats 1 --batch 0)\n"
	      "  --callgrind          then measure instructions and io_uring_enter calls per I/O\n"
	      "  --cost-only          only that measurement, no IOPS sweep\n"
	      "  --cost-ios N         I/Os per counted run (default 100000; a second run does N/5)\n"
	      "  --quick              a tiny run (< 30 s): --iodepths 1,8 --runtime 0.3 --repeats 1\n"
	      "                       --size 64m --cost-ios 10000\n"
	      "  --fio PATH --engine PATH --t-io-uring PATH   (default: .deps/fio/fio,\n"
	      "                       build/fio-uringbpf.so, .deps/fio/t/io_uring)\n"
	      "  --db-tool PATH       accepted as before and unused: the results go into --db\n"
	      "                       from this process (the results library), also from --lab\n"
	      "CPU: every thread of a run (its cgroup v2 group's cpu.stat) over a window of its\n"
	      "steady state. Exit status: 0 every run and import worked, 1 otherwise, 130\n"
	      "interrupted (Ctrl-C: the finished runs are tabulated and imported).\n", f);
}

/* A value of a LIST option split on ','; each item checked by the caller. */
static int split(const char *list, char items[][32], int max, const char *opt)
{
	const char *p = list;
	int n = 0;

	if (!*list)
		bench_die("%s needs a value (see --help)", opt);
	while (*p) {
		size_t l = strcspn(p, ",");

		if (n == max || l == 0 || l >= 32)
			bench_die("%s: '%s' is not a list like the default (see --help)", opt, list);
		memcpy(items[n], p, l);
		items[n++][l] = 0;
		p += l;
		if (*p == ',')
			p++;
	}
	return n;
}

static int lookup(const char *name, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static int is_uint(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* ^[0-9]*\.?[0-9]+$, as the script took it. */
static int is_seconds(const char *s)
{
	const char *dot = strchr(s, '.');
	size_t l = strlen(s);

	if (!l || strspn(s, "0123456789.") != l || (dot && strchr(dot + 1, '.')) ||
	    s[l - 1] == '.')
		return 0;
	return 1;
}

static long long size_of(const char *s, const char *opt)
{
	int ok = 0;
	long long v = strchr(s, ',') || strchr(s, ':') ? 0 : ub_parse_size(s, &ok);

	if (!ok || v <= 0)
		bench_die("not a size: '%s' (use e.g. 64m, 1g, 4k)", s);
	(void)opt;
	return v;
}

static void need_exec(const char *path, const char *what)
{
	if (access(path, X_OK))
		bench_die("%s", what);
}

int bench_options(struct bench *b, int argc, char **argv)
{
	const char *repeats = NULL, *batch = NULL, *cost_ios = NULL, *direct = NULL;
	char items[BENCH_MAX_QDS][32], msg[PATH_MAX + 128], *store;
	size_t used = 0;
	int i, n;

	used = snprintf(b->command_line, sizeof(b->command_line), "uringbpf bench");
	for (i = 1; i < argc && used < sizeof(b->command_line); i++)
		used += snprintf(b->command_line + used, sizeof(b->command_line) - used, " %s",
				 argv[i]);
	b->direct = -1;
	b->do_sweep = 1;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = NULL;

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			bench_usage(stdout);
			return -1;
		}
		if (!strcmp(o, "--callgrind")) { b->do_cost = 1; continue; }
		if (!strcmp(o, "--cost-only")) { b->do_cost = 1; b->do_sweep = 0; continue; }
		if (!strcmp(o, "--quick")) { b->quick = 1; continue; }
		if (!strcmp(o, "--lab")) { b->lab = 1; continue; }
		if (!strcmp(o, "--target")) dst = &b->target_spec;
		else if (!strcmp(o, "--direct")) dst = &direct;
		else if (!strcmp(o, "--iodepths")) dst = &b->iodepths;
		else if (!strcmp(o, "--modes")) dst = &b->modes;
		else if (!strcmp(o, "--runtime")) dst = &b->runtime;
		else if (!strcmp(o, "--size")) dst = &b->size;
		else if (!strcmp(o, "--bs")) dst = &b->bs;
		else if (!strcmp(o, "--repeats")) dst = &repeats;
		else if (!strcmp(o, "--peers")) dst = &b->peers;
		else if (!strcmp(o, "--batch")) dst = &batch;
		else if (!strcmp(o, "--ours-opts")) dst = &b->ours_opts;
		else if (!strcmp(o, "--db")) dst = &b->db;
		else if (!strcmp(o, "--out")) dst = &b->out;
		else if (!strcmp(o, "--cost-ios")) dst = &cost_ios;
		else if (!strcmp(o, "--fio")) dst = &b->fio;
		else if (!strcmp(o, "--engine")) dst = &b->engine;
		else if (!strcmp(o, "--t-io-uring")) dst = &b->t_io_uring;
		else if (!strcmp(o, "--db-tool")) dst = &b->db_tool;
		else {
			bench_usage(stderr);
			bench_die("unknown option '%s'", o);
		}
		if (!v)
			bench_die("%s needs a value (see --help)", o);
		*dst = v;
		i++;
	}

#define DEFAULT(var, val) do { if (!(var)) (var) = (val); } while (0)
	if (b->quick) {
		DEFAULT(b->iodepths, "1,8");
		DEFAULT(b->runtime, "0.3");
		DEFAULT(repeats, "1");
		DEFAULT(b->size, "64m");
		DEFAULT(cost_ios, "10000");
	}
	if (b->lab) {
		if (b->target_spec)
			bench_die("--lab and --target don't mix: the lab reads its own null_blk and NVMe");
		if (b->do_cost)
			bench_die("--lab and --callgrind/--cost-only don't mix: the guest has no valgrind or strace");
		{
			char lab[PATH_MAX + 32];

			if (bench_data_file(b, "scripts/lab", lab, sizeof(lab)) || access(lab, X_OK))
				bench_die("--lab needs scripts/lab");
		}
		DEFAULT(repeats, "1");
		DEFAULT(batch, "0");
		direct = "1";
	}
	DEFAULT(b->iodepths, "1,8,16,32");
	DEFAULT(b->modes, "interrupt,sqpoll,iopoll,sqpoll+iopoll");
	DEFAULT(b->runtime, "1");
	DEFAULT(b->size, SIZE_DEFAULT);
	DEFAULT(b->bs, "4k");
	DEFAULT(repeats, "2");
	DEFAULT(b->peers, "io_uring,libaio,t-io_uring");
	DEFAULT(batch, "8");
	DEFAULT(b->ours_opts, "");
	DEFAULT(cost_ios, "100000");

	/* Paths under the checkout, made once (they outlive this call). */
	store = malloc(8 * (PATH_MAX + 64));
	if (!store)
		bench_die("out of memory");
#define DEFAULT_PATH(var, k, fmt, ...) do { if (!(var)) { \
		snprintf(store + (k) * (PATH_MAX + 64), PATH_MAX + 64, fmt, __VA_ARGS__); \
		(var) = store + (k) * (PATH_MAX + 64); } } while (0)
	{
		char stamp[32];
		time_t t = time(NULL);

		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&t));
		DEFAULT_PATH(b->db, 0, "%s/results/results.db", b->top);
		DEFAULT_PATH(b->out, 1, "%s/results/bench-%s", b->top, stamp);
	}
	DEFAULT_PATH(b->fio, 2, "%s/.deps/fio/fio", b->top);
	DEFAULT_PATH(b->engine, 3, "%s/build/fio-uringbpf.so", b->top);
	DEFAULT_PATH(b->t_io_uring, 4, "%s/.deps/fio/t/io_uring", b->top);
	DEFAULT_PATH(b->db_tool, 5, "%s/build/uringbpf-db", b->top);

	snprintf(msg, sizeof(msg), "no fio at %s (scripts/install-deps.sh builds it)", b->fio);
	need_exec(b->fio, msg);
	if (access(b->engine, R_OK))
		bench_die("no engine at %s (run make)", b->engine);
	if (!realpath(b->engine, b->engine_built))
		bench_die("no engine at %s (run make)", b->engine);

	n = split(b->modes, items, M_NMODES * 4, "--modes");
	for (i = 0; i < n; i++) {
		int m = lookup(items[i], bench_mode_names, M_NMODES);

		if (m < 0)
			bench_die("unknown mode '%s'", items[i]);
		if (b->nmodes_asked < M_NMODES)
			b->modes_asked[b->nmodes_asked++] = m;
	}
	n = split(b->peers, items, E_NENGINES * 4, "--peers");
	for (i = 0; i < n; i++) {
		int e = lookup(items[i], bench_engine_names, E_NENGINES);

		if (e <= E_OURS)
			bench_die("unknown peer '%s'", items[i]);
		if (!b->peer[e])
			b->peer_list[b->npeers++] = e;
		b->peer[e] = 1;
	}
	if (b->peer[E_TIO]) {
		snprintf(msg, sizeof(msg), "no t/io_uring at %s", b->t_io_uring);
		need_exec(b->t_io_uring, msg);
	}
	if (!is_uint(repeats) || !(b->repeats = atoi(repeats)))
		bench_die("--repeats needs a positive integer");
	if (!is_uint(batch))
		bench_die("--batch needs an integer >= 0");
	b->batch = atoi(batch);
	if (!is_seconds(b->runtime))
		bench_die("--runtime needs seconds, e.g. 1 or 0.5");
	b->runtime_s = atof(b->runtime);
	b->runtime_ms = (int)(b->runtime_s * 1000 + 0.5);
	b->tio_secs = (int)ceil(b->runtime_s) + 1;
	if (!is_uint(cost_ios) || !(b->cost_ios = atoll(cost_ios)))
		bench_die("--cost-ios needs a positive integer");
	if (direct) {
		if (strcmp(direct, "0") && strcmp(direct, "1"))
			bench_die("--direct needs 0 or 1");
		b->direct = direct[0] - '0';
	}
	n = split(b->iodepths, items, BENCH_MAX_QDS, "--iodepths");
	for (i = 0; i < n; i++) {
		if (!is_uint(items[i]) || atoi(items[i]) < 1 || atoi(items[i]) > 65536)
			bench_die("--iodepths: '%s' is not an iodepth (use e.g. 1,8,16,32)", items[i]);
		b->qds[b->nqds++] = atoi(items[i]);
	}
	/* Before anything is made under --out. */
	if (b->target_spec && *b->target_spec && strcmp(b->target_spec, "loop") &&
	    access(b->target_spec, F_OK))
		bench_die("--target %s: no such file or device", b->target_spec);
	b->size_bytes = size_of(b->size, "--size");
	b->bs_bytes = size_of(b->bs, "--bs");

	/* --ours-opts: words split on blanks, as the script's unquoted $OURS_OPTS. */
	{
		char *copy = strdup(b->ours_opts), *tok, *save;

		for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
			if (b->ours_argc == BENCH_MAX_ARGS - 1)
				bench_die("--ours-opts: too many options (at most %d)", BENCH_MAX_ARGS - 1);
			b->ours_argv[b->ours_argc++] = tok;
		}
		if (!b->ours_argc)
			free(copy);	/* else ours_argv[0] holds it */
	}
	if (b->do_cost && (system("command -v valgrind >/dev/null && command -v strace >/dev/null")))
		bench_die("--callgrind needs valgrind and strace (apt-get install valgrind strace)");
	if (geteuid() != 0)
		bench_log("not root: SQPOLL or loop devices may be refused");
	return 0;
}
