// SPDX-License-Identifier: GPL-2.0
/*
 * host_identity=1: the job's description becomes
 *   uringbpf-identity {"k":KERNEL,"cpu":CPU MODEL,"dev":{path, kind, model, sn, fw, size, lba, nvme}}
 * describing the host the job runs on and its first file.
 *
 * Why the description: fio's client/server protocol carries no host facts
 * back to the client (client_stats has hostname and port only), and what a
 * job process logs stays on the server's stderr.  The description is the one
 * free-form per-job string a server returns; it lands in the JSON as "desc",
 * where the results database reads it (results-db/db_import.c).
 *
 * Set when fio sizes the job's first file (the engine's get_file_size), which
 * fio does in its backend process before the job forks (create_serialize=1,
 * fio's default), so the string lives in the process that reports the
 * results.  With create_serialize=0 the sizing runs in the forked job and
 * the description is not seen: the run's kernel then stays unknown, never
 * wrong.  Sizing may run more than once: an identity already there is kept.  A description the job already has (the
 * profiles name their sections so) stays in front: "DESC uringbpf-identity
 * {...}"; if both do not fit fio's 255 bytes, the job's own text wins.
 * The host and device are described by the results library's own code
 * (results-db/host.c, device.c), compiled into the engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fio.h"

#include "ioengine/engine.h"
#include "ioengine/host_identity.h"
#include "results-db/db.h"

/* fio's job description buffer holds FIO_JOBDESC_SIZE bytes, NUL included. */
#define UB_IDENTITY_MAX (FIO_JOBDESC_SIZE - 1)

/* A JSON string's content, cut to len: quotes, backslashes and control bytes become spaces. */
static void json_clean(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < len; i++)
		dst[i] = src[i] == '"' || src[i] == '\\' || (unsigned char)src[i] < 0x20 ? ' ' : src[i];
	dst[i] = 0;
}

/*
 * Write the identity into buf; the longest fields give way first (serial,
 * firmware, then the CPU model) so that it fits fio's 255 bytes.  Returns
 * the length, or -1 if even the shortest form does not fit.
 */
static int identity_text(char *buf, size_t len, const char *desc, const struct ub_host *h,
			 const struct ub_device *d, int have_dev)
{
	char k[96], cpu[96], path[96], model[64], sn[48], fw[24];
	int level, n = -1;

	json_clean(k, sizeof(k), h->kernel);
	json_clean(cpu, sizeof(cpu), h->cpu_model);
	json_clean(path, sizeof(path), have_dev ? d->path : "");
	json_clean(model, sizeof(model), have_dev ? d->model : "");
	json_clean(sn, sizeof(sn), have_dev ? d->serial : "");
	json_clean(fw, sizeof(fw), have_dev ? d->firmware : "");
	for (level = 0; level < 4; level++) {
		if (level >= 1)
			sn[0] = 0;
		if (level >= 2)
			fw[0] = 0;
		if (level >= 3)
			cpu[0] = 0;
		if (have_dev)
			n = snprintf(buf, len, "%s%s" UB_IDENTITY_PREFIX "{\"k\":\"%s\",\"cpu\":\"%s\",\"dev\":"
				     "{\"path\":\"%s\",\"kind\":\"%s\",\"model\":\"%s\",\"sn\":\"%s\","
				     "\"fw\":\"%s\",\"size\":%lld,\"lba\":%lld,\"nvme\":%d}}",
				     desc, *desc ? " " : "", k, cpu, path, d->kind ? d->kind : "", model, sn, fw,
				     d->size, d->lba_size, d->nvme);
		else
			n = snprintf(buf, len, "%s%s" UB_IDENTITY_PREFIX "{\"k\":\"%s\",\"cpu\":\"%s\"}",
				     desc, *desc ? " " : "", k, cpu);
		if (n >= 0 && n <= UB_IDENTITY_MAX && (size_t)n < len)
			return n;
	}
	return -1;
}

/*
 * fio's job state lives in shared memory, which LeakSanitizer does not scan:
 * a forked job's leak check (ioengine/leak_check.h) would call the new
 * description leaked, though fio frees it at exit.  A list rooted here, in
 * the engine's own data, keeps each one reachable (nodes are never freed;
 * one per job).  Pushed lock-free: jobs of one process may size their files
 * at once (thread=1, create_serialize=0).
 */
struct kept {
	struct kept *next;
	const char *s;
};
static struct kept *kept_descriptions;

static void keep_reachable(const char *s)
{
	struct kept *k = malloc(sizeof(*k));

	if (!s || !k) {
		free(k);
		return;
	}
	k->s = s;
	k->next = __atomic_load_n(&kept_descriptions, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&kept_descriptions, &k->next, k, 1, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
}

void ub_host_identity(struct thread_data *td)
{
	struct ub_options *o = td->eo;
	struct ub_device dev;
	struct ub_host host;
	struct ub_err e;
	char buf[512];
	int have_dev = 0;

	if (!o || !o->host_identity ||
	    (td->o.description && strstr(td->o.description, UB_IDENTITY_PREFIX "{")))
		return;
	if (ub_host_probe(&host)) {
		ub_info(td, "host_identity=1: cannot read this host's kernel release; no identity");
		return;
	}
	if (td->files_index && td->files[0] && td->files[0]->file_name)
		have_dev = ub_device_identify(td->files[0]->file_name, &dev, &e) == UB_OK;
	if (identity_text(buf, sizeof(buf), td->o.description ? td->o.description : "",
			  &host, &dev, have_dev) < 0) {
		ub_info(td, "host_identity=1: the job's description and this host's identity do not "
			"fit fio's 255 bytes together; the description is kept, no identity");
		return;
	}
	/* fio frees option strings with free(): strdup, as its parser does. */
	free(td->o.description);
	td->o.description = strdup(buf);
	keep_reachable(td->o.description);
}
