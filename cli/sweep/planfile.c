// SPDX-License-Identifier: GPL-2.0
/*
 * --plan FILE: a sweep written as an INI file, like fio's job files:
 *
 *   [sweep]
 *   profile=seed-table
 *   iodepths=1,4
 *   configs=interrupt
 *   set=CHAIN_SIZE=1g     ; a --set (a line each)
 *   force                 ; a flag (or force=1; force=0 leaves it off)
 *   [axis]
 *   bs=4k,16k             ; an --axis
 *
 * The keys of [sweep] are the sweep's long options without "--"; the file
 * becomes those options, put before the command line's, so the one parser
 * (options.c) reads both and the command line wins (an --axis PARAM given
 * there replaces the file's axis of that PARAM).  An unknown section or key
 * is an error naming the file and line (exit 2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep/sweep.h"

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t\r");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r", e[-1]))
		*--e = 0;
	return s;
}

static int truth(const char *v)
{
	if (!*v || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		return 1;
	if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		return 0;
	return -1;
}

/* The command line gives --axis PARAM=...: the file's axis of PARAM is dropped. */
static int cli_has_axis(char **argv, int argc, const char *param, size_t n)
{
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;

		if (!strcmp(argv[i], "--axis") && i + 1 < argc)
			v = argv[i + 1];
		else if (!strncmp(argv[i], "--axis=", 7))
			v = argv[i] + 7;
		if (v && !strncmp(v, param, n) && v[n] == '=')
			return 1;
	}
	return 0;
}

static void push(char ***av, int *n, const char *s)
{
	*av = sw_keep(realloc(*av, (*n + 2) * sizeof(char *)));
	(*av)[(*n)++] = (char *)s;
	(*av)[*n] = NULL;
}

/* The file's lines as options, after av's first n. */
static void read_plan(const char *path, char **argv, int argc, char ***av, int *n)
{
	char *text = sw_read_file(path, NULL), *next;
	const char *section = NULL;
	int lineno = 0;

	if (!text)
		sw_die("--plan: can't read %s: %s", path, strerror(errno));
	for (char *l = text; *l; l = next) {
		char *eq, *key, *val;

		next = l + strcspn(l, "\n");
		if (*next)
			*next++ = 0;
		lineno++;
		l = trim(l);
		if (!*l || *l == ';' || *l == '#')
			continue;
		if (*l == '[') {
			char *end = strchr(l, ']');

			if (!end || trim(end + 1)[0])
				sw_die("--plan %s:%d: '%s' is not a [section] line", path, lineno, l);
			*end = 0;
			if (strcmp(l + 1, "sweep") && strcmp(l + 1, "axis"))
				sw_die("--plan %s:%d: unknown section [%s] (want [sweep] or [axis])", path,
				       lineno, l + 1);
			section = sw_strdup(l + 1);
			continue;
		}
		if (!section)
			sw_die("--plan %s:%d: '%s' is before any section ([sweep] or [axis])", path,
			       lineno, l);
		eq = strchr(l, '=');
		if (eq)
			*eq = 0;
		key = trim(l);
		val = eq ? trim(eq + 1) : NULL;
		if (!strcmp(section, "axis")) {
			if (!val)
				sw_die("--plan %s:%d: [axis] line '%s' is not PARAM=V1,V2,...", path,
				       lineno, key);
			if (!cli_has_axis(argv, argc, key, strlen(key))) {
				push(av, n, "--axis");
				push(av, n, sw_printf("%s=%s", key, val));
			}
			continue;
		}
		{
			const char *opt = sw_printf("--%s", key);
			int kind = strcmp(key, "plan") && strcmp(key, "resume") ?
				   sw_option_kind(opt) : 0;

			if (!kind)
				sw_die("--plan %s:%d: unknown key '%s' in [sweep] (the keys are the long "
				       "options of uringbpf sweep without --, e.g. iodepths=1,4; see "
				       "--help)", path, lineno, key);
			if (kind == 2) {
				int t = truth(val ? val : "");

				if (t < 0)
					sw_die("--plan %s:%d: %s takes no value, or 1 or 0 (got '%s')",
					       path, lineno, key, val);
				if (t)
					push(av, n, opt);
				continue;
			}
			if (!val || !*val)
				sw_die("--plan %s:%d: %s needs a value (%s=VALUE)", path, lineno, key,
				       key);
			push(av, n, opt);
			push(av, n, val);
		}
	}
}

char **sw_planfile_argv(char **argv, int *argc)
{
	char **av = NULL;
	const char *path = NULL;
	int n = 0, at = -1, step = 0;

	/* --plan where an option starts (not the value of another option). */
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--plan") || !strncmp(argv[i], "--plan=", 7)) {
			if (path)
				sw_die("--plan is given twice");
			step = argv[i][6] ? 1 : 2;
			path = step == 1 ? argv[i] + 7 : i + 1 < *argc ? argv[i + 1] : NULL;
			if (!path || !*path)
				sw_die("--plan needs a value (see --help)");
			at = i;
			i += step - 1;
		} else if (!strchr(argv[i], '=') && sw_option_kind(argv[i]) == 1) {
			i++;
		}
	}
	if (!path)
		return argv;
	push(&av, &n, argv[0]);
	read_plan(path, argv, *argc, &av, &n);
	for (int i = 1; i < *argc; i++)
		if (i < at || i >= at + step)
			push(&av, &n, argv[i]);
	*argc = n;
	return av;
}
