// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf lab's usage and the options of "run" and "shell" (scripts/lab's,
 * with its defaults).  A bad option is exit 2 with a line naming it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/lab/lab.h"

#define NULL_BLK_DEFAULT "queue_mode=2 poll_queues=2 submit_queues=2 gb=1 memory_backed=1"

void lab_usage(FILE *f)
{
	fputs(
"Usage:\n"
"  uringbpf lab fetch                       get, verify and cache the kernel packages\n"
"  uringbpf lab run [OPTIONS] -- CMD ARGS   boot, run CMD in /lab, collect its results\n"
"  uringbpf lab shell [OPTIONS]             boot to an interactive guest shell\n"
"  uringbpf lab test [--out DIR] [PATTERN...]  run tests/lab/guest/g-*PATTERN*.sh, one\n"
"                                           boot per boot configuration (a checkout's)\n"
"\n"
"run/shell OPTIONS:\n"
"  --poll-queues N    nvme.poll_queues=N (default 2)    --no-nvme-poll  same as 0\n"
"  --null-blk         load null_blk: queue_mode=2 poll_queues=2 submit_queues=2 gb=1\n"
"                     memory_backed=1 (it keeps data, so verify works)\n"
"  --null-blk-args A  load null_blk with parameters A instead\n"
"  --mem M            guest memory (default 2G)          --smp N     vCPUs (default 2)\n"
"  --nvme-size S      emulated NVMe size (default 1G)    --out-size S  result disk (512M)\n"
"  --timeout S        whole boot, seconds (default 600, at least 60); the command gets S-30\n"
"  --out DIR          keep results in DIR: the files CMD wrote to /out, and\n"
"                     DIR/.lab/{status,stdout,stderr,console.log,dmesg,info}\n"
"  --file SRC[:DST]   copy SRC (file or directory) into the guest at DST\n"
"                     (default /lab/NAME; a relative DST is under /lab); repeatable\n"
"  --console          stream the guest console while it runs\n"
"run exits with CMD's status; 124 if CMD timed out in the guest; 125 if the\n"
"lab itself failed (no kernel, boot failure, panic, hang); 2 on a usage error.\n"
"\n"
"Environment: URINGBPF_CACHE (default /var/cache/uringbpf; the lab uses\n"
"its lab/ folder), UB_LAB_KERNEL (default 7.3.4), UB_BUILD, UB_FIO, UB_QEMU,\n"
"UB_ENGINE (the engine put in the guest; default UB_BUILD/fio-uringbpf.so),\n"
"UB_BUSYBOX, UB_LAB_TCG (single|multi), UB_LAB_BOOT_TIMEOUT (seconds, 120).\n", f);
}

static int usage_err(const char *fmt, const char *arg)
{
	fputs("lab: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return -1;
}

static int number(const char *s, long *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return -1;
	*v = strtol(s, &end, 10);
	return 0;
}

/*
 * argv[0] is "run" or "shell".  Returns 0, 1 for --help (printed), -1 on a
 * usage error (printed).
 */
int lab_parse(int argc, char **argv, struct lab_opts *o)
{
	long v;
	int i;

	*o = (struct lab_opts){ .interactive = !strcmp(argv[0], "shell"), .poll_queues = 2,
				.null_blk = "", .mem = "2G", .smp = "2", .nvme_size = "1G",
				.out_size = "512M", .timeout = 600 };
	o->files = calloc(argc, sizeof(*o->files));
	if (!o->files)
		lab_die("out of memory");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			lab_usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--no-nvme-poll")) {
			o->poll_queues = 0;
			takes = 0;
		} else if (!strcmp(a, "--null-blk")) {
			o->null_blk = NULL_BLK_DEFAULT;
			takes = 0;
		} else if (!strcmp(a, "--console")) {
			o->console = 1;
			takes = 0;
		} else if (strcmp(a, "--poll-queues") && strcmp(a, "--null-blk-args") &&
			   strcmp(a, "--mem") && strcmp(a, "--smp") && strcmp(a, "--nvme-size") &&
			   strcmp(a, "--out-size") && strcmp(a, "--timeout") && strcmp(a, "--out") &&
			   strcmp(a, "--file")) {
			return usage_err("unknown option '%s' (see uringbpf lab --help)", a);
		}
		if (!takes)
			continue;
		if (!val)
			return usage_err("%s needs a value (see uringbpf lab --help)", a);
		i++;
		if (!strcmp(a, "--poll-queues")) {
			if (number(val, &v))
				return usage_err("--poll-queues wants a number%s", "");
			o->poll_queues = v;
		} else if (!strcmp(a, "--null-blk-args")) {
			o->null_blk = val;
		} else if (!strcmp(a, "--mem")) {
			o->mem = val;
		} else if (!strcmp(a, "--smp")) {
			if (number(val, &v) || v < 1)
				return usage_err("--smp wants a number of vCPUs, at least 1%s", "");
			o->smp = val;
		} else if (!strcmp(a, "--nvme-size")) {
			o->nvme_size = val;
		} else if (!strcmp(a, "--out-size")) {
			o->out_size = val;
		} else if (!strcmp(a, "--timeout")) {
			if (number(val, &v) || v < 60)
				return usage_err("--timeout wants seconds, at least 60%s", "");
			o->timeout = v;
		} else if (!strcmp(a, "--out")) {
			if (!*val)
				return usage_err("--out wants a folder%s", "");
			o->out = val;
		} else {
			o->files[o->nfiles++] = val;
		}
	}
	if (lab_parse_size(o->nvme_size, &o->nvme_bytes))
		return usage_err("--nvme-size wants a size such as 1G or 512M, got '%s'", o->nvme_size);
	if (lab_parse_size(o->out_size, &o->out_bytes))
		return usage_err("--out-size wants a size such as 1G or 512M, got '%s'", o->out_size);
	o->cmd = argv + i;
	o->ncmd = argc - i;
	if (!o->interactive && o->ncmd == 0) {
		fputs("lab run: no command (uringbpf lab run [OPTIONS] -- CMD ARGS)\n", stderr);
		return -1;
	}
	if (o->interactive && o->ncmd) {
		fputs("lab shell: takes no command (uringbpf lab run [OPTIONS] -- CMD ARGS runs one)\n",
		      stderr);
		return -1;
	}
	return 0;
}
