// SPDX-License-Identifier: GPL-2.0
/*
 * fio glue for the ring-hardening options, restrict=1 and bpf_filter=1:
 * which opcodes the job issues, and the order restrict.c needs on a ring
 * created disabled.
 */
#include <stdlib.h>
#include <string.h>

#include "ioengine/restrict_fio.h"

/* fio's VERIFY_NONE: verify.h itself needs fio's internal build (FIO_INTERNAL). */
#define UB_VERIFY_NONE 0

/* Which opcodes the job will issue, in restrict.c's terms. */
static void job_spec(struct thread_data *td, struct ub_options *o, struct ub_restrict_spec *spec)
{
	bool verifies = td->o.verify != UB_VERIFY_NONE;

	memset(spec, 0, sizeof(*spec));
	spec->read = td_read(td) || verifies;
	spec->write = td_write(td);
	/*
	 * fio issues DDIR_SYNC for fsync=/fdatasync=/end_fsync=, before a
	 * verify pass, and with override_sync: only when writing or verifying.
	 */
	spec->sync = td_write(td) || verifies || td->o.override_sync;
	spec->fixedbufs = o->fixedbufs;
	spec->vectored = !o->nonvectored && !o->chain_len;	/* a chain reads with IORING_OP_READ */
	spec->passthru = o->passthru;
	spec->unregister_ring_fd = o->register_ring_fd;
}

int ub_harden_init(struct thread_data *td, struct ub_options *o, struct ub_data *ud)
{
	const char *opt = o->restrict_ring ? "restrict=1" : "bpf_filter=1";

	ud->hardening = calloc(1, sizeof(*ud->hardening));
	if (!ud->hardening)
		return 1;
	/* Both allow only registered files: the engine opens them up front. */
	if (!o->registerfiles) {
		o->registerfiles = 1;
		ud->hardening->registerfiles_forced = true;
	}
	if (td->o.nr_files != td->o.open_files) {
		ub_err(td, "%s registers every file with the ring up front, so it needs "
		       "open_files equal to nr_files (%u != %u)", opt, td->o.open_files,
		       td->o.nr_files);
		return 1;
	}
	/* Nothing may run before the allowlist is in (built in ub_harden_ring). */
	ud->cfg.start_disabled = true;
	return 0;
}

int ub_harden_ring(struct thread_data *td, struct ub_data *ud)
{
	struct ub_options *o = td->eo;
	struct ub_hardening *h = ud->hardening;
	struct ub_restrict_spec spec;
	char line[256], err[UB_ERR_LEN];
	int ret;

	if (!ud->cfg.start_disabled)
		return 0;
	/* Built only now: nonvectored=-1 is probed on the job's own ring. */
	job_spec(td, o, &spec);
	ub_restrict_set_build(&spec, &h->set);
	if (o->bpf_filter) {
		ret = ub_bpf_filter_probe(&ud->ring, err, sizeof(err));
		if (!ret)
			ret = ub_bpf_filter_install(&ud->ring, &h->set, err, sizeof(err));
		if (ret) {
			ub_err(td, "%s", err);
			td_verror(td, -ret, "bpf_filter");
			return 1;
		}
		ub_info(td, "bpf filter: %s%s", ub_bpf_filter_describe(&h->set, line, sizeof(line)),
			h->registerfiles_forced ? "; registerfiles=1 forced" : "");
	}
	if (o->restrict_ring) {
		ret = ub_restrict_install(&ud->ring, &h->set, err, sizeof(err));
		if (ret) {
			ub_err(td, "%s", err);
			td_verror(td, -ret, "restrict");
			return 1;
		}
		ub_info(td, "restrictions: %s%s", ub_restrict_describe(&h->set, line, sizeof(line)),
			h->registerfiles_forced ? "; registerfiles=1 forced" : "");
	}
	ret = ub_restrict_enable(&ud->ring, err, sizeof(err));
	if (ret) {
		ub_err(td, "%s", err);
		td_verror(td, -ret, "io_uring_enable_rings");
		return 1;
	}
	/* Not self-reported: the kernel must refuse a forbidden SQE here. */
	if (o->restrict_ring || o->bpf_filter) {
		ret = ub_restrict_verify(&ud->ring, err, sizeof(err));
		if (ret) {
			ub_err(td, "%s: %s", o->restrict_ring ? "restrict=1" : "bpf_filter=1", err);
			td_verror(td, -ret, "restrict");
			return 1;
		}
		ub_info(td, "restrictions verified: a NOP the allowlist forbids completed with -EACCES");
	}
	return 0;
}

void ub_harden_free(struct ub_data *ud)
{
	free(ud->hardening);
	ud->hardening = NULL;
}
