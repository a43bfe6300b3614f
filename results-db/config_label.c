// SPDX-License-Identifier: GPL-2.0
/*
 * The default config label of a job: its engine's short name and the ring
 * modes it turned on, so results of different modes never mix even when the
 * user gives no --config.
 */
#include <stdio.h>
#include <string.h>

#include "results-db/db.h"

/* "external:/x/fio-uringbpf.so" -> "uringbpf"; fio's own names stay as they are. */
static void engine_name(const char *ioengine, char *buf, size_t len)
{
	const char *s = ioengine && *ioengine ? ioengine : "psync";	/* fio's default */
	const char *slash;
	size_t n;

	if (!strncmp(s, "external:", 9))
		s += 9;
	slash = strrchr(s, '/');
	if (slash)
		s = slash + 1;
	if (!strncmp(s, "libfio-", 7))
		s += 7;
	else if (!strncmp(s, "fio-", 4))
		s += 4;
	n = strlen(s);
	if (n > 3 && !strcmp(s + n - 3, ".so"))
		n -= 3;
	snprintf(buf, len, "%.*s", (int)n, s);
}

void ub_config_label(const struct ub_modes *m, char *buf, size_t len)
{
	/* SQPOLL and IOPOLL first: they are the sweep axis the seed table shows. */
	const struct { int on; const char *name; } modes[] = {
		{ m->sqthread_poll, "SQPOLL" },	{ m->hipri, "IOPOLL" },
		{ m->fixedbufs, "FIXEDBUFS" },	{ m->registerfiles, "REGFILES" },
		{ m->restrict_ring, "RESTRICT" },	{ m->bpf_filter, "BPF_FILTER" },
		{ m->bpf_chain, "BPF_CHAIN" },	{ m->passthru, "PASSTHRU" },
	};
	size_t i, used;
	int first = 1;

	engine_name(m->ioengine, buf, len);
	used = strlen(buf);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]) && used < len; i++) {
		if (!modes[i].on)
			continue;
		snprintf(buf + used, len - used, "%s%s", first ? " " : "+", modes[i].name);
		used += strlen(buf + used);
		first = 0;
	}
}
