// SPDX-License-Identifier: GPL-2.0
/*
 * fio's histogram bucket mapping, written from the description in fio 3.41's
 * stat.c (plat_val_to_idx, plat_idx_to_val, calc_clat_percentiles); the unit
 * test checks it against the percentiles fio printed for a json+ run.
 */
#include "results-db/fio_hist.h"

unsigned int ub_plat_val_to_idx(unsigned long long val)
{
	unsigned int msb, error_bits, base, offset, idx;

	msb = val ? 63 - (unsigned int)__builtin_clzll(val) : 0;
	/* Small values are their own bucket: no bits to round off. */
	if (msb <= UB_PLAT_BITS)
		return (unsigned int)val;
	error_bits = msb - UB_PLAT_BITS;
	base = (error_bits + 1) << UB_PLAT_BITS;
	offset = (UB_PLAT_VAL - 1) & (unsigned int)(val >> error_bits);
	idx = base + offset;
	return idx < UB_PLAT_NR - 1 ? idx : UB_PLAT_NR - 1;
}

unsigned long long ub_plat_idx_to_val(unsigned int idx)
{
	unsigned int error_bits;
	unsigned long long k, base;

	if (idx < (UB_PLAT_VAL << 1))
		return idx;
	error_bits = (idx >> UB_PLAT_BITS) - 1;
	base = 1ULL << (error_bits + UB_PLAT_BITS);
	k = idx % UB_PLAT_VAL;
	/* The middle of the bucket, as fio computes it (in double, truncated). */
	return base + (unsigned long long)((k + 0.5) * (1ULL << error_bits));
}

unsigned long long ub_hist_percentile(const uint64_t *hist, unsigned long long nr, double pct)
{
	unsigned long long sum = 0;
	unsigned int i;

	if (!nr)
		return 0;
	for (i = 0; i < UB_PLAT_NR; i++) {
		sum += hist[i];
		/* fio compares in long double: the same rounding at the edges. */
		if (sum >= ((long double)pct / 100.0 * nr))
			return ub_plat_idx_to_val(i);
	}
	return ub_plat_idx_to_val(UB_PLAT_NR - 1);
}
