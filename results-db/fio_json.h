/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UB_FIO_JSON_H
#define UB_FIO_JSON_H

#include "results-db/db.h"

/* The fio JSON document found inside an import file. */
struct fio_doc {
	const char *json;	/* points into the file's bytes */
	size_t len;
	int client;		/* fio --client output: per-host "client_stats" */
	const char *jobs_path;	/* "$.jobs" or "$.client_stats" */
	char fio_version[64];
};

/* Locates the document and checks it is fio output; errors name the file. */
int fio_doc_parse(sqlite3 *db, const char *name, const char *buf, size_t len,
		  struct fio_doc *doc, struct ub_err *e);

#endif
