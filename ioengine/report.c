// SPDX-License-Identifier: GPL-2.0
/*
 * report=PATH: one JSON object per job, one line each (JSON Lines).
 *
 * Jobs of one fio run may share PATH (thread=1 jobs are threads of one
 * process; forked jobs are processes): each builds its whole line in memory
 * and appends it with a single write(2) on an O_APPEND descriptor, so lines
 * never interleave on a local file system (the kernel takes the file's
 * position and writes the bytes under one lock).  A job that cannot write
 * the report says so on stderr; the run itself is not failed for it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ioengine/bpf_chain.h"
#include "ioengine/engine.h"
#include "ioengine/report.h"

static const char *const code_names[UB_C__COUNT] = {
	[UB_C_NONE] = "none",
	[UB_C_UNCLASSIFIED] = "refused",
	[UB_C_OPTION_INVALID] = "option_invalid",
	[UB_C_MODE_UNSUPPORTED] = "mode_unsupported",
	[UB_C_IOPOLL_UNSUPPORTED] = "iopoll_unsupported",
	[UB_C_KERNEL_UNSUPPORTED] = "kernel_unsupported",
	[UB_C_NOT_PERMITTED] = "not_permitted",
	[UB_C_RESOURCE_LIMIT] = "resource_limit",
	[UB_C_FIO_ERROR] = "fio_error",
};

const char *ub_code_name(enum ub_code code, bool running)
{
	if (code == UB_C_UNCLASSIFIED && running)
		return "io_error";
	if ((unsigned int)code >= UB_C__COUNT)
		return "refused";
	return code_names[code];
}

enum ub_code ub_code_from_errno(int err)
{
	switch (err) {
	case -EINVAL: case -ENOSYS: case -EOPNOTSUPP:
		return UB_C_KERNEL_UNSUPPORTED;
	case -EPERM: case -EACCES:
		return UB_C_NOT_PERMITTED;
	case -ENOMEM:
		return UB_C_RESOURCE_LIMIT;
	default:
		return UB_C_UNCLASSIFIED;
	}
}

void ub_err_code(struct thread_data *td, enum ub_code code, const char *option,
		 const char *fmt, ...)
{
	struct ub_data *ud = td->io_ops_data;
	char msg[UB_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("uringbpf: %s\n", msg);
	if (!ud || ud->rep.code != UB_C_NONE)
		return;
	ud->rep.code = code;
	ud->rep.code_running = ud->rep.running;
	snprintf(ud->rep.option, sizeof(ud->rep.option), "%s", option ? option : "");
	snprintf(ud->rep.msg, sizeof(ud->rep.msg), "%s", msg);
}

/* A growing line; on allocation failure it stays failed and is not written. */
struct jbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void jb_add(struct jbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 1024) + n;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void __attribute__((format(printf, 2, 3))) jb_printf(struct jbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		jb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A JSON string (RFC 8259 escapes); NULL or "" is null. */
static void jb_str(struct jbuf *b, const char *s)
{
	const unsigned char *c;

	if (!s || !*s) {
		jb_add(b, "null", 4);
		return;
	}
	jb_add(b, "\"", 1);
	for (c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			char e[2] = { '\\', (char)*c };

			jb_add(b, e, 2);
		} else if (*c < 0x20) {
			jb_printf(b, "\\u%04x", *c);
		} else {
			jb_add(b, (const char *)c, 1);
		}
	}
	jb_add(b, "\"", 1);
}

/* "A|B|C" as ["A","B","C"]. */
static void jb_flag_list(struct jbuf *b, const char *flags)
{
	const char *s = flags, *bar;
	char name[64];
	bool first = true;

	jb_add(b, "[", 1);
	while (*s && strcmp(s, "none")) {
		bar = strchr(s, '|');
		snprintf(name, sizeof(name), "%.*s", (int)(bar ? bar - s : (long)strlen(s)), s);
		if (!first)
			jb_add(b, ",", 1);
		jb_str(b, name);
		first = false;
		if (!bar)
			break;
		s = bar + 1;
	}
	jb_add(b, "]", 1);
}

/*
 * The SQ thread(s) serving this job's ring: the kernel names an SQPOLL
 * thread iou-sqp-<tid of the task that created the ring>, and makes it a
 * thread of that task's process, so it is under /proc/self/task.
 */
static void jb_sq_threads(struct jbuf *b, int creator)
{
	char want[32], path[320], comm[32];
	struct dirent *de;
	bool first = true;
	DIR *d;

	jb_add(b, "[", 1);
	snprintf(want, sizeof(want), "iou-sqp-%d\n", creator);
	d = creator > 0 ? opendir("/proc/self/task") : NULL;
	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want)) {
			jb_printf(b, "%s%s", first ? "" : ",", de->d_name);
			first = false;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	jb_add(b, "]", 1);
}

static void jb_features(struct jbuf *b, struct ub_options *o, struct ub_data *ud)
{
	const struct { bool on; const char *name; } feats[] = {
		{ o->fixedbufs, "fixed_buffers" },
		{ ud->files_registered, "registered_files" },
		{ ud->ring_ready && ud->cfg.register_ring_fd, "registered_ring_fd" },
		{ o->restrict_ring, "restrict" },
		{ o->bpf_filter, "bpf_filter" },
		{ o->passthru, "passthru" },
		{ ud->ring_info.shared, "sqpoll_shared" },
		{ ud->chain != NULL, "chain" },
		{ o->bpf_chain, "bpf_chain" },
		{ !o->fixedbufs && !o->nonvectored, "vectored" },
	};
	bool first = true;
	size_t i;

	jb_add(b, "[", 1);
	for (i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		if (!feats[i].on)
			continue;
		if (!first)
			jb_add(b, ",", 1);
		jb_str(b, feats[i].name);
		first = false;
	}
	jb_add(b, "]", 1);
}

static void jb_chain(struct jbuf *b, struct ub_data *ud)
{
	struct ub_chain_stats st;

	if (!ub_chain_stats(ud, &st)) {
		jb_add(b, "null", 4);
		return;
	}
	jb_printf(b, "{\"len\":%u,\"bpf\":%s,\"lookups\":%llu,\"failed\":%llu,\"reads\":%llu,"
		  "\"enters\":%llu", st.len, st.bpf ? "true" : "false", st.lookups, st.failed,
		  st.reads, st.enters);
	if (st.bpf)
		jb_printf(b, ",\"loop_steps\":%llu", st.steps);
	jb_add(b, "}", 1);
}

static void report_build(struct jbuf *b, struct thread_data *td, struct ub_data *ud)
{
	struct ub_options *o = td->eo;
	enum ub_code code = ud->rep.code;
	bool after_io = ud->rep.code_running;
	const char *outcome, *msg = ud->rep.msg;

	if (code == UB_C_NONE && td->error) {
		/* fio's own error (a file it could not open, a verify failure). */
		code = UB_C_FIO_ERROR;
		after_io = ud->rep.running;
		msg = td->verror[0] ? td->verror : strerror(td->error);
	}
	if (code == UB_C_NONE)
		outcome = "ran";
	else
		outcome = after_io ? "failed" : "refused";

	jb_printf(b, "{\"schema\":%d,\"job\":", UB_REPORT_SCHEMA);
	jb_str(b, td->o.name);
	jb_printf(b, ",\"outcome\":\"%s\",\"code\":", outcome);
	jb_str(b, code == UB_C_NONE ? NULL : ub_code_name(code, after_io));
	jb_add(b, ",\"option\":", 10);
	jb_str(b, code == ud->rep.code ? ud->rep.option : NULL);
	jb_add(b, ",\"message\":", 11);
	jb_str(b, code == UB_C_NONE ? NULL : msg);
	if (ud->ring_ready) {
		jb_printf(b, ",\"ring\":{\"entries\":%u,\"flags\":", ud->ring.sq.ring_entries);
		jb_flag_list(b, ud->flags_str[0] ? ud->flags_str : "none");
		jb_add(b, "}", 1);
	} else {
		jb_add(b, ",\"ring\":null", 12);
	}
	jb_add(b, ",\"features\":", 12);
	jb_features(b, o, ud);
	jb_printf(b, ",\"enter_calls\":%llu,\"ios\":%llu,\"sq_threads\":",
		  ud->enter_calls, ud->submitted_total);
	jb_sq_threads(b, !ud->ring_ready || !(ud->ring.flags & IORING_SETUP_SQPOLL) ? 0 :
			 ud->ring_info.shared ? ud->ring_info.sq_creator : ud->rep.creator_tid);
	jb_add(b, ",\"chain\":", 9);
	jb_chain(b, ud);
	jb_add(b, "}\n", 2);
}

void ub_report_write(struct thread_data *td, struct ub_data *ud)
{
	struct ub_options *o = td->eo;
	struct jbuf b = { 0 };
	ssize_t n;
	int fd;

	if (!o->report || !*o->report)
		return;
	report_build(&b, td, ud);
	if (b.oom) {
		ub_info(td, "report=%s: out of memory building the report; not written", o->report);
		free(b.p);
		return;
	}
	fd = open(o->report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ub_info(td, "report=%s: cannot open: %s; the report is not written",
			o->report, strerror(errno));
		free(b.p);
		return;
	}
	n = write(fd, b.p, b.len);
	if (n != (ssize_t)b.len)
		ub_info(td, "report=%s: %s; the report line is incomplete", o->report,
			n < 0 ? strerror(errno) : "short write");
	close(fd);
	free(b.p);
}
