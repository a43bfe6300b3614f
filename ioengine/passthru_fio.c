// SPDX-License-Identifier: GPL-2.0
/*
 * fio glue for NVMe passthrough (passthru=1): the job's block sizes and
 * offsets against each namespace's LBA size, and io_us as NVMe commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nvme_ioctl.h>

#include "ioengine/passthru_fio.h"
#include "ioengine/engine_options.h"
#include "ioengine/target_probe.h"

/* fio's VERIFY_NONE: verify.h itself needs fio's internal build (FIO_INTERNAL). */
#define UB_VERIFY_NONE 0

/*
 * Everything fio adds into an I/O's offset must be whole LBAs too, or some
 * I/O lands between LBAs (ub_passthru_fio_check_io then fails it; refusing
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

int ub_passthru_fio_init(struct thread_data *td, struct ub_options *o, struct ub_data *ud)
{
	struct ub_passthru_job *pt;
	char ng[PATH_MAX], line[512], err[UB_ERR_LEN];
	struct fio_file *f;
	unsigned int i;

	pt = ud->passthru = calloc(1, sizeof(*ud->passthru));
	if (!pt)
		return 1;
	pt->ns = calloc(td->o.nr_files, sizeof(*pt->ns));
	if (!pt->ns)
		return 1;
	for_each_file(td, f, i) {
		struct ub_nvme_ns *ns = &pt->ns[f->fileno];

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

void ub_passthru_fio_free(struct ub_data *ud)
{
	if (!ud->passthru)
		return;
	free(ud->passthru->ns);
	free(ud->passthru);
	ud->passthru = NULL;
}

int ub_passthru_fio_open_file(struct thread_data *td, struct fio_file *f)
{
	struct ub_data *ud = td->io_ops_data;
	int fd;

	if (!ud || !ud->passthru) {
		ub_err(td, "passthru=1: %s opened before the engine identified it", f->file_name);
		return 1;
	}
	fd = ub_passthru_open(&ud->passthru->ns[f->fileno], td_write(td));
	if (fd < 0) {
		ub_err(td, "passthru=1: cannot open %s: %s", ud->passthru->ns[f->fileno].path,
		       strerror(-fd));
		td_verror(td, -fd, "open");
		return 1;
	}
	f->fd = fd;
	return 0;
}

int ub_passthru_fio_get_file_size(struct thread_data *td, struct fio_file *f)
{
	struct ub_options *o = td->eo;
	struct ub_nvme_ns ns;
	char ng[PATH_MAX], err[UB_ERR_LEN];

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

int ub_passthru_fio_check_io(struct thread_data *td, struct ub_data *ud, struct io_u *io_u)
{
	const struct ub_nvme_ns *ns = &ud->passthru->ns[io_u->file->fileno];
	char err[UB_ERR_LEN];

	if (!ddir_rw(io_u->ddir) ||
	    !ub_passthru_check_io(ns, io_u->offset, io_u->xfer_buflen, err, sizeof(err)))
		return 0;
	/* fio names each failed I/O itself; the reason is said once per job. */
	if (!ud->passthru->io_refused) {
		ud->passthru->io_refused = true;
		ub_err(td, "%s", err);
	}
	io_u->error = EINVAL;
	return 1;
}

void ub_passthru_fio_prep(struct thread_data *td, struct ub_data *ud,
			  struct io_uring_sqe *sqe, struct io_u *io_u)
{
	struct ub_options *o = td->eo;
	struct fio_file *f = io_u->file;
	const struct ub_nvme_ns *ns = &ud->passthru->ns[f->fileno];
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

int ub_passthru_fio_res(struct io_u *io_u, int res)
{
	int status, ret = ub_passthru_result(res, &status);

	if (status)
		log_err("uringbpf: passthru: NVMe status 0x%x for %s at offset %llu (%llu bytes)\n",
			status, io_u->file->file_name, io_u->offset, io_u->xfer_buflen);
	return ret ? ret : (int)io_u->xfer_buflen;
}
