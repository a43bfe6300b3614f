// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel modules into the initramfs: NAME and, recursively, the modules its
 * modinfo "depends=" names, decompressed to STAGE/lib/modules/lab/NAME.ko,
 * each recorded as a "NAME: DEP DEP" line in STAGE/lib/modules/lab/deps
 * (what the guest's lab-modprobe loads in order).  Names are normalised to
 * underscores, as /proc/modules shows them.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/lab/lab.h"

/* The module index of one moddir: normalised name -> file. */
static struct mod { char *name, *path; } *mods;
static int nmods, capmods;
static const char *indexed;

static void normalise(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static int index_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;
	const char *ko = strstr(base, ".ko");

	if (type != FTW_F || !ko)
		return 0;
	if (nmods == capmods) {
		mods = realloc(mods, (capmods = capmods ? 2 * capmods : 256) * sizeof(*mods));
		if (!mods)
			lab_die("out of memory");
	}
	mods[nmods].name = lab_printf("%.*s", (int)(ko - base), base);
	normalise(mods[nmods].name);
	mods[nmods++].path = lab_printf("%s", path);
	return 0;
}

static const char *module_file(const char *moddir, const char *name)
{
	if (!indexed || strcmp(indexed, moddir)) {
		nmods = 0;
		if (nftw(moddir, index_one, 32, FTW_PHYS))
			lab_die("cannot read the modules in %s", moddir);
		indexed = moddir;
	}
	for (int i = 0; i < nmods; i++)
		if (!strcmp(mods[i].name, name))
			return mods[i].path;
	return NULL;
}

/* The modinfo "depends=" value in a module's bytes ("" when none). */
static char *depends_of(const char *ko, size_t len)
{
	static const char key[] = "depends=";

	for (size_t i = 0; i + sizeof(key) - 1 <= len; i++) {
		if ((i && ko[i - 1] != 0 && ko[i - 1] != '\n') ||
		    memcmp(ko + i, key, sizeof(key) - 1))
			continue;
		i += sizeof(key) - 1;
		size_t n = 0;
		while (i + n < len && ko[i + n] && ko[i + n] != '\n')
			n++;
		return lab_printf("%.*s", (int)n, ko + i);
	}
	return lab_printf("%s", "");
}

void lab_add_module(const char *stage, const char *moddir, const char *name_in)
{
	char *name = lab_printf("%s", name_in), *ko, *deps, *line, *save, *dep;
	const char *file, *tool;
	size_t len;
	char *bytes;

	normalise(name);
	ko = lab_printf("%s/lib/modules/lab/%s.ko", stage, name);
	if (!access(ko, F_OK))
		goto out;
	file = module_file(moddir, name);
	if (!file)
		lab_die("module %s is not in %s", name, moddir);
	tool = strstr(file, ".ko.xz") ? "xz" : strstr(file, ".ko.zst") ? "zstd" :
	       strstr(file, ".ko.gz") ? "gzip" : NULL;
	{
		char *unpack[] = { (char *)tool, !tool ? NULL : !strcmp(tool, "zstd") ? "-qdc" : "-dc",
				   (char *)file, NULL };
		char *plain[] = { "cat", (char *)file, NULL };

		if (lab_run(tool ? unpack : plain, NULL, NULL, ko, NULL))
			lab_die("cannot unpack module %s (%s)", file, tool ? tool : "cat");
	}
	bytes = lab_read_file(ko, &len);
	if (!bytes)
		lab_die("cannot read %s", ko);
	deps = depends_of(bytes, len);
	free(bytes);
	normalise(deps);
	for (char *c = deps; *c; c++)
		if (*c == ',')
			*c = ' ';
	line = lab_printf("%s/lib/modules/lab/deps", stage);
	{
		FILE *f = fopen(line, "ae");

		if (!f || fprintf(f, "%s:%s%s\n", name, *deps ? " " : "", deps) < 0 || fclose(f))
			lab_die("cannot write %s", line);
	}
	free(line);
	for (dep = strtok_r(deps, " ", &save); dep; dep = strtok_r(NULL, " ", &save))
		lab_add_module(stage, moddir, dep);
	free(deps);
out:
	free(ko);
	free(name);
}
