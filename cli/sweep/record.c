// SPDX-License-Identifier: GPL-2.0
/*
 * A finished fio run: classified, imported, reported on one line.
 * The verdict comes from the engine's report (results-db/engine_report.c
 * decides it from the stable code: ok, skip, fail; the first job that did
 * not run decides, fail beats skip).  Without a report (another engine, fio
 * stopped before the engine started, --client) the run failed, and the first
 * "fio: " line of fio's output is shown as the reason: fio's own words, not
 * parsed for a decision.  A run fio finished is imported in process
 * (results-db/db_import.c), with its engine report, CPU and IOPS log; its
 * figures are read back as the database computed them (run-summary).
 * --client output is split here into one fio JSON per host, each host
 * imported as its own run from its own file.
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

/* One value of sql over the JSON document doc (?1), or NULL. */
static char *json_sql(const char *sql, const char *doc, const char *p2, int p3)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
		if (p2 && sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 3)
			sqlite3_bind_int(st, 3, p3);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			v = sw_strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

/* Valid fio JSON with jobs, and no job with an error. */
static int json_ok(const char *path)
{
	const char *doc = sw_read_file(path, NULL);
	char *v;

	if (!doc)
		return 0;
	v = json_sql("SELECT json_valid(?1) AND json_array_length(?1, '$.jobs') > 0 AND"
		     " (SELECT coalesce(sum(json_extract(value, '$.error')), 0) FROM"
		     "  json_each(?1, '$.jobs')) = 0", doc, NULL, 0);
	return v && !strcmp(v, "1");
}

static FILE *import_log(void)
{
	return fopen(sw_printf("%s/log/import.log", sw.out), "a");
}

/*
 * fio --client writes job descriptions before its JSON, and one entry per
 * host under client_stats (plus an "All clients" sum): one ordinary fio
 * JSON per host, BASE@HOST_PORT.json; hosts[i] names the file of client i.
 */
static int split_clients(const char *raw, const char *base, const char **files)
{
	static const char sql[] =
		"WITH j(d) AS (SELECT json(?1))"
		" SELECT json_object("
		"  'fio version', json_extract(d, '$.\"fio version\"'),"
		"  'timestamp', json_extract(d, '$.timestamp'),"
		"  'timestamp_ms', json_extract(d, '$.timestamp_ms'),"
		"  'time', json_extract(d, '$.time'),"
		/* One client: an object; several: an array with hostname/port per entry. */
		"  'global options', CASE json_type(d, '$.\"global options\"')"
		"   WHEN 'array' THEN (SELECT json(value) FROM json_each(json_extract(d, '$.\"global options\"'))"
		"    WHERE json_extract(value, '$.hostname') = ?2 AND json_extract(value, '$.port') = ?3)"
		"   ELSE json_extract(d, '$.\"global options\"') END,"
		"  'jobs', (SELECT json_group_array(json(value))"
		"   FROM json_each(json_extract(d, '$.client_stats'))"
		"   WHERE json_extract(value, '$.hostname') = ?2 AND json_extract(value, '$.port') = ?3"
		"   AND json_extract(value, '$.jobname') <> 'All clients'))"
		" FROM j";
	const char *text = sw_read_file(raw, NULL), *clean;
	const char *clean_path = sw_printf("%s.clients.json", base);
	FILE *f;

	if (!text)
		return -1;
	/* From the first line that starts with '{'. */
	clean = text[0] == '{' ? text : strstr(text, "\n{");
	if (!clean)
		return -1;
	if (clean != text)
		clean++;
	f = fopen(clean_path, "w");
	if (!f || fputs(clean, f) < 0 || fclose(f))
		return -1;
	for (int i = 0; i < sw.nclients; i++) {
		const struct sw_client *c = &sw.clients[i];
		char *host = sw_strdup(c->host), *out;

		for (char *p = host; *p; p++)
			if (*p == ':')
				*p = '_';
		files[i] = sw_printf("%s@%s_%d.json", base, host, c->port);
		out = json_sql(sql, clean, c->host, c->port);
		if (!out)
			return -1;
		f = fopen(files[i], "w");
		if (!f || fprintf(f, "%s\n", out) < 0 || fclose(f))
			return -1;
	}
	unlink(raw);
	return 0;
}

/* import: the run in file f, of config c, repeat rep, on host h. */
static int import_run(const char *f, const char *c, long rep, const char *h, const char *kern,
		      const char *ring, const char *report, const char *cpu, const char *iops)
{
	struct ub_import_opts o = { .sweep = sw.name, .config = c, .host = h, .kernel = kern,
				    .axes = sw.ax,
				    .repeat = rep };
	struct ub_tag tags[6];
	struct ub_device dev;
	struct ub_host local;
	struct ub_err e = { "" };
	const char *names[64], *bufs[64];
	size_t lens[64];
	const char *buf;
	size_t len = 0;
	FILE *log = import_log();
	int nt = 0, rc = UB_OK;

	if (ub_host_probe(&local) == 0)
		o.local = &local;
	tags[nt++] = (struct ub_tag){ "profile", sw.profile_name };
	tags[nt++] = (struct ub_tag){ "engine", sw.engine };
	tags[nt++] = (struct ub_tag){ "target_kind", sw.kind == SW_FILE ? "file" :
				      sw.kind == SW_BLOCK ? "block" : sw.kind == SW_CHAR ? "char" :
				      sw.kind == SW_REMOTE ? "remote" : "lab" };
	if (ring && *ring)
		tags[nt++] = (struct ub_tag){ "ring", ring };
	if (*sw.device_model)
		tags[nt++] = (struct ub_tag){ "device_model", sw.device_model };
	o.tags = tags;
	o.ntags = nt;
	if (report) {
		o.engine_report_name = report;
		o.engine_report = sw_read_file(report, &o.engine_report_len);
		if (!o.engine_report)
			rc = ub_fail(&e, UB_EDATA, "--engine-report %s: cannot read: %s", report,
				     strerror(errno));
	}
	if (rc == UB_OK && cpu) {
		o.cpu_json_name = cpu;
		o.cpu_json = sw_read_file(cpu, &o.cpu_json_len);
		if (!o.cpu_json)
			rc = ub_fail(&e, UB_EDATA, "--cpu-json %s: cannot read: %s", cpu, strerror(errno));
	}
	if (rc == UB_OK && iops) {
		glob_t g;
		int n = 0;

		if (!glob(sw_printf("%s_iops.*.log", iops), 0, NULL, &g)) {
			for (size_t i = 0; i < g.gl_pathc && n < 64; i++) {
				size_t l = 0;
				const char *b = sw_read_file(g.gl_pathv[i], &l);

				if (!b || !l)
					continue;
				names[n] = sw_strdup(g.gl_pathv[i]);
				bufs[n] = b;
				lens[n++] = l;
			}
		}
		globfree(&g);
		o.iops_log_names = names;
		o.iops_logs = bufs;
		o.iops_log_lens = lens;
		o.n_iops_logs = n;
	}
	/* The database describes a local device itself; remote and lab targets are named by the jobs. */
	if (rc == UB_OK && (sw.kind == SW_FILE || sw.kind == SW_BLOCK || sw.kind == SW_CHAR)) {
		rc = ub_device_identify(sw.target, &dev, &e);
		o.device = &dev;
	}
	buf = rc == UB_OK ? sw_read_file(f, &len) : NULL;
	if (rc == UB_OK && !buf)
		rc = ub_fail(&e, UB_EDATA, "%s: cannot read: %s", f, strerror(errno));
	if (rc == UB_OK)
		rc = ub_import_buf(sw.db, f, buf, len, &o, log, &e);
	if (rc && log)
		fprintf(log, "uringbpf-db import: %s\n", e.msg);
	if (log)
		fclose(log);
	return rc;
}

/*
 * run-summary's first line of the run imported from f: kIOPS (as printed),
 * p99, cores, and kIOPS to 3 decimals (the variance gate's sample).
 */
static void run_summary(const char *f, char **kiops, char **p99, char **cores, char **kiops3)
{
	struct ub_err e = { "" };
	size_t len = 0, olen = 0;
	const char *buf = sw_read_file(f, &len);
	char hash[65], *out = NULL, *fld[7] = { 0 };
	FILE *o;
	int n = 0;

	*kiops = *kiops3 = "0";
	*p99 = "-";
	*cores = "-";
	if (!buf)
		return;
	ub_sha256_hex(buf, len, hash);
	o = open_memstream(&out, &olen);
	if (ub_cmd_run_summary(sw.db, f, hash, o, &e)) {
		FILE *log = import_log();

		if (log) {
			fprintf(log, "uringbpf-db run-summary: %s\n", e.msg);
			fclose(log);
		}
	}
	fclose(o);
	sw_keep(out);
	out[strcspn(out, "\n")] = 0;
	for (char *p = strtok(out, "\t"); p && n < 7; p = strtok(NULL, "\t"))
		fld[n++] = p;
	if (n == 7) {
		*kiops = fld[1];
		*p99 = fld[2];
		*cores = fld[5];
		*kiops3 = fld[6];
	}
}

/* The first "fio: " line (after an optional "<host> ") of text, or NULL. */
static char *first_fio_line(const char *text)
{
	for (const char *l = text; l && *l;) {
		size_t len = strcspn(l, "\n");
		const char *p = l;

		if (*p == '<') {
			const char *gt = memchr(p, '>', len);

			if (gt && !memchr(p + 1, '<', gt - p - 1) && gt[1] == ' ')
				p = gt + 2;
		}
		if ((size_t)(p - l) <= len && !strncmp(p, "fio: ", 5) && (size_t)(p - l) + 5 <= len)
			return sw_printf("%.*s", (int)(len - (p - l)), p);
		l += len + (l[len] == '\n');
	}
	return NULL;
}

/* The progress line's mark of a point fio did not judge steady (--steady-state). */
#define SS_MARK "  § steady state not attained"

/* The jobs of the run imported from f that used ss= and did not attain it. */
static int steady_missed(const char *f)
{
	struct ub_err e = { "" };
	size_t len = 0;
	const char *buf = sw_read_file(f, &len);
	int with = 0, missed = 0;

	if (buf && ub_run_steady_state(sw.db, buf, len, &with, &missed, &e)) {
		FILE *log = import_log();

		if (log) {
			fprintf(log, "uringbpf-db steady state: %s\n", e.msg);
			fclose(log);
		}
	}
	return missed;
}

static int is_local_host(const char *spec)
{
	char host[256] = "";
	const char *colon = strrchr(spec, ':');
	char *h = colon ? sw_printf("%.*s", (int)(colon - spec), spec) : sw_strdup(spec);

	gethostname(host, sizeof(host) - 1);
	return !strncmp(h, "127.", 4) || !strcmp(h, "localhost") || !strcmp(h, "::1") ||
	       !strcmp(h, host);
}

int sw_record_point(const char *c, long qd, long rep, int rc, long t0, long t1)
{
	int ci = sw_config_index(c);
	struct sw_config *cfg = &sw.cfg[ci < 0 ? 0 : ci];	/* c is one of the plan's configs */
	const char *base = sw_printf("%s/json/%s/%s-r%ld", sw.out, c, sw_ptag(qd), rep);
	const char *json = sw_printf("%s.json", base), *tmp = sw_printf("%s.json.tmp", base);
	const char *log = sw_printf("%s/log/%s-%s-r%ld.log", sw.out, c, sw_ptag(qd), rep);
	const char *report = sw_printf("%s/log/%s-%s-r%ld.report.jsonl", sw.out, c, sw_ptag(qd), rep);
	const char *cpu = sw_printf("%s/cpu/%s/%s-r%ld.json", sw.out, c, sw_ptag(qd), rep);
	const char *ring = NULL, **files, **hosts;
	char *eng = NULL, *sum, *sample, *p99 = "-", *cores = "-", *ctext = "";
	double dsum = 0, dsample = 0;
	long idx = sw.n_done + sw.n_failed + 1;
	const char *rbuf;
	size_t len = 0;
	int nh, allok = 1, ss_missed = 0;

	/* The engine's report, a line per job: JOB OUTCOME CODE VERDICT RING MESSAGE. */
	rbuf = sw_read_file(report, &len);
	if (rbuf && len) {
		struct ub_err e = { "" };
		size_t olen = 0;
		FILE *o = open_memstream(&eng, &olen);
		const char *buf = rbuf;

		if (ub_cmd_engine_report(report, buf, len, o, &e)) {
			FILE *l = import_log();

			if (l) {
				fprintf(l, "uringbpf-db engine-report: %s\n", e.msg);
				fclose(l);
			}
			fclose(o);
			free(eng);
			eng = NULL;
		} else {
			fclose(o);
			sw_keep(eng);
		}
	}
	if (rc || !sw_read_file(tmp, &len) || !len) {
		const char *failed = sw_printf("%s.json.failed", base);
		const char *verdict = NULL, *reason = NULL, *fcode = NULL, *ftext = NULL;

		if (!access(tmp, F_OK))
			rename(tmp, failed);
		for (char *l = eng ? sw_strdup(eng) : NULL, *next; l && *l; l = next) {
			char *f[6];

			next = l + strcspn(l, "\n");
			if (*next)
				*next++ = 0;
			if (sw_split_tabs(l, f, 6) < 6 || !strcmp(f[3], "ok"))
				continue;
			if (!verdict || (!strcmp(f[3], "fail") && !strcmp(verdict, "skip"))) {
				reason = sw_printf("%s (%s)", f[5], f[2]);
				verdict = f[3];
				fcode = f[2];
				ftext = f[5];
			}
		}
		if (!verdict) {
			const char *doc = sw_read_file(failed, NULL);
			char *err = doc ? json_sql("SELECT max(json_extract(value, '$.error')) FROM"
						   " json_each(?1, '$.jobs')", doc, NULL, 0) : NULL;
			const char *text = sw_printf("%s%s", sw_read_file(log, NULL) ?
						     sw_read_file(log, NULL) : "", doc ? doc : "");

			verdict = "fail";
			reason = first_fio_line(text);
			if (!reason)
				reason = sw_printf("fio exited with status %d%s%s", rc,
						   err ? ", job error " : "", err ? err : "");
			fcode = "fio_exit";
			ftext = reason;
		}
		if (!strcmp(verdict, "skip")) {
			/* Refused before any I/O: the target or kernel can't do this config. */
			cfg->stop = sw_printf("refused at qd=%ld%s: %s", qd, sw_ax_note(), reason);
			printf("skipped: %s (log: %s)\n", reason, log);
			fflush(stdout);
			sw_fate(c, qd, rep, "skipped", fcode, ftext);
		} else {
			cfg->stop = sw_printf("failed at qd=%ld%s rep %ld: %s", qd, sw_ax_note(), rep,
					      reason);
			printf("FAILED: %s (log: %s)\n", reason, log);
			fflush(stdout);
			sw_fate(c, qd, rep, "failed", fcode, ftext);
		}
		sw.n_failed++;
		return 1;
	}
	rename(tmp, sw_printf("%s.raw.json", base));
	/* The ring the kernel accepted, from the report's first job that ran. */
	for (char *l = eng ? sw_strdup(eng) : NULL, *next; l && *l && !ring; l = next) {
		char *f[6];

		next = l + strcspn(l, "\n");
		if (*next)
			*next++ = 0;
		if (sw_split_tabs(l, f, 6) == 6 && !strcmp(f[3], "ok") && strcmp(f[4], "-"))
			ring = f[4];
	}
	if (sw.nclients) {
		nh = sw.nclients;
		files = sw_keep(calloc(nh, sizeof(char *)));
		hosts = sw_keep(calloc(nh, sizeof(char *)));
		if (split_clients(sw_printf("%s.raw.json", base), base, files)) {
			printf("FAILED: can't split the client JSON %s.raw.json\n", base);
			fflush(stdout);
			sw.n_failed++;
			cfg->stop = "client JSON split failed";
			sw_fate(c, qd, rep, "failed", "client_json",
				sw_printf("can't split the client JSON %s.raw.json", base));
			return 1;
		}
		for (int i = 0; i < nh; i++)
			hosts[i] = sw.clients[i].spec;
	} else {
		nh = 1;
		rename(sw_printf("%s.raw.json", base), json);
		files = &json;
		hosts = &sw.host_label;
	}
	for (int i = 0; i < nh; i++) {
		const char *kern = sw.host_kernel, *cpu_f = NULL, *kiops, *kiops3;

		if (!json_ok(files[i])) {
			printf("FAILED: fio's JSON %s shows an error or no jobs\n", files[i]);
			fflush(stdout);
			cfg->stop = sw_printf("fio JSON with an error at qd=%ld%s", qd, sw_ax_note());
			allok = 0;
			sw_fate(c, qd, rep, "failed", "fio_json",
				sw_printf("fio's JSON %s shows an error or no jobs", files[i]));
			continue;
		}
		/*
		 * A remote server's kernel is not in fio's own JSON: with our engine its
		 * host_identity=1 says it (the importer fills an 'unknown' kernel from it);
		 * otherwise it is known only on loopback.
		 */
		if (sw.nclients && !is_local_host(hosts[i]))
			kern = "unknown";
		if (!sw.nclients && sw_read_file(cpu, &len) && len)
			cpu_f = cpu;
		if (import_run(files[i], c, rep, hosts[i], kern, ring, eng ? report : NULL, cpu_f,
			       sw.nclients ? NULL : sw_printf("%s/iops/%s/%s-r%ld", sw.out, c,
							     sw_ptag(qd), rep))) {
			char *l = sw_read_file(sw_printf("%s/log/import.log", sw.out), NULL);

			printf("FAILED: import of %s (see %s/log/import.log):\n", files[i], sw.out);
			/* Its last 3 lines, indented (tail -n 3). */
			if (l) {
				char *end = l + strlen(l), *p;
				int nl = 0;

				if (end > l && end[-1] == '\n')
					end--;
				for (p = end; p > l; p--)
					if (p[-1] == '\n' && ++nl == 3)
						break;
				while (p < end) {
					size_t n = strcspn(p, "\n");

					printf("    %.*s\n", (int)n, p);
					p += n + 1;
				}
			}
			fflush(stdout);
			sw_warn("stopping: the database refused a result; finished runs are imported");
			sw_fate(c, qd, rep, "failed", "import_refused",
				sw_printf("the database refused %s (see %s/log/import.log)", files[i],
					  sw.out));
			exit(1);
		}
		run_summary(files[i], (char **)&kiops, &p99, &cores, (char **)&kiops3);
		if (sw.opt_ss)
			ss_missed += steady_missed(files[i]);
		dsum += strtod(kiops, NULL);
		dsample += strtod(kiops3, NULL);
		/* each step rounded as the printf of the summary: %.1f and %.3f */
		dsum = strtod(sw_printf("%.1f", dsum), NULL);
		dsample = strtod(sw_printf("%.3f", dsample), NULL);
	}
	if (!allok) {
		sw.n_failed++;
		return 1;
	}
	sum = sw_printf("%.1f", dsum);
	sample = sw_printf("%.3f", dsample);
	sw_sample_add(c, qd, strtod(sample, NULL));
	sw.n_done++;
	/* One host's CPU (a sum over --client hosts would mix their job-only figures). */
	if (strcmp(cores, "-") && sw.nclients <= 1)
		ctext = sw_printf("%s cores   ", cores);
	if (t1 == 0) {	/* not timed here (the lab) */
		size_t n = strlen(ctext);

		printf("%8s kIOPS  p99 %7s us   %.*s%s\n", sum, p99, (int)(n >= 3 ? n - 3 : n), ctext,
		       ss_missed ? SS_MARK : "");
		fflush(stdout);
		return 0;
	}
	sw.busy += t1 - t0;
	sw.n_timed++;
	printf("%8s kIOPS%s  p99 %7s us   %s%s elapsed, ETA %s%s\n", sum,
	       sw.nclients > 1 ? sw_printf(" (sum of %d hosts)", sw.nclients) : "", p99, ctext,
	       sw_fmt_time(sw_now() - sw.t_start), sw_fmt_time(sw.busy / sw.n_timed * (sw.total - idx)),
	       ss_missed ? SS_MARK : "");
	fflush(stdout);
	return 0;
}
