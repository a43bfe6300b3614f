// SPDX-License-Identifier: GPL-2.0
/*
 * What the charts say beside the data: the context line (device, kernel,
 * host, fio, date: results-db/listing.c's info) and what the sweep did not
 * run, and why (the database's plan: sweep_plan.c's not-run; a sweep run
 * before schema version 6 has only its folder's skipped.tsv).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/plot/plot.h"

/* A library listing into a string (its lines are KEY=VALUE or tab separated). */
static char *listing(int (*fn)(sqlite3 *, const char *, FILE *, struct ub_err *),
		     sqlite3 *db, const char *sweep, struct ub_err *e, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		*rc = ub_fail(e, UB_EDATA, "out of memory");
		return NULL;
	}
	*rc = fn(db, sweep, f, e);
	if (fclose(f) && !*rc)
		*rc = ub_fail(e, UB_EDATA, "out of memory");
	if (*rc) {
		free(buf);
		return NULL;
	}
	return buf;
}

int plot_info_load(sqlite3 *db, const char *sweep, struct plot_info *i)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "device", offsetof(struct plot_info, device) },
		{ "kernel", offsetof(struct plot_info, kernel) },
		{ "host", offsetof(struct plot_info, host) },
		{ "fio_version", offsetof(struct plot_info, fio_version) },
		{ "date", offsetof(struct plot_info, date) },
	};
	struct ub_err e = { "" };
	char *text, *line, *save = NULL;
	int rc;

	memset(i, 0, sizeof(*i));
	text = listing(ub_cmd_info, db, sweep, &e, &rc);
	if (!text)
		return plot_err("reading the runs of sweep '%s': %s", sweep, e.msg);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq)
			continue;
		*eq = 0;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			char **slot = (char **)((char *)i + keys[k].off);

			if (!strcmp(line, keys[k].key) && !*slot)
				*slot = strdup(eq + 1);
		}
	}
	free(text);
	return 0;
}

void plot_info_free(struct plot_info *i)
{
	free(i->device);
	free(i->kernel);
	free(i->host);
	free(i->fio_version);
	free(i->date);
	memset(i, 0, sizeof(*i));
}

char *plot_context_line(const struct plot_info *i, const char *keys)
{
	static const struct { const char *key; size_t off; int bare; } all[] = {
		{ "device", offsetof(struct plot_info, device), 0 },
		{ "kernel", offsetof(struct plot_info, kernel), 0 },
		{ "host", offsetof(struct plot_info, host), 0 },
		{ "fio_version", offsetof(struct plot_info, fio_version), 1 },
		{ "date", offsetof(struct plot_info, date), 1 },
	};
	struct sb b = { 0 };
	char *dup = strdup(keys), *k, *save = NULL;
	int n = 0;

	for (k = dup ? strtok_r(dup, " ", &save) : NULL; k; k = strtok_r(NULL, " ", &save)) {
		for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++) {
			const char *v = *(char *const *)((const char *)i + all[j].off);

			if (strcmp(k, all[j].key) || !v || !*v)
				continue;
			/* fio_version and date read alone: "fio-3.41", not "fio_version fio-3.41". */
			sb_printf(&b, "%s%s%s%s", n++ ? "  ·  " : "", all[j].bare ? "" : k,
				  all[j].bare ? "" : " ", v);
		}
	}
	free(dup);
	if (!dup || !sb_str(&b)) {
		sb_free(&b);
		return NULL;
	}
	return b.s ? b.s : strdup("");
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while (m && (c = getc(f)) != EOF)
		putc(c, m);
	fclose(f);
	if (!m || fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* FILE holds the line "sweep=NAME". */
static int names_sweep(const char *path, const char *sweep)
{
	char *text = read_text(path), *line, *save = NULL;
	int hit = 0;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !hit;
	     line = strtok_r(NULL, "\n", &save))
		hit = !strncmp(line, "sweep=", 6) && !strcmp(line + 6, sweep);
	free(text);
	return hit;
}

/*
 * The folder a pre-plan sweep wrote: its first run's file is
 * DIR/json/CONFIG/FILE.json (the sweep's layout), else NULL.
 */
static char *sweep_folder(sqlite3 *db, const char *sweep)
{
	sqlite3_stmt *st;
	char *dir = NULL;

	if (sqlite3_prepare_v2(db, "SELECT file FROM runs WHERE sweep = ?1 ORDER BY id LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, sweep, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		char *f = strdup((const char *)sqlite3_column_text(st, 0)), *s1, *s2, *j;

		/* Cut ".../json/A/B" at "/json/" when A and B are single names. */
		s2 = f ? strrchr(f, '/') : NULL;
		if (s2 && s2 > f && s2[1]) {
			*s2 = 0;
			s1 = strrchr(f, '/');
			if (s1 && s1[1] && s1 - f >= 5) {
				j = s1 - 5;
				if (!strncmp(j, "/json", 5)) {
					*j = 0;
					dir = strdup(f);
				}
			}
		}
		free(f);
	}
	sqlite3_finalize(st);
	return dir;
}

/* Count UTF-8 characters; the byte offset of character n. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static size_t utf8_offset(const char *s, size_t chars)
{
	const char *p = s;

	for (size_t n = 0; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && n++ == chars)
			break;
	}
	return p - s;
}

/* Field k (0-based) of a tab-separated line, copied into buf. */
static const char *field(const char *line, int k, char *buf, size_t len)
{
	for (; k > 0 && line; k--) {
		line = strchr(line, '\t');
		line = line ? line + 1 : NULL;
	}
	snprintf(buf, len, "%.*s", line ? (int)strcspn(line, "\t") : 0, line ? line : "");
	return buf;
}

/*
 * The footnote: "Not run: A, B: REASON; C: OTHER REASON", the configs of
 * one reason together, first seen first; at most 170 characters.
 */
static char *not_run_note(const char *skipped)
{
	struct { char *reason; struct sb cfgs; } *r = NULL;
	int n = 0;
	struct sb b = { 0 };
	char *text = strdup(skipped), *line, *save = NULL, *note;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char cfg[1024], reason[2048];
		int k;

		field(line, 0, cfg, sizeof(cfg));
		field(line, 2, reason, sizeof(reason));
		if (!strncmp(reason, "FAILED: ", 8))
			memcpy(reason, "failed", 6);
		for (k = 0; k < n && strcmp(r[k].reason, reason); k++)
			;
		if (k == n) {
			void *nr = realloc(r, sizeof(*r) * (n + 1));

			if (!nr)
				break;
			r = nr;
			r[n].reason = strdup(reason);
			memset(&r[n].cfgs, 0, sizeof(r[n].cfgs));
			n++;
		}
		sb_printf(&r[k].cfgs, "%s%s", r[k].cfgs.len ? ", " : "", cfg);
	}
	for (int k = 0; k < n; k++) {
		sb_printf(&b, "%s%s: %s", k ? "; " : "Not run: ", sb_str(&r[k].cfgs) ?
			  sb_str(&r[k].cfgs) : "", r[k].reason ? r[k].reason : "");
		free(r[k].reason);
		sb_free(&r[k].cfgs);
	}
	free(r);
	free(text);
	note = b.s ? b.s : strdup("");
	if (!sb_str(&b)) {
		free(b.s);
		return NULL;
	}
	if (note && utf8_len(note) > 170)
		strcpy(note + utf8_offset(note, 167), "...");
	return note;
}

int plot_not_run(struct plot *p)
{
	struct ub_err e = { "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	/* A sweep with a plan (schema version 6 on): the plan says. */
	f = fopen("/dev/null", "w");
	rc = f ? ub_cmd_plan(p->db, p->o->db_path, "plan", p->f.sweep, 0, NULL, NULL, 0, f, &e) : 1;
	if (f)
		fclose(f);
	if (rc == UB_OK) {
		f = open_memstream(&buf, &len);
		if (!f)
			return plot_err("out of memory");
		rc = ub_cmd_plan(p->db, p->o->db_path, "not-run", p->f.sweep, 0, NULL, NULL, 0, f, &e);
		if (fclose(f) && !rc)
			rc = ub_fail(&e, UB_EDATA, "out of memory");
		if (rc) {
			free(buf);
			return plot_err("reading what sweep %s did not run: %s", p->f.sweep, e.msg);
		}
		p->skipped = buf;
	} else {
		/* Older: the shell sweep's skipped.tsv in --out, or where its JSON files were. */
		char *dirs[2] = { strdup(p->out), sweep_folder(p->db, p->f.sweep) };

		for (int i = 0; i < 2 && !p->skipped; i++) {
			char tsv[4200], env[4200];
			struct stat sst;

			if (!dirs[i] || !*dirs[i])
				continue;
			snprintf(tsv, sizeof(tsv), "%s/skipped.tsv", dirs[i]);
			snprintf(env, sizeof(env), "%s/sweep.env", dirs[i]);
			if (!stat(tsv, &sst) && S_ISREG(sst.st_mode) && names_sweep(env, p->f.sweep))
				p->skipped = read_text(tsv);
		}
		free(dirs[0]);
		free(dirs[1]);
	}
	if (p->skipped && !*p->skipped) {
		free(p->skipped);
		p->skipped = NULL;
	}
	p->note = p->skipped ? not_run_note(p->skipped) : strdup("");
	return p->note ? 0 : plot_err("out of memory");
}
