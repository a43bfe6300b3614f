/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fio's latency histogram (stat.h, stat.c of fio 3.x): FIO_IO_U_PLAT_GROUP_NR
 * groups of 2^FIO_IO_U_PLAT_BITS buckets. json+ names each non-empty bucket
 * by plat_idx_to_val(idx) in ns ("clat_ns": {"bins": {"VALUE": COUNT}}).
 * The same mapping here lets histograms of several jobs be added bucket by
 * bucket and read back as fio itself would read one.
 */
#ifndef UB_FIO_HIST_H
#define UB_FIO_HIST_H

#include <stdint.h>

#define UB_PLAT_BITS 6
#define UB_PLAT_VAL (1 << UB_PLAT_BITS)
#define UB_PLAT_GROUP_NR 29
#define UB_PLAT_NR (UB_PLAT_GROUP_NR * UB_PLAT_VAL)

/* fio's plat_val_to_idx(): the bucket a latency of val ns falls in. */
unsigned int ub_plat_val_to_idx(unsigned long long val);
/* fio's plat_idx_to_val(): the value (ns) that names bucket idx (< UB_PLAT_NR). */
unsigned long long ub_plat_idx_to_val(unsigned int idx);
/*
 * fio's calc_clat_percentiles() for one percentile pct (0 < pct <= 100) of a
 * histogram hist[UB_PLAT_NR] holding nr samples: the value of the first
 * bucket where the running count reaches pct/100 * nr. Returns 0 for nr 0.
 */
unsigned long long ub_hist_percentile(const uint64_t *hist, unsigned long long nr, double pct);

#endif
