// SPDX-License-Identifier: GPL-2.0
/*
 * profile-sections: the job sections of a fio job file, in order, one per
 * line ([global] is not a job). fio's --section=NAME selects every section
 * of that name, so a name given twice would run (and be imported as) both:
 * refused, naming both lines. Parsed as fio reads a job file: a section
 * header is a line whose first non-blank character is '[', up to ']';
 * lines starting with ';' or '#' are comments.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"

struct section {
	char *name;
	int line;
};

int ub_cmd_profile_sections(const char *path, FILE *out, struct ub_err *e)
{
	struct section *s = NULL, *ns;
	char *line = NULL;
	size_t cap = 0;
	int n = 0, lineno = 0, i, rc = UB_OK;
	FILE *f = fopen(path, "r");

	if (!f)
		return ub_fail(e, UB_EDATA, "%s: cannot read: %s", path, strerror(errno));
	while (rc == UB_OK && getline(&line, &cap, f) >= 0) {
		char *p = line, *end;

		lineno++;
		p += strspn(p, " \t");
		if (*p != '[')
			continue;
		end = strchr(p + 1, ']');
		if (!end) {
			rc = ub_fail(e, UB_EDATA, "%s:%d: section header without ']': %.*s", path,
				     lineno, (int)strcspn(p, "\r\n"), p);
			break;
		}
		*end = 0;
		if (!strcmp(p + 1, "global"))
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(s[i].name, p + 1))
				break;
		if (i < n) {
			rc = ub_fail(e, UB_EDATA, "%s: section [%s] is defined twice (lines %d and %d): "
				     "fio --section=%s would run both; give each section its own name",
				     path, p + 1, s[i].line, lineno, p + 1);
			break;
		}
		ns = realloc(s, sizeof(*s) * (n + 1));
		if (!ns || !(ns[n].name = strdup(p + 1))) {
			s = ns ? ns : s;
			rc = ub_fail(e, UB_EDATA, "out of memory");
			break;
		}
		s = ns;
		s[n].line = lineno;
		n++;
	}
	if (rc == UB_OK && ferror(f))
		rc = ub_fail(e, UB_EDATA, "%s: cannot read: %s", path, strerror(errno));
	fclose(f);
	for (i = 0; i < n; i++) {
		if (rc == UB_OK)
			fprintf(out, "%s\n", s[i].name);
		free(s[i].name);
	}
	free(s);
	free(line);
	return rc;
}
