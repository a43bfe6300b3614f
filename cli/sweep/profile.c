// SPDX-License-Identifier: GPL-2.0
/*
 * The profile: its directives ("; sweep-default: VAR=VALUE", the weakest
 * value of a variable; "; sweep-prepare: COMMAND", run once before the
 * runs), its job sections (results-db/profile_sections.c), ${VAR} expansion
 * (options, then the environment, then the defaults; an unknown ${VAR}
 * stays literal and makes its section unrunnable), the checks of each
 * selected section, and the exact job file of each iodepth in OUT/jobs/.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep/sweep.h"
#include "results-db/db.h"

/* The value of profile variable name (n chars) for expansion, or NULL. */
static const char *var_value(const char *name, size_t n, const char *qd)
{
	char *k = sw_printf("%.*s", (int)n, name);
	const char *v;

	if (!strcmp(k, "IODEPTH"))
		return qd;
	for (int i = sw.nset - 1; i >= 0; i--)
		if (!strcmp(sw.set_k[i], k))
			return sw.set_v[i];
	if (!strcmp(k, "ENGINE"))
		return sw.engine;
	if (!strcmp(k, "TARGET"))
		return sw.target;
	if (!strcmp(k, "SIZE"))
		return sw.size;
	if (!strcmp(k, "DIRECT"))
		return sw.direct;
	if (!strcmp(k, "RUNTIME"))
		return sw.opt_runtime;
	if (!strcmp(k, "RAMP"))
		return sw.opt_ramp;
	if (!strcmp(k, "NG_TARGET") && sw.ng_target)
		return sw.ng_target;
	v = getenv(k);
	if (v)
		return v;	/* exported by the user, as fio itself would take it */
	for (int i = 0; i < sw.ndef; i++)
		if (!strcmp(sw.def_k[i], k))
			return sw.def_v[i];
	return NULL;
}

/* Length of a "${NAME}" at s (NAME: [A-Za-z_][A-Za-z0-9_]*), else 0. */
static size_t var_ref(const char *s)
{
	size_t n = 2;

	if (s[0] != '$' || s[1] != '{' || !(isalpha((unsigned char)s[2]) || s[2] == '_'))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return s[n] == '}' ? n + 1 : 0;
}

int sw_has_var(const char *text)
{
	for (; *text; text++)
		if (var_ref(text))
			return 1;
	return 0;
}

/* The names of the ${VAR}s left in text, sorted, unique, comma-separated. */
static char *missing_vars(const char *text)
{
	const char *names[256];
	int n = 0;
	char *out = NULL;

	for (; *text && n < 256; text++) {
		size_t l = var_ref(text);
		const char *name;
		int i;

		if (!l)
			continue;
		name = sw_printf("%.*s", (int)l - 3, text + 2);
		for (i = 0; i < n && strcmp(names[i], name) < 0; i++)
			;
		if (i < n && !strcmp(names[i], name))
			continue;
		memmove(names + i + 1, names + i, (n - i) * sizeof(*names));
		names[i] = name;
		n++;
	}
	for (int i = 0; i < n; i++)
		out = sw_printf("%s%s%s", out ? out : "", out ? "," : "", names[i]);
	return out ? out : sw_strdup("");
}

char *sw_expand(const char *text, const char *qd)
{
	size_t cap = strlen(text) + 1, n = 0;
	char *o = malloc(cap);

	while (o && *text) {
		size_t l = var_ref(text);
		const char *v = l ? var_value(text + 2, l - 3, qd) : NULL;
		const char *add = v ? v : text;
		size_t al = v ? strlen(v) : l ? l : 1;

		if (n + al + 1 > cap) {
			char *no = realloc(o, cap = 2 * (n + al + 1));

			if (!no)
				free(o);
			o = no;
			if (!o)
				break;
		}
		memcpy(o + n, add, al);
		n += al;
		text += l ? l : 1;
	}
	if (o)
		o[n] = 0;
	return sw_keep(o);
}

/* [global]'s lines then section's, comments and blank lines dropped. */
char *sw_section_lines(const char *text, const char *section)
{
	char *out = sw_strdup("");
	int on = 0;

	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		const char *p = l + strspn(l, " \t");
		size_t rest = len - (p - l);

		if (rest && *p != ';' && *p != '#') {
			const char *end = *p == '[' ? memchr(p + 1, ']', rest - 1) : NULL;

			if (end && end > p + 1) {
				char *s = sw_printf("%.*s", (int)(end - p - 1), p + 1);

				on = !strcmp(s, "global") || !strcmp(s, section);
			} else if (on) {
				out = sw_printf("%s%.*s\n", out, (int)len, l);
			}
		}
		l += len + (l[len] == '\n');
	}
	return out;
}

static char *trim(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return sw_printf("%.*s", (int)n, s);
}

/* The last value of key in lines (fio: later lines win); "1" for a bare key. */
char *sw_opt_of(const char *lines, const char *key)
{
	char *v = sw_strdup("");

	for (const char *l = lines; *l;) {
		size_t len = strcspn(l, "\n");
		const char *eq = memchr(l, '=', len);
		char *k = trim(l, eq ? (size_t)(eq - l) : len);

		if (!strcmp(k, key))
			v = eq ? trim(eq + 1, len - (eq + 1 - l)) : sw_strdup("1");
		l += len + (l[len] == '\n');
	}
	return v;
}

static int truthy(const char *v)
{
	return !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "yes");
}

/* "; sweep-NAME: VALUE" directives (at the start of a line, ';' or '#'). */
const char *sw_directive(const char *l, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *p = l + 1;

	if (!len || (*l != ';' && *l != '#'))
		return NULL;
	while (p < l + len && isspace((unsigned char)*p))
		p++;
	if ((size_t)(l + len - p) < nl || strncmp(p, name, nl))
		return NULL;
	p += nl;
	while (p < l + len && isspace((unsigned char)*p))
		p++;
	return sw_printf("%.*s", (int)(l + len - p), p);
}

void sw_profile_load(void)
{
	struct ub_err e = { "" };
	char *secs = NULL, *text;
	const char **all = NULL;
	size_t slen = 0, tlen;
	int nall = 0, rc;
	FILE *o;

	text = sw_read_file(sw.profile_file, &tlen);
	if (!text)
		sw_die("--profile: %s: cannot read: %s", sw.profile_file, strerror(errno));
	/* As $(<file): trailing newlines dropped. */
	while (tlen && text[tlen - 1] == '\n')
		text[--tlen] = 0;
	sw.profile_text = text;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		const char *d;

		if ((d = sw_directive(l, len, "sweep-default:"))) {
			const char *eq = strchr(d, '=');
			size_t kl = eq ? (size_t)(eq - d) : 0;
			int ok = eq && kl && (isalpha((unsigned char)*d) || *d == '_');

			for (size_t i = 1; ok && i < kl; i++)
				ok = isalnum((unsigned char)d[i]) || d[i] == '_';
			if (!ok)
				sw_die("--profile: %s: '; sweep-default: %s' is not VAR=VALUE",
				       sw.profile_file, d);
			sw.def_k = sw_keep(realloc(sw.def_k, (sw.ndef + 1) * sizeof(char *)));
			sw.def_v = sw_keep(realloc(sw.def_v, (sw.ndef + 1) * sizeof(char *)));
			sw.def_k[sw.ndef] = sw_printf("%.*s", (int)kl, d);
			sw.def_v[sw.ndef++] = eq + 1;
		}
		if ((d = sw_directive(l, len, "sweep-prepare:"))) {
			if (sw.prepare_cmd && *d && *sw.prepare_cmd)
				sw_die("--profile: %s has more than one '; sweep-prepare:' line",
				       sw.profile_file);
			if (!sw.prepare_cmd || !*sw.prepare_cmd)
				sw.prepare_cmd = d;
		}
		l += len + (l[len] == '\n');
	}

	/* The job sections in order; a name given twice is refused there. */
	o = open_memstream(&secs, &slen);
	rc = ub_cmd_profile_sections(sw.profile_file, o, &e);
	fclose(o);
	sw_keep(secs);
	if (rc)
		sw_die("--profile: %s", e.msg);
	for (char *s = strtok(secs, "\n"); s; s = strtok(NULL, "\n")) {
		int ok = isalnum((unsigned char)*s);

		for (const char *c = s + 1; ok && *c; c++)
			ok = isalnum((unsigned char)*c) || strchr("._+-", *c);
		if (!ok)
			sw_die("--profile: section [%s] in %s: names may hold only letters, digits "
			       "and . _ + -", s, sw.profile_file);
		all = sw_keep(realloc(all, (nall + 1) * sizeof(*all)));
		all[nall++] = s;
	}
	if (!nall)
		sw_die("--profile: %s has no job sections", sw.profile_file);
	if (sw.opt_configs) {
		char *want = sw_strdup(sw.opt_configs);

		for (char *c = strtok(want, ","); c; c = strtok(NULL, ",")) {
			int i;

			for (i = 0; i < nall && strcmp(all[i], c); i++)
				;
			if (i == nall) {
				char *list = NULL;

				for (i = 0; i < nall; i++)
					list = sw_printf("%s%s%s", list ? list : "", i ? "," : "", all[i]);
				sw_die("--configs: profile %s has no section '%s'; it has: %s",
				       sw.profile_name, c, list);
			}
			sw.cfg = sw_keep(realloc(sw.cfg, (sw.ncfg + 1) * sizeof(*sw.cfg)));
			sw.cfg[sw.ncfg++] = (struct sw_config){ .name = c };
		}
	} else {
		sw.cfg = sw_keep(calloc(nall, sizeof(*sw.cfg)));
		for (int i = 0; i < nall; i++)
			sw.cfg[sw.ncfg++] = (struct sw_config){ .name = all[i] };
	}

	/* A profile without ${IODEPTH} fixes its own iodepth: one point per section. */
	if (!strstr(text, "${IODEPTH}")) {
		char *fixed = sw_opt_of(sw_section_lines(text, sw.cfg[0].name), "iodepth");

		if (strcmp(sw.opt_iodepths, "1,8,16,32"))
			sw_warn("note: profile %s sets its own iodepth (%s); --iodepths is ignored",
				sw.profile_name, *fixed ? fixed : "1");
		sw.nqd = 1;
		sw.qd[0] = *fixed ? atol(fixed) : 1;
	}
}

/* fio's rw= value rw writes to the target (or trims it). */
int sw_rw_writes(const char *rw)
{
	char *m = sw_printf("%.*s", (int)strcspn(rw, ":"), rw);

	return !strcmp(m, "write") || !strcmp(m, "randwrite") || !strcmp(m, "rw") ||
	       !strcmp(m, "readwrite") || !strcmp(m, "randrw") || !strcmp(m, "trim") ||
	       !strcmp(m, "randtrim") || !strcmp(m, "trimwrite") || !strcmp(m, "randtrimwrite");
}

/* Each config's skip (variables unset, IOPOLL impossible), the writes, the prepare step. */
void sw_check_configs(void)
{
	for (int i = 0; i < sw.ncfg; i++) {
		struct sw_config *c = &sw.cfg[i];
		char *lines = sw_expand(sw_section_lines(sw.profile_text, c->name), "1");
		char *rw;

		if (sw_has_var(lines)) {
			c->skip = sw_printf("needs profile variable(s) %s, which are not set (export "
					    "them or --set VAR=VALUE)", missing_vars(lines));
			c->skip_code = "variable_unset";
			continue;
		}
		rw = sw_opt_of(lines, "rw");
		if (!*rw)
			rw = sw_opt_of(lines, "readwrite");
		if (sw_rw_writes(rw)) {
			c->writes = 1;
			sw.nwrites++;
		}
		if (truthy(sw_opt_of(lines, "hipri"))) {
			char *t = sw_opt_of(lines, "filename");
			const char *r = sw_iopoll_reason(*t ? t : sw.target, sw_opt_of(lines, "direct"));

			if (*r) {
				c->skip = r;
				c->skip_code = "cannot_poll";
			}
		}
	}
	sw.prepare = NULL;
	if (sw.prepare_cmd && *sw.prepare_cmd && sw.prepare_on) {
		sw.prepare = sw_expand(sw.prepare_cmd, NULL);
		if (sw_has_var(sw.prepare))
			sw_die("--profile: the prepare step '%s' needs profile variables that are not "
			       "set (--set VAR=VALUE)", sw.prepare);
		if (sw.kind == SW_REMOTE)
			sw_die("--client: profile %s prepares its target (%s), which fio's client mode "
			       "can't do on the servers; run that on each server, then pass --no-prepare",
			       sw.profile_name, sw.prepare);
		sw.nwrites++;
	}
	if (sw.nwrites && !sw.force) {
		const char *r = sw_write_refusal(sw.target);

		if (*r)
			sw_die("refusing to run write profile '%s' on %s: %s; pass --force to overwrite it",
			       sw.profile_name, sw.target, r);
	}
}

char *sw_jobfile(long qd)
{
	return sw_printf("%s/jobs/%s.fio", sw.out, sw_ptag(qd));
}

/*
 * Our engine's ioengine= line:
 * ^[ \t]*ioengine[ \t]*=[ \t]*external:([^ \t]*\/fio-)?uringbpf(\.so)?[ \t]*$
 */
static int our_engine_line(const char *l, size_t len)
{
	char *s = sw_printf("%.*s", (int)len, l), *p = s + strspn(s, " \t"), *v, *end;
	size_t n;

	if (strncmp(p, "ioengine", 8))
		return 0;
	p += 8;
	p += strspn(p, " \t");
	if (*p != '=')
		return 0;
	p++;
	p += strspn(p, " \t");
	if (strncmp(p, "external:", 9))
		return 0;
	v = p + 9;
	end = v + strcspn(v, " \t");
	if (end[strspn(end, " \t")])
		return 0;
	*end = 0;
	n = strlen(v);
	if (n >= 3 && !strcmp(v + n - 3, ".so"))
		v[n -= 3] = 0;
	if (n < 8 || strcmp(v + n - 8, "uringbpf"))
		return 0;
	v[n - 8] = 0;
	/* what precedes "uringbpf": nothing, or .../fio- (no blanks) */
	return !*v || (strlen(v) >= 5 && !strcmp(v + strlen(v) - 5, "/fio-"));
}

/*
 * The job file of each iodepth (and --axis combination), the profile with
 * its ${VARS} substituted and the point's axis lines at the end of each job
 * section.
 * After each ioengine= line naming our engine: report=${UB_REPORT} (fio
 * expands it from the environment each run sets); not for other engines,
 * which don't know the option, nor --client, whose servers would expand it
 * in their own environment.  A resumed sweep runs the files it planned.
 */
void sw_write_jobfiles(void)
{
	/* A file per iodepth x combination of the --axis values (axis.c). */
	for (int pt = 0; pt < sw.nqd * sw.ncombo; pt++) {
		int i = pt / sw.ncombo;
		char *path, *text;
		FILE *f;

		sw.ax = sw.combo[pt % sw.ncombo];
		path = sw_jobfile(sw.qd[i]);
		if (sw.resume && !access(path, F_OK) && sw_read_file(path, NULL) &&
		    *sw_read_file(path, NULL))
			continue;
		text = sw_axis_apply(sw_expand(sw.profile_text, sw_printf("%ld", sw.qd[i])), sw.ax);
		f = fopen(path, "w");
		if (!f)
			sw_die("--out: can't write %s: %s", path, strerror(errno));
		for (const char *l = text; *l;) {
			size_t len = strcspn(l, "\n");

			sw_ss_line(f, l, len);	/* --steady-state (phases.c) */
			fprintf(f, "%.*s\n", (int)len, l);
			if (!sw.nclients && our_engine_line(l, len))
				fputs("; the engine report file: set UB_REPORT=FILE to run this job file "
				      "by hand\nreport=${UB_REPORT}\n", f);
			/* Each host's own kernel, CPU and device (ioengine/host_identity.c). */
			if (sw.nclients && our_engine_line(l, len))
				fputs("host_identity=1\n", f);
			l += len + (l[len] == '\n');
		}
		sw_ss_line(f, NULL, 0);
		if (!*text)
			fputc('\n', f);
		if (fclose(f))
			sw_die("--out: can't write %s: %s", path, strerror(errno));
	}
}
