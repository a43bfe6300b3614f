// SPDX-License-Identifier: GPL-2.0
/*
 * The finish of a sweep: the summary line, what was not run and why (from
 * the database: the whole sweep's, a resumed one's earlier runs too),
 * OUT/skipped.tsv as its export, and the exit status (1 if a point of the
 * sweep failed).  A sweep that ran to its end (not interrupted) is marked
 * ended: --resume has nothing more to do.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/sweep/sweep.h"

void sw_finish(int rc)
{
	char *notrun, *path = sw_printf("%s/skipped.tsv", sw.out);
	FILE *f;

	printf("\nsweep %s: %ld runs imported into %s, %ld not run (%s)\n", sw.name, sw.n_done,
	       sw.opt_db, sw.n_failed, sw_fmt_time(sw_now() - sw.t_start));
	fflush(stdout);
	if (rc != 130 && sw_plan_end())
		sw_warn("warning: can't mark the end of sweep %s in %s", sw.name, sw.opt_db);
	notrun = sw_not_run();
	f = fopen(path, "w");
	if (f) {
		fputs(notrun, f);
		fclose(f);
	}
	for (char *l = sw_strdup(notrun), *next; *l; l = next) {
		char *fld[6];
		const char *ax;
		int n;

		next = l + strcspn(l, "\n");
		if (*next)
			*next++ = 0;
		n = sw_split_tabs(l, fld, 6);
		if (n < 4 || !*fld[0])
			continue;
		ax = n > 5 && *fld[5] ? sw_printf(" %s", fld[5]) : "";
		if (!strcmp(fld[3], "failed")) {
			const char *r = fld[2];

			if (rc == 0)
				rc = 1;
			if (!strncmp(r, "FAILED: ", 8))
				r += 8;
			printf("  FAILED %s at qd=%s%s: %s\n", fld[0], fld[1], ax, r);
		} else if (!strcmp(fld[3], "skipped")) {
			printf("  skipped %s%s: %s\n", fld[0], strcmp(fld[1], "all") ?
			       sw_printf(" (from qd=%s%s)", fld[1], ax) : "", fld[2]);
		} else {
			const char *r = fld[2];

			if (!strncmp(r, "interrupted: ", 13))
				r += 13;
			printf("  %s %s at qd=%s%s: %s\n", fld[3], fld[0], fld[1], ax, r);
		}
	}
	if (*notrun)
		printf("  (what was not run, and why, is listed in %s)\n", path);
	if (sw_interrupted)
		printf("  interrupted: finish it with: uringbpf sweep --resume %s --db %s\n", sw.name,
		       sw.opt_db);
	fflush(stdout);
	if (sw.db)
		sqlite3_close(sw.db);
	exit(rc);
}
