/* SPDX-License-Identifier: GPL-2.0 */
/* uringbpf cgexec: run a command in a cgroup v2 group of its own, write its CPU time as JSON. */
#ifndef UB_CLI_CGEXEC_H
#define UB_CLI_CGEXEC_H

/* argv[0] is "cgexec"; returns the exit status (the command's, or 125/126/127). */
int cmd_cgexec(int argc, char **argv);

#endif
