// SPDX-License-Identifier: GPL-2.0
/*
 * fio glue for the ring-hardening options (restrict, bpf_filter), the
 * shared SQ thread (sqpoll_shared) and NVMe passthrough (passthru).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>

#include "ioengine/engine_features.h"
#include "ioengine/engine_options.h"
#include "ioengine/target_probe.h"

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

static int init_hardening(struct thread_data *td, struct ub_options *o, struct ub_data *ud)
{
	const char *opt = o->restrict_ring ? "restrict=1" : "bpf_filter=1";

	/* Both allow only registered files: the engine opens them up front. */
	if (!o->registerfiles) {
		o->registerfiles = 1;
		ud->feat->registerfiles_forced = true;
	}
	if (td->o.nr_files != td->o.open_files) {
		ub_err(td, "%s registers every file with the ring up front, so it needs "
		       "open_files equal to nr_files (%u != %u)", opt, td->o.open_files,
		       td->o.nr_files);
		return 1;
	}
	/* Nothing may run before the allowlist is in (built in ub_feat_secure_ring). */
	ud->cfg.start_disabled = true;
	return 0;
}

static int init_sqpoll_shared(struct thread_data *td, struct ub_options *o)
{
	if (!o->sqthread_poll) {
		ub_err(td, "sqpoll_shared=1 needs sqthread_poll=1 (it shares the SQPOLL thread)");
		return 1;
	}
	if (!td->o.use_thread) {
		ub_err(td, "sqpoll_shared=1 needs thread=1: the kernel shares an SQPOLL thread "
		       "only among rings of one process (IORING_SETUP_ATTACH_WQ from another "
		       "process silently starts a private thread), and fio runs each job as a "
		       "process unless thread=1");
		return 1;
	}
	return 0;
}

/*
 * Everything fio adds into an I/O's offset must be whole LBAs too, or some
 * I/O lands between LBAs (ub_feat_passthru_check then fails it; refusing
 * the job up front says why once, before anything is written).
 */
static int check_offset_sources(struct thread_data *td, const struct ub_nvme_ns *ns,
				char *err, size_t errlen)
{
	struct thread_options *to = &td->o;
	unsigned long long skip = to->ddir_seq_add < 0 ? -(unsigned long long)to->ddir_seq_add :
			(unsigned long long)to->ddir_seq_add;
	char what[96];
	enum fio_ddir ddir;
	unsigned int i;
	int ret;

#define ALIGNED(fmt, val, ...) \
	(snprintf(what, sizeof(what), fmt, ##__VA_ARGS__), \
	 ub_passthru_check_align(ns, what, (val), err, errlen))

	ret = ALIGNED("offset=%llu", to->start_offset, to->start_offset) ?:
	      ALIGNED("offset_increment=%llu", to->offset_increment, to->offset_increment) ?:
	      ALIGNED("rw=%s:%lld", skip, ddir_str(to->td_ddir), to->ddir_seq_add);
	/* offset=N%% and offset_increment=N%% round up to offset_align= (default: bs). */
	if (!ret && fio_option_is_set(to, start_offset_align))
		ret = ALIGNED("offset_align=%llu", to->start_offset_align, to->start_offset_align);
	if (!ret && to->zone_mode == ZONE_MODE_STRIDED)
		ret = ALIGNED("zonerange=%llu", to->zone_range, to->zone_range) ?:
		      ALIGNED("zoneskip=%llu", to->zone_skip, to->zone_skip);
	for (ddir = DDIR_READ; ddir <= DDIR_WRITE && !ret; ddir++) {
		for (i = 0; i < to->bssplit_nr[ddir] && !ret; i++)
			ret = ALIGNED("bssplit entry %llu", to->bssplit[ddir][i].bs,
				      (unsigned long long)to->bssplit[ddir][i].bs);
		/*
		 * A bs range whose smallest size is not a power of 2 gives lengths
		 * on any byte (fio masks lengths to the smallest size only when it
		 * is a power of 2), and sequential offsets follow the lengths.
		 */
		if (!ret && to->min_bs[ddir] != to->max_bs[ddir] &&
		    (to->min_bs[ddir] & (to->min_bs[ddir] - 1))) {
			snprintf(err, errlen, "passthru=1: bsrange=%llu-%llu: fio picks sizes "
				 "in a range on any byte unless the smallest is a power of 2, and NVMe "
				 "commands address whole LBAs of %u bytes; use a power of 2 as the "
				 "smallest size", to->min_bs[ddir], to->max_bs[ddir], ns->lba_size);
			ret = -EINVAL;
		}
	}
#undef ALIGNED
	return ret;
}

/* Block sizes and alignments fio may use must be whole LBAs. */
static int check_lba_multiples(struct thread_data *td, const struct ub_nvme_ns *ns)
{
	char err[UB_ERR_LEN];
	enum fio_ddir ddir;
	int ret = 0;

	if (td->o.bs_unaligned) {
		ub_err(td, "passthru=1: bs_unaligned=1 cannot be used: NVMe commands address "
		       "whole LBAs of %u bytes", ns->lba_size);
		return 1;
	}
	for (ddir = DDIR_READ; ddir <= DDIR_WRITE && !ret; ddir++) {
		if (ddir == DDIR_READ ? !(td_read(td) || td->o.verify != UB_VERIFY_NONE) : !td_write(td))
			continue;
		ret = ub_passthru_check_bs(ns, "bs", td->o.min_bs[ddir], err, sizeof(err)) ?:
		      ub_passthru_check_bs(ns, "bs", td->o.max_bs[ddir], err, sizeof(err)) ?:
		      ub_passthru_check_bs(ns, "blockalign", td->o.ba[ddir], err, sizeof(err));
	}
	if (!ret)
		ret = check_offset_sources(td, ns, err, sizeof(err));
	if (ret) {
		ub_err(td, "%s", err);
		return 1;
	}
	return 0;
}

static int init_passthru(struct thread_data *td, struct ub_options *o, struct ub_data *ud)
{
	struct ub_features *feat = ud->feat;
	char ng[PATH_MAX], line[512], err[UB_ERR_LEN];
	struct fio_file *f;
	unsigned int i;

	feat->ns = calloc(td->o.nr_files, sizeof(*feat->ns));
	if (!feat->ns)
		return 1;
	for_each_file(td, f, i) {
		struct ub_nvme_ns *ns = &feat->ns[f->fileno];

		if (ub_passthru_map_path(f->file_name, ng, sizeof(ng), err, sizeof(err)) ||
		    ub_passthru_identify(ng, ns, err, sizeof(err))) {
			ub_err(td, "%s", err);
			return 1;
		}
		if (check_lba_multiples(td, ns))
			return 1;
		if (o->hipri && ub_target_check_iopoll(ng, 1, err, sizeof(err))) {
			ub_err(td, "%s", err);
			return 1;
		}
		/* fio must treat it as the char device the I/O really goes to. */
		f->filetype = FIO_TYPE_CHAR;
		ub_info(td, "passthru: %s%s%s", ub_passthru_describe(ns, line, sizeof(line)),
			strcmp(ng, f->file_name) ? ", mapped from " : "",
			strcmp(ng, f->file_name) ? f->file_name : "");
	}
	ud->cfg.big_sqe_cqe = true;
	return 0;
}

int ub_feat_init(struct thread_data *td, struct ub_options *o, struct ub_data *ud)
{
	if (!o->restrict_ring && !o->bpf_filter && !o->sqpoll_shared && !o->passthru)
		return 0;
	ud->feat = calloc(1, sizeof(*ud->feat));
	if (!ud->feat)
		return 1;
	if ((o->restrict_ring || o->bpf_filter) && init_hardening(td, o, ud))
		return 1;
	if (o->sqpoll_shared && init_sqpoll_shared(td, o))
		return 1;
	if (o->passthru && init_passthru(td, o, ud))
		return 1;
	return 0;
}

void ub_feat_free(struct ub_data *ud)
{
	if (!ud->feat)
		return;
	free(ud->feat->ns);
	free(ud->feat);
	ud->feat = NULL;
}

int ub_feat_secure_ring(struct thread_data *td, struct ub_data *ud)
{
	struct ub_options *o = td->eo;
	struct ub_features *feat = ud->feat;
	struct ub_restrict_spec spec;
	char line[256], err[UB_ERR_LEN];
	int ret;

	if (!ud->cfg.start_disabled)
		return 0;
	/* Built only now: nonvectored=-1 is probed on the job's own ring. */
	job_spec(td, o, &spec);
	ub_restrict_set_build(&spec, &feat->set);
	if (o->bpf_filter) {
		ret = ub_bpf_filter_probe(&ud->ring, err, sizeof(err));
		if (!ret)
			ret = ub_bpf_filter_install(&ud->ring, &feat->set, err, sizeof(err));
		if (ret) {
			ub_err(td, "%s", err);
			td_verror(td, -ret, "bpf_filter");
			return 1;
		}
		ub_info(td, "bpf filter: %s%s", ub_bpf_filter_describe(&feat->set, line, sizeof(line)),
			feat->registerfiles_forced ? "; registerfiles=1 forced" : "");
	}
	if (o->restrict_ring) {
		ret = ub_restrict_install(&ud->ring, &feat->set, err, sizeof(err));
		if (ret) {
			ub_err(td, "%s", err);
			td_verror(td, -ret, "restrict");
			return 1;
		}
		ub_info(td, "restrictions: %s%s", ub_restrict_describe(&feat->set, line, sizeof(line)),
			feat->registerfiles_forced ? "; registerfiles=1 forced" : "");
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

int ub_feat_open_file(struct thread_data *td, struct fio_file *f)
{
	struct ub_options *o = td->eo;
	struct ub_data *ud = td->io_ops_data;
	int fd;

	if (!o->passthru) {
		if (generic_open_file(td, f))
			return 1;
		if (ub_options_check_file(td, o, f)) {
			close(f->fd);
			f->fd = -1;
			return 1;
		}
		return 0;
	}
	if (!ud || !ud->feat || !ud->feat->ns) {
		ub_err(td, "passthru=1: %s opened before the engine identified it", f->file_name);
		return 1;
	}
	fd = ub_passthru_open(&ud->feat->ns[f->fileno], td_write(td));
	if (fd < 0) {
		ub_err(td, "passthru=1: cannot open %s: %s", ud->feat->ns[f->fileno].path,
		       strerror(-fd));
		td_verror(td, -fd, "open");
		return 1;
	}
	f->fd = fd;
	return 0;
}

int ub_feat_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct ub_options *o = td->eo;
	struct ub_nvme_ns ns;
	char ng[PATH_MAX], err[UB_ERR_LEN];

	if (!o->passthru)
		return generic_get_file_size(td, f);
	if (fio_file_size_known(f))
		return 0;
	/*
	 * Runs before ->init too (fio sizes files in its main process): check
	 * the options first, so a bad one is named even where the target is
	 * no NVMe namespace (->init checks them again; they pass silently).
	 */
	if (ub_options_check(td, o))
		return 1;
	if (ub_passthru_map_path(f->file_name, ng, sizeof(ng), err, sizeof(err)) ||
	    ub_passthru_identify(ng, &ns, err, sizeof(err))) {
		ub_err(td, "%s", err);
		return 1;
	}
	f->real_file_size = ns.nlba << ns.lba_shift;
	fio_file_set_size_known(f);
	return 0;
}

int ub_feat_passthru_check(struct thread_data *td, struct ub_data *ud, struct io_u *io_u)
{
	const struct ub_nvme_ns *ns = &ud->feat->ns[io_u->file->fileno];
	char err[UB_ERR_LEN];

	if (!ddir_rw(io_u->ddir) ||
	    !ub_passthru_check_io(ns, io_u->offset, io_u->xfer_buflen, err, sizeof(err)))
		return 0;
	/* fio names each failed I/O itself; the reason is said once per job. */
	if (!ud->feat->io_refused) {
		ud->feat->io_refused = true;
		ub_err(td, "%s", err);
	}
	io_u->error = EINVAL;
	return 1;
}

void ub_feat_prep_passthru(struct thread_data *td, struct ub_data *ud,
			   struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct ub_options *o = td->eo;
	struct fio_file *f = io_u->file;
	const struct ub_nvme_ns *ns = &ud->feat->ns[f->fileno];
	int fd = ud->files_registered ? (int)f->engine_pos : f->fd;

	if (io_u->ddir == DDIR_READ || io_u->ddir == DDIR_WRITE) {
		ub_passthru_prep_rw(sqe, ns, fd, ud->files_registered, io_u->ddir == DDIR_WRITE,
				    io_u->xfer_buf, io_u->xfer_buflen, io_u->offset,
				    o->fixedbufs ? (int)io_u->index : -1);
		/* readfua/writefua: FUA is CDW12 bit 30 of NVMe Read and Write, as in fio. */
		if (io_u->ddir == DDIR_READ ? o->readfua : o->writefua)
			((struct nvme_uring_cmd *)sqe->cmd)->cdw12 |= 1U << 30;
	} else
		ub_passthru_prep_flush(sqe, ns, fd, ud->files_registered);
}

int ub_feat_passthru_res(struct io_u *io_u, int res)
{
	int status, ret = ub_passthru_result(res, &status);

	if (status)
		log_err("uringbpf: passthru: NVMe status 0x%x for %s at offset %llu (%llu bytes)\n",
			status, io_u->file->file_name, io_u->offset, io_u->xfer_buflen);
	return ret ? ret : (int)io_u->xfer_buflen;
}
