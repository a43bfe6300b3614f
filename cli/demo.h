/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uringbpf demo (cli/demo.c): the main job in one command (make demo).  The
 * seed-table sweep on a default target (or --target, or --lab), stored in
 * results/results.db, drawn by uringbpf plot, its tables printed from the
 * results library.  Exit status: 0 done, 1 failure, 2 usage, 130 interrupted
 * (a failed sweep's own status otherwise).
 */
#ifndef UB_CLI_DEMO_H
#define UB_CLI_DEMO_H

/* Where the demo's data is, found by the dispatcher (cli/uringbpf.c). */
struct demo_paths {
	const char *root;	/* the data root (profiles/, scripts/lab), NULL: not found */
	const char *root_tried;	/* where it was looked for, when not found */
	const char *tpl;	/* the gnuplot templates' folder, NULL: not found */
	const char *tpl_tried;
	const char *bin;	/* this binary's folder (uringbpf-db beside it), or NULL */
};

/* argv[0] is "demo"; UB_ENGINE is set to the engine this binary goes with, if any. */
int cmd_demo(int argc, char **argv, const struct demo_paths *p);

#endif
