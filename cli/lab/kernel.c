// SPDX-License-Identifier: GPL-2.0
/*
 * The lab kernel: scripts/lab (installing: download, verify, unpack, under
 * its lock) is asked for it with "scripts/lab ensure", which exits 0, 69
 * (cannot be downloaded) or 125; then its manifest, KEY=VALUE lines in
 * $URINGBPF_CACHE/lab/kernel.manifest, says which release and where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/lab/lab.h"

/* scripts/lab ensure's status (its notes go to our stderr). */
int lab_ensure_kernel(const struct lab_env *e)
{
	char *script = lab_printf("%s/scripts/lab", e->root);
	char *argv[] = { script, "ensure", NULL };
	int fd = dup(2), rc;

	/* Its stdout is ours on stderr: "run" keeps stdout for the command's. */
	rc = lab_wait(lab_spawn(argv, NULL, -1, fd, -1));
	close(fd);
	return rc;
}

/* VALUE of the first "KEY=VALUE" line, or "". */
static void manifest_get(const char *text, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	buf[0] = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, key, kl) && l[kl] == '=') {
			snprintf(buf, len, "%.*s", (int)strcspn(l + kl + 1, "\n"), l + kl + 1);
			return;
		}
	}
}

void lab_read_kernel(const struct lab_env *e, struct lab_kernel *k)
{
	char *path = lab_printf("%s/kernel.manifest", e->cache);
	char *text = lab_read_file(path, NULL);
	char *root;

	if (!text)
		lab_die("no kernel manifest at %s (uringbpf lab fetch makes it)", path);
	manifest_get(text, "release", k->release, sizeof(k->release));
	manifest_get(text, "binary_version", k->binary_version, sizeof(k->binary_version));
	if (!k->release[0] || strchr(k->release, '/'))
		lab_die("%s names no release (uringbpf lab fetch remakes it)", path);
	root = lab_printf("%s/kernel/%s/root/usr/lib/modules/%s", e->cache, k->release, k->release);
	snprintf(k->vmlinuz, sizeof(k->vmlinuz), "%s/vmlinuz", root);
	snprintf(k->moddir, sizeof(k->moddir), "%s/kernel", root);
	if (access(k->vmlinuz, R_OK))
		lab_die("%s is missing (uringbpf lab fetch unpacks it)", k->vmlinuz);
	free(root);
	free(text);
	free(path);
}
