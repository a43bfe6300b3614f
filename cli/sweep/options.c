// SPDX-License-Identifier: GPL-2.0
/*
 * The sweep's command line: parsed into struct sweep, checked in the order
 * the user reads the errors (each names the option and the fix, exit 2).
 * --resume NAME [--db PATH] takes the options the sweep stored with its plan
 * (resume-sweep in results-db/sweep_plan.c) in place of the command line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <locale.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

void sw_usage(FILE *f)
{
	fputs(
"Usage: uringbpf sweep --target PATH [options]\n"
"Run each section of a fio profile at each iodepth, REPEATS times, and import\n"
"every finished run into the SQLite results database (uringbpf db).\n"
"\n"
"  --profile P          profile name in profiles/ (P.fio) or a job file path [seed-table]\n"
"  --target PATH        block device, NVMe char device or file (or TARGET=PATH)\n"
"  --iodepths LIST      comma-separated iodepths [1,8,16,32]; ignored by\n"
"                       profiles without ${IODEPTH} (qd1-latency)\n"
"  --configs a,b        run only these sections [all sections of the profile]\n"
"  --repeats N          runs per point [1]\n"
"  --max-stddev-pct X   after the repeats, repeat a point until the stddev of its\n"
"                       kIOPS is at most X% of the mean (needs --repeats >= 2) ...\n"
"  --max-repeats M      ... but at most M runs per point [3 x --repeats]\n"
"  --runtime S          seconds per run [10]\n"
"  --ramp S             seconds of ramp before measuring [0]\n"
"  --size SZ            fio size: [100% of a device; a file's size, or 512m for a new file]\n"
"  --direct 0|1         O_DIRECT [1, except 0 for files on tmpfs]\n"
"  --engine E           uringbpf (ours: external:uringbpf, or external:$UB_ENGINE),\n"
"                       io_uring, libaio, or any fio ioengine string [uringbpf]\n"
"  --axis P=V1,V2,...   also sweep fio job option P over these values (repeatable):\n"
"                       every combination of the axes at every config and iodepth,\n"
"                       set at the end of each job section (overrides the profile),\n"
"                       e.g. --axis bs=4k,16k,128k --axis rw=randread,randwrite\n"
"  --set VAR=VALUE      set another profile variable, e.g. --set CHAIN_SIZE=1g (repeatable)\n"
"  --no-prepare         don't run the profile's prepare step (the target is already\n"
"                       prepared, e.g. written by uringbpf-mkchain for bpf-chain)\n"
"  --db PATH            results database [results/results.db]\n"
"  --sweep-name NAME    name of this sweep in the database [PROFILE-YYYYmmdd-HHMMSS]\n"
"  --out DIR            where job files, fio JSON and logs go [results/NAME]\n"
"  --force              allow a write profile on a device that holds a filesystem\n"
"                       or a partition table (destroys it)\n"
"  --client H[,H...]    run on fio servers (fio --server) through fio's client mode,\n"
"                       HOST or HOST:PORT each; results are imported per host\n"
"  --lab                run in the kernel lab (uringbpf lab: Linux 7.3 in QEMU) on its\n"
"                       emulated NVMe [--target /dev/nvme0n1]; the guest runs the\n"
"                       whole plan in one boot, the results are imported here after\n"
"  --precondition       before the points, write a block device sequentially twice,\n"
"                       then randomly until steady (profiles/phases/precondition.fio,\n"
"                       --set PRECOND_LOOPS/SS/SS_DUR/SS_RAMP/MAX=...); the write guard\n"
"                       applies; on a file or tmpfs it does not apply (recorded, no I/O)\n"
"  --steady-state SPEC  every point ends once fio's steady-state detection says so:\n"
"                       ss=SPEC (iops|iops_slope|bw|bw_slope:X[%], e.g. iops_slope:5%)\n"
"  --ss-dur S           ... judged over S seconds [half of --runtime] ...\n"
"  --ss-ramp S          ... after S seconds [0]; the table marks a point not steady with §\n"
"  --dry-run            print the plan and the fio commands, run nothing\n"
"  --plan FILE          the sweep's options from FILE, an INI file: a [sweep] section\n"
"                       of OPTION=VALUE lines (the long options above, without --:\n"
"                       profile=, iodepths=, configs=, runtime=, set=VAR=VALUE,\n"
"                       force, ...) and an [axis] section of PARAM=V1,V2 lines (as\n"
"                       --axis); the command line overrides it\n"
"  --resume NAME        finish sweep NAME after a crash, kill -9 or Ctrl-C: run only its\n"
"                       planned points that have no finished run, with the options it\n"
"                       was started with (read from the database; only --db may be given)\n"
"  -h, --help           this help\n"
"\n"
"Profile variables come from the options above, else the environment, else the\n"
"defaults: ENGINE TARGET NG_TARGET SIZE DIRECT IODEPTH RUNTIME RAMP, else the\n"
"profile's own \"; sweep-default: VAR=VALUE\" lines.  A profile line\n"
"\"; sweep-prepare: COMMAND\" runs once before the runs, where fio runs (here or in\n"
"the lab guest), with the build's tools on PATH; it writes the target, so the\n"
"write guard applies to it.\n"
"Sections the target can't run (IOPOLL on a target without poll queues, or an\n"
"engine refusal) are skipped with the reason, listed in OUT/skipped.tsv.\n"
"Ctrl-C stops after the current run: finished runs stay imported, the\n"
"interrupted run is kept as *.json.partial and not imported.  Exit status:\n"
"0 all runs done or skipped, 1 a run failed, 2 bad usage or refusal, 130 interrupted.\n"
"The plan (every config x iodepth x --axis values x repeat) and each point's fate (done,\n"
"skipped, failed, interrupted, with the reason) are in the database\n"
"(uringbpf db plan --sweep NAME); --resume runs the points still pending.\n"
"The CPU of each local run (every thread of fio, an SQPOLL thread included) is\n"
"measured as \"uringbpf cgexec\" does, in a cgroup v2 group (OUT/cpu/CONFIG/*.json) and\n"
"stored with the run (--lab: measured in the guest); --client runs store fio's\n"
"own job-thread figures instead (an SQ thread and io-wq workers not counted).\n"
"Each run also writes fio's IOPS log (a mean every 250 ms, OUT/iops/) and stores\n"
"it with the run: the table marks a point whose IOPS varied by more than 10%.\n"
"Environment: UB_FIO (fio binary), UB_ENGINE (our engine's path),\n"
"UB_PROFILES_DIR (profile names; default profiles/ of the data root); the\n"
"uringbpf CLI sets them for its own installed or built tree.\n", f);
}

static const char *const valued[] = {
	"--profile", "--target", "--iodepths", "--configs", "--repeats", "--max-stddev-pct",
	"--max-repeats", "--runtime", "--ramp", "--size", "--direct", "--engine", "--set", "--db",
	"--sweep-name", "--out", "--client",
	/* axis.c */
	"--axis",
};

static const char *const flags[] = { "--force", "--dry-run", "--lab", "--no-prepare" };

static int is_valued(const char *a)
{
	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++)
		if (!strcmp(a, valued[i]))
			return 1;
	return 0;
}

int sw_option_kind(const char *a)
{
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(a, flags[i]))
			return 2;
	return is_valued(a);
}

static int is_varname(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static void set_var(const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *k;

	if (!eq || !is_varname(kv, eq - kv))
		sw_die("--set: '%s' is not VAR=VALUE", kv);
	k = sw_printf("%.*s", (int)(eq - kv), kv);
	for (int i = 0; i < sw.nset; i++)
		if (!strcmp(sw.set_k[i], k)) {
			sw.set_v[i] = eq + 1;
			return;
		}
	sw.set_k = sw_keep(realloc(sw.set_k, (sw.nset + 1) * sizeof(char *)));
	sw.set_v = sw_keep(realloc(sw.set_v, (sw.nset + 1) * sizeof(char *)));
	sw.set_k[sw.nset] = k;
	sw.set_v[sw.nset++] = eq + 1;
}

/* "--x=v" -> "--x" "v"; *name and *val point at the pair. */
static int split_eq(char **argv, int i, int argc, const char **name, const char **val)
{
	char *eq = argv[i][0] == '-' && argv[i][1] == '-' ? strchr(argv[i], '=') : NULL;

	if (eq) {
		*name = sw_printf("%.*s", (int)(eq - argv[i]), argv[i]);
		*val = eq + 1;
		return 1;
	}
	*name = argv[i];
	*val = i + 1 < argc ? argv[i + 1] : NULL;
	return 2;
}

/* The options resume-sweep stored, NUL-separated: they replace argv. */
static char **resume_argv(const char *db_path, const char *name, int *argc)
{
	struct ub_err e = { "" };
	char *buf = NULL, **av = NULL, *p;
	size_t len = 0;
	sqlite3 *db;
	FILE *out;
	int rc, n = 0;

	if (access(db_path, F_OK))
		sw_die("--db: %s does not exist (--resume reads sweep %s from it)", db_path, name);
	rc = ubdb_open(db_path, UB_OPEN_EXISTING, &db, &e);
	if (rc == UB_OK) {
		char *pos[1] = { (char *)name };

		out = open_memstream(&buf, &len);
		rc = ub_cmd_plan(db, db_path, "resume-sweep", NULL, 1, pos, NULL, 0, out, &e);
		fclose(out);
		sw_keep(buf);
		sqlite3_close(db);
	}
	if (rc == UB_EDONE) {
		printf(SW_PROG ": %s\n", e.msg);
		exit(0);
	}
	if (rc)
		sw_die("--resume: %s", e.msg);
	av = sw_keep(calloc(len + 2, sizeof(char *)));
	av[n++] = "sweep";
	for (p = buf; p < buf + len; p += strlen(p) + 1)
		av[n++] = p;
	*argc = n;
	return av;
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc;) {
		const char *a, *v;
		int step = split_eq(argv, i, argc, &a, &v), n;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			sw_usage(stdout);
			exit(0);
		}
		if (step == 2) {
			if (sw_option_kind(a) == 2) {
				if (!strcmp(a, "--force"))
					sw.force = 1;
				else if (!strcmp(a, "--dry-run"))
					sw.dry = 1;
				else if (!strcmp(a, "--lab"))
					sw.lab = 1;
				else
					sw.prepare_on = 0;
				i++;
				continue;
			}
		}
		/* --precondition and --steady-state (phases.c) */
		n = sw_phases_option(a, v, step);
		if (n) {
			i += n;
			continue;
		}
		if (!is_valued(a))
			sw_die("unknown option '%s' (see --help)", step == 1 ? argv[i] : a);
		if (!v || !*v)
			sw_die("%s needs a value (see --help)", a);
		if (!strcmp(a, "--profile"))
			sw.opt_profile = v;
		else if (!strcmp(a, "--target"))
			sw.opt_target = v;
		else if (!strcmp(a, "--iodepths"))
			sw.opt_iodepths = v;
		else if (!strcmp(a, "--configs"))
			sw.opt_configs = v;
		else if (!strcmp(a, "--repeats"))
			sw.opt_repeats = v;
		else if (!strcmp(a, "--max-stddev-pct"))
			sw.opt_max_sd = v;
		else if (!strcmp(a, "--max-repeats"))
			sw.opt_max_repeats = v;
		else if (!strcmp(a, "--runtime"))
			sw.opt_runtime = v;
		else if (!strcmp(a, "--ramp"))
			sw.opt_ramp = v;
		else if (!strcmp(a, "--size"))
			sw.opt_size = v;
		else if (!strcmp(a, "--direct"))
			sw.opt_direct = v;
		else if (!strcmp(a, "--engine"))
			sw.opt_engine = v;
		else if (!strcmp(a, "--set"))
			set_var(v);
		else if (!strcmp(a, "--db"))
			sw.opt_db = v;
		else if (!strcmp(a, "--sweep-name"))
			sw.opt_name = v;
		else if (!strcmp(a, "--out"))
			sw.opt_out = v;
		else if (!strcmp(a, "--client"))
			sw.opt_clients = v;
		/* axis.c */
		else if (!strcmp(a, "--axis"))
			sw_axis_add(v);
		i += step;
	}
}

static int is_size(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (!n)
		return 0;
	s += n;
	if (!*s || !strcmp(s, "%"))
		return 1;
	if (!strchr("kKmMgGtT", *s))
		return 0;
	s++;
	if (*s == 'i')
		s++;
	if (*s == 'b' || *s == 'B')
		s++;
	return !*s;
}

/* ^[0-9]*\.?[0-9]+$ and more than 0 */
static int is_pct(const char *s)
{
	size_t a = strspn(s, "0123456789"), b = 0;

	if (s[a] == '.') {
		b = strspn(s + a + 1, "0123456789");
		if (!b || s[a + 1 + b])
			return 0;
	} else if (!a || s[a]) {
		return 0;
	}
	return strtod(s, NULL) > 0;
}

static void parse_iodepths(void)
{
	const char *p = sw.opt_iodepths;

	/* ^[0-9]+(,[0-9]+)*$ */
	for (const char *q = p;; q++) {
		size_t n = strspn(q, "0123456789");

		q += n;
		if (!n || (*q && *q != ','))
			sw_die("--iodepths: '%s' is not a comma-separated list of iodepths (e.g. "
			       "1,8,16,32)", p);
		if (!*q)
			break;
	}
	sw.nqd = 0;
	for (const char *q = p; *q;) {
		size_t n = strcspn(q, ",");
		char *d = sw_printf("%.*s", (int)n, q);

		if (!sw_is_posint(d) || strlen(d) - strspn(d, "0") > 5 || atol(d) > 65536)
			sw_die("--iodepths: '%s' is not an iodepth from 1 to 65536", d);
		if (sw.nqd == SW_MAXQD)
			sw_die("--iodepths: at most %d iodepths", SW_MAXQD);
		sw.qd[sw.nqd++] = atol(d);
		q += n + (q[n] == ',');
	}
}

static void parse_clients(void)
{
	const char *p = sw.opt_clients;

	if (!p)
		return;
	for (const char *q = p;;) {
		size_t n = strcspn(q, ",");
		char *c = sw_printf("%.*s", (int)n, q), *h, *port = NULL;
		struct sw_client cl = { .spec = c };

		if (c[0] == '[') {
			char *end = strchr(c, ']');

			if (!end || end == c + 1 || strspn(c + 1, "0123456789abcdefABCDEF:") !=
			    (size_t)(end - c - 1) || (end[1] && (end[1] != ':' || !end[2] ||
			    !sw_is_uint(end + 2))))
				sw_die("--client: '%s' is not HOST or HOST:PORT (IPv6: [ADDR]:PORT)", c);
			h = sw_printf("%.*s", (int)(end - c - 1), c + 1);
			port = end[1] ? end + 2 : NULL;
			cl.v6 = 1;
		} else {
			size_t hn = strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789._-");

			if (!hn || (c[hn] && (c[hn] != ':' || !c[hn + 1] || !sw_is_uint(c + hn + 1))))
				sw_die("--client: '%s' is not HOST or HOST:PORT (IPv6: [ADDR]:PORT)", c);
			h = sw_printf("%.*s", (int)hn, c);
			port = c[hn] ? c + hn + 1 : NULL;
		}
		cl.host = h;
		cl.port = 8765;
		if (port) {
			if (!sw_is_posint(port) || strlen(port) > 5 || atol(port) > 65535)
				sw_die("--client: '%s' has a bad port '%s'", c, port);
			cl.port = atoi(port);
		}
		sw.clients = sw_keep(realloc(sw.clients, (sw.nclients + 1) * sizeof(cl)));
		sw.clients[sw.nclients++] = cl;
		if (!q[n])
			break;
		q += n + 1;
	}
}

static int name_ok(const char *s)
{
	if (!isalnum((unsigned char)*s))
		return 0;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._+-", *s))
			return 0;
	return 1;
}

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

void sw_parse(int argc, char **argv)
{
	const char *resume_db = UB_DEFAULT_DB;
	char **av = argv;
	int ac = argc;

	sw.opt_profile = "seed-table";
	sw.opt_target = env_or("TARGET", NULL);
	sw.opt_iodepths = "1,8,16,32";
	sw.opt_repeats = "1";
	sw.opt_runtime = env_or("RUNTIME", "10");
	sw.opt_ramp = env_or("RAMP", "0");
	sw.opt_size = env_or("SIZE", NULL);
	sw.opt_direct = env_or("DIRECT", NULL);
	sw.opt_engine = env_or("ENGINE", "uringbpf");
	sw.opt_db = UB_DEFAULT_DB;
	sw.prepare_on = 1;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--resume") || !strncmp(argv[i], "--resume=", 9))
			sw.resume = "";
	if (sw.resume) {
		for (int i = 1; i < argc;) {
			const char *a, *v;
			int step = split_eq(argv, i, argc, &a, &v);

			if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
				sw_usage(stdout);
				exit(0);
			}
			if (strcmp(a, "--resume") && strcmp(a, "--db"))
				sw_die("--resume takes the sweep's options from the database, so '%s' "
				       "can't be given with it (only --db PATH)", argv[i]);
			if (!v || !*v)
				sw_die("%s needs a value (see --help)", a);
			if (!strcmp(a, "--resume"))
				sw.resume = v;
			else
				resume_db = v;
			i += step;
		}
		if (!*sw.resume)
			sw_die("--resume needs a value (see --help)");
		av = resume_argv(resume_db, sw.resume, &ac);
	}
	/* planfile.c: the file's options first, so the command line's win. */
	av = sw_planfile_argv(av, &ac);
	parse_args(ac, av);
	if (sw.resume) {
		sw.opt_db = resume_db;
		if (!sw.opt_name || strcmp(sw.opt_name, sw.resume))
			sw_die("--resume: sweep %s stored the options of sweep '%s'", sw.resume,
			       sw.opt_name ? sw.opt_name : "");
		if (sw.lab)
			sw_die("--resume: sweep %s ran in the kernel lab (--lab), whose guest runs the "
			       "whole plan in one boot; it can't be resumed: run it again under another "
			       "--sweep-name", sw.resume);
	}

	parse_iodepths();
	sw_axis_combos();
	if (!sw_is_posint(sw.opt_repeats) || strlen(sw.opt_repeats) > 9)
		sw_die("--repeats: '%s' is not a positive integer", sw.opt_repeats);
	sw.repeats = atol(sw.opt_repeats);
	if (!sw_is_posint(sw.opt_runtime) || strlen(sw.opt_runtime) > 9)
		sw_die("--runtime: '%s' is not a positive number of seconds", sw.opt_runtime);
	sw.runtime = atol(sw.opt_runtime);
	if (!sw_is_uint(sw.opt_ramp) || strlen(sw.opt_ramp) > 9)
		sw_die("--ramp: '%s' is not a number of seconds", sw.opt_ramp);
	sw.ramp = atol(sw.opt_ramp);
	if (sw.opt_direct && *sw.opt_direct && strcmp(sw.opt_direct, "0") &&
	    strcmp(sw.opt_direct, "1"))
		sw_die("--direct: '%s' is not 0 or 1", sw.opt_direct);
	if (sw.opt_size && *sw.opt_size && !is_size(sw.opt_size))
		sw_die("--size: '%s' is not a fio size (e.g. 512m, 4g, 100%%)", sw.opt_size);
	if (sw.opt_max_sd) {
		if (!is_pct(sw.opt_max_sd))
			sw_die("--max-stddev-pct: '%s' is not a positive percentage", sw.opt_max_sd);
		if (sw.repeats < 2)
			sw_die("--max-stddev-pct needs --repeats 2 or more (a stddev needs two samples)");
		sw.max_sd = strtod(sw.opt_max_sd, NULL);
		if (!sw.opt_max_repeats)
			sw.opt_max_repeats = sw_printf("%ld", 3 * sw.repeats);
		if (!sw_is_posint(sw.opt_max_repeats) || strlen(sw.opt_max_repeats) > 9 ||
		    atol(sw.opt_max_repeats) < sw.repeats)
			sw_die("--max-repeats: '%s' is not an integer >= --repeats (%ld)",
			       sw.opt_max_repeats, sw.repeats);
		sw.max_repeats = atol(sw.opt_max_repeats);
		sw.opt_max_repeats = sw_printf("%ld", sw.max_repeats);
	} else if (sw.opt_max_repeats) {
		sw_die("--max-repeats only applies with --max-stddev-pct");
	}
	if (!strcmp(sw.opt_engine, "uringbpf") || !strcmp(sw.opt_engine, "ours"))
		sw.engine = sw_printf("external:%s", env_or("UB_ENGINE", "uringbpf"));
	else if (!*sw.opt_engine)
		sw_die("--engine needs a value (see --help)");
	else
		sw.engine = sw.opt_engine;
	if (sw.lab) {
		size_t n = strlen(sw.engine);

		if (sw.opt_clients)
			sw_die("--lab and --client don't mix: the lab is one guest");
		if (sw.opt_max_sd)
			sw_die("--max-stddev-pct is not supported with --lab (the guest runs a fixed "
			       "plan in one boot)");
		if (access(sw_printf("%s/scripts/lab", sw.top), X_OK))
			sw_die("--lab needs scripts/lab (the kernel lab), which this checkout doesn't have");
		/* The guest has our engine where fio looks for external:uringbpf, not our paths. */
		if (!strncmp(sw.engine, "external:/", 10) && n >= 25 &&
		    !strcmp(sw.engine + n - 15, "fio-uringbpf.so"))
			sw.engine = "external:uringbpf";
		if (!sw.opt_target || !*sw.opt_target)
			sw.opt_target = "/dev/nvme0n1";
	}

	/* The profile: a name in the profiles directory, or a path. */
	if (strchr(sw.opt_profile, '/') || (strlen(sw.opt_profile) >= 4 &&
	    !strcmp(sw.opt_profile + strlen(sw.opt_profile) - 4, ".fio")))
		sw.profile_file = sw.opt_profile;
	else
		sw.profile_file = sw_printf("%s/%s.fio", env_or("UB_PROFILES_DIR",
					    sw_printf("%s/profiles", sw.top)), sw.opt_profile);
	sw.profile_name = sw_strdup(sw_basename(sw.profile_file));
	if (strlen(sw.profile_name) > 4 &&
	    !strcmp(sw.profile_name + strlen(sw.profile_name) - 4, ".fio"))
		((char *)sw.profile_name)[strlen(sw.profile_name) - 4] = 0;

	if (access(sw.profile_file, R_OK) || is_dir(sw.profile_file)) {
		const char *dir = env_or("UB_PROFILES_DIR", sw_printf("%s/profiles", sw.top));
		char *avail = NULL;
		struct dirent **ents;
		int n;

		setlocale(LC_COLLATE, "");	/* ls's order */
		n = scandir(dir, &ents, NULL, alphasort);

		for (int i = 0; i < n; i++) {
			size_t l = strlen(ents[i]->d_name);

			if (l > 4 && !strcmp(ents[i]->d_name + l - 4, ".fio"))
				avail = sw_printf("%s%s%.*s", avail ? avail : "", avail ? "," : "",
						  (int)l - 4, ents[i]->d_name);
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
		sw_die("--profile: no profile '%s' (%s); available: %s", sw.opt_profile,
		       sw.profile_file, avail ? avail : "none");
	}
	if (!sw.opt_target || !*sw.opt_target)
		sw_die("--target is required: a block device, NVMe char device or file (or TARGET=PATH)");
	sw.target = sw.opt_target;
	if (strpbrk(sw.target, " \t\n\r\v\f"))
		sw_die("--target: '%s' contains whitespace, which fio's filename= can't take", sw.target);
	parse_clients();

	if (sw.opt_name) {
		sw.name = sw.opt_name;
	} else {
		char b[32];
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(b, sizeof(b), "%Y%m%d-%H%M%S", &tm);
		sw.name = sw_printf("%s-%s", sw.profile_name, b);
	}
	if (!name_ok(sw.name))
		sw_die("--sweep-name: '%s' may hold only letters, digits and . _ + - (it names a "
		       "directory)", sw.name);
	sw.out = sw.opt_out ? sw.opt_out : sw_printf("results/%s", sw.name);

	sw.fio = env_or("UB_FIO", NULL);
	if (!sw.fio) {
		char *path = getenv("PATH") ? sw_strdup(getenv("PATH")) : sw_strdup("/usr/bin:/bin");

		for (char *d = strtok(path, ":"); d && !sw.fio; d = strtok(NULL, ":")) {
			char *f = sw_printf("%s/fio", d);

			if (!access(f, X_OK))
				sw.fio = f;
		}
		if (!sw.fio && !access(sw_printf("%s/.deps/fio/fio", sw.top), X_OK))
			sw.fio = sw_printf("%s/.deps/fio/fio", sw.top);
	}
	if (!sw.fio || access(sw.fio, X_OK))
		sw_die("fio not found: run scripts/install-deps.sh, or set UB_FIO=PATH");
}
