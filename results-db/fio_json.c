// SPDX-License-Identifier: GPL-2.0
/*
 * Find and vet the fio JSON document inside a file's bytes. fio may print
 * text around it ("note: ..." warnings, "<host>" lines from --client, the
 * normal report after it with --output-format=json,normal); SQLite's JSON
 * functions decide what is valid JSON and what it holds.
 */
#include <stdint.h>
#include <string.h>

#include "results-db/fio_json.h"

static int json_valid_span(sqlite3 *db, const char *s, size_t n, int *valid, struct ub_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "checking JSON");
	rc = sqlite3_bind_text(st, 1, s, (int)n, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*valid = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? UB_OK : ub_fail_sql(e, db, "checking JSON");
}

/* fio closes its document with a "}" alone at the start of a line. */
static const char *doc_end(const char *s, const char *end)
{
	const char *p;

	for (p = s; p + 1 < end; p++) {
		p = memchr(p, '\n', (size_t)(end - p - 1));
		if (!p)
			return NULL;
		if (p[1] == '}' && (p + 2 == end || p[2] == '\n' || p[2] == '\r'))
			return p + 2;
	}
	return NULL;
}

static int locate(sqlite3 *db, const char *name, const char *buf, size_t len,
		  struct fio_doc *doc, struct ub_err *e)
{
	const char *end = buf + len, *s, *cut, *last;
	int valid = 0, rc;

	if (len > INT32_MAX)
		return ub_fail(e, UB_EDATA, "%s: too large (%zu bytes)", name, len);
	if (memchr(buf, 0, len))
		return ub_fail(e, UB_EDATA, "%s: contains NUL bytes: not fio JSON output", name);
	s = memchr(buf, '{', len);
	if (!s)
		return ub_fail(e, UB_EDATA,
			       "%s: no JSON object found: not fio --output-format=json output", name);
	rc = json_valid_span(db, s, (size_t)(end - s), &valid, e);
	if (rc)
		return rc;
	if (valid)
		goto found;
	cut = doc_end(s, end);
	if (cut) {
		rc = json_valid_span(db, s, (size_t)(cut - s), &valid, e);
		if (rc)
			return rc;
		if (valid) {
			if (memmem(cut, (size_t)(end - cut), "\"fio version\"", 13))
				return ub_fail(e, UB_EDATA,
					       "%s: holds several fio JSON documents (--status-interval?): "
					       "import the last one on its own", name);
			end = cut;
			goto found;
		}
	}
	for (last = end; last > s && strchr(" \t\r\n", last[-1]); last--)
		;
	if (last[-1] != '}')
		return ub_fail(e, UB_EDATA,
			       "%s: truncated JSON: the document ends before its closing '}'", name);
	return ub_fail(e, UB_EDATA, "%s: malformed JSON (not valid JSON text)", name);
found:
	doc->json = s;
	doc->len = (size_t)(end - s);
	return UB_OK;
}

/* The shape every fio 3.x JSON output has: the fields the importer reads. */
static int vet(sqlite3 *db, const char *name, struct fio_doc *doc, struct ub_err *e)
{
	static const char sql[] =
		"SELECT json_type(?1), json_type(?1, '$.\"fio version\"'),"
		" json_extract(?1, '$.\"fio version\"'),"
		" json_type(?1, '$.jobs'), json_type(?1, '$.client_stats')";
	static const char jobs_sql[] =
		"SELECT key, json_type(value), json_type(value, '$.jobname'),"
		" json_type(value, '$.read'), json_type(value, '$.\"job options\"')"
		" FROM json_each(?1, ?2)";
	sqlite3_stmt *st = NULL;
	const char *t;
	int rc, n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading JSON");
	if (sqlite3_bind_text(st, 1, doc->json, (int)doc->len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = ub_fail_sql(e, db, "reading JSON");
		goto out;
	}
	rc = UB_EDATA;
	t = (const char *)sqlite3_column_text(st, 0);
	if (!t || strcmp(t, "object")) {
		ub_fail(e, rc, "%s: not fio JSON output: the document is not a JSON object", name);
		goto out;
	}
	t = (const char *)sqlite3_column_text(st, 1);
	if (!t || strcmp(t, "text")) {
		ub_fail(e, rc, "%s: not fio JSON output: no \"fio version\" field", name);
		goto out;
	}
	snprintf(doc->fio_version, sizeof(doc->fio_version), "%s",
		 (const char *)sqlite3_column_text(st, 2));
	t = (const char *)sqlite3_column_text(st, 3);
	doc->client = 0;
	if (!t || strcmp(t, "array")) {
		t = (const char *)sqlite3_column_text(st, 4);
		if (!t || strcmp(t, "array")) {
			ub_fail(e, rc, "%s: not fio JSON output: no \"jobs\" list "
				"(nor \"client_stats\" of fio --client)", name);
			goto out;
		}
		doc->client = 1;
	}
	doc->jobs_path = doc->client ? "$.client_stats" : "$.jobs";
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, jobs_sql, -1, &st, NULL) != SQLITE_OK)
		return ub_fail_sql(e, db, "reading JSON jobs");
	if (sqlite3_bind_text(st, 1, doc->json, (int)doc->len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, doc->jobs_path, -1, SQLITE_STATIC) != SQLITE_OK) {
		rc = ub_fail_sql(e, db, "reading JSON jobs");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *obj = (const char *)sqlite3_column_text(st, 1);
		const char *jn = (const char *)sqlite3_column_text(st, 2);
		const char *rd = (const char *)sqlite3_column_text(st, 3);
		const char *jo = (const char *)sqlite3_column_text(st, 4);
		int i = sqlite3_column_int(st, 0);

		n++;
		if (!obj || strcmp(obj, "object") || !jn || strcmp(jn, "text")) {
			rc = ub_fail(e, UB_EDATA, "%s: not fio JSON output: job %d has no \"jobname\"",
				     name, i);
			goto out;
		}
		if (!rd || strcmp(rd, "object")) {
			rc = ub_fail(e, UB_EDATA, "%s: not fio JSON output: job %d has no \"read\" results",
				     name, i);
			goto out;
		}
		if (jo && strcmp(jo, "object")) {
			rc = ub_fail(e, UB_EDATA, "%s: not fio JSON output: job %d's \"job options\" "
				     "is not an object", name, i);
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = ub_fail_sql(e, db, "reading JSON jobs");
		goto out;
	}
	rc = n ? UB_OK : ub_fail(e, UB_EDATA, "%s: fio JSON output with no jobs "
				 "(did fio stop before running any?)", name);
out:
	sqlite3_finalize(st);
	return rc;
}

int fio_doc_parse(sqlite3 *db, const char *name, const char *buf, size_t len,
		  struct fio_doc *doc, struct ub_err *e)
{
	int rc;

	memset(doc, 0, sizeof(*doc));
	rc = locate(db, name, buf, len, doc, e);
	return rc ? rc : vet(db, name, doc, e);
}
