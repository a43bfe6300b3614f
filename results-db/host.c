// SPDX-License-Identifier: GPL-2.0
/* Where a local run happened: host name, kernel release, CPU model. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "results-db/db.h"

static void cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		colon[strcspn(colon, "\n")] = 0;
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

int ub_host_probe(struct ub_host *h)
{
	struct utsname u;

	memset(h, 0, sizeof(*h));
	if (uname(&u))
		return -1;
	snprintf(h->name, sizeof(h->name), "%s", u.nodename);
	snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	cpu_model(h->cpu_model, sizeof(h->cpu_model));
	return 0;
}
