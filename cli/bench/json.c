// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the files a run leaves: one number of a JSON document through
 * SQLite's JSON functions (as the results library reads fio's JSON), whole
 * files, and the last lines of a run's output for its FAILED message.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench/bench.h"

double bench_json_num(const char *json, const char *path)
{
	static sqlite3 *db;
	sqlite3_stmt *st = NULL;
	double v = NAN;

	if (!json)
		return NAN;
	if (!db && sqlite3_open(":memory:", &db) != SQLITE_OK)
		return NAN;
	if (sqlite3_prepare_v2(db, "SELECT json_extract(?1, ?2) WHERE json_valid(?1)", -1, &st,
			       NULL) != SQLITE_OK)
		return NAN;
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int t = sqlite3_column_type(st, 0);

		if (t == SQLITE_INTEGER || t == SQLITE_FLOAT)
			v = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

char *bench_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 14, n = 0;
	char *buf, *nb;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		nb = realloc(buf, cap * 2 + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		if (len)
			*len = n;
	}
	return buf;
}

/* Appends the last non-empty lines of path (at most *left of them, newest last). */
static void last_lines(const char *path, char lines[][512], int *nl)
{
	char *text = bench_read_file(path, NULL), *save, *l;

	if (!text)
		return;
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!*l)
			continue;
		if (*nl == 4) {
			memmove(lines[0], lines[1], 3 * sizeof(lines[0]));
			*nl = 3;
		}
		snprintf(lines[(*nl)++], 512, "%s", l);
	}
	free(text);
}

void bench_tail(const char *stderr_path, const char *stdout_path, char *buf, size_t len)
{
	char a[4][512], c[4][512];
	int na = 0, nc = 0, i, from;
	size_t used = 0;

	buf[0] = 0;
	/* As the script's tail -n 2 of each, then the last 2 lines of both. */
	last_lines(stderr_path, a, &na);
	if (stdout_path)
		last_lines(stdout_path, c, &nc);
	{
		char all[4][512];
		int n = 0;

		for (i = na > 2 ? na - 2 : 0; i < na; i++)
			memcpy(all[n++], a[i], 512);
		for (i = nc > 2 ? nc - 2 : 0; i < nc; i++)
			memcpy(all[n++], c[i], 512);
		from = n > 2 ? n - 2 : 0;
		for (i = from; i < n && used < len; i++)
			used += snprintf(buf + used, len - used, "%s%s", i > from ? " " : "", all[i]);
	}
}
