// SPDX-License-Identifier: GPL-2.0
/*
 * Unit checks of the results tool's pure helpers: SHA-256 (the import key),
 * fio size parsing, default config labels, NVMe node names, fio's latency
 * histogram mapping and percentiles (against fio's own output). Prints
 * "ok NAME" / "not ok NAME: why" lines for tests/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results-db/db.h"
#include "results-db/fio_hist.h"

static int fails;

static void expect_str(const char *name, const char *got, const char *want)
{
	if (!strcmp(got, want)) {
		printf("ok %s\n", name);
	} else {
		printf("not ok %s: got '%s', want '%s'\n", name, got, want);
		fails++;
	}
}

static void sha256_vectors(void)
{
	/* FIPS 180-4 examples; the 56- and 64-byte inputs hit the padding edges. */
	static const struct { const char *in; const char *hex; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e" },
	};
	char hex[65], name[64];
	size_t i;
	char *m;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ub_sha256_hex(v[i].in, strlen(v[i].in), hex);
		snprintf(name, sizeof(name), "sha256-%zu-bytes", strlen(v[i].in));
		expect_str(name, hex, v[i].hex);
	}
	m = malloc(1000000);
	if (!m)
		abort();
	memset(m, 'a', 1000000);
	ub_sha256_hex(m, 1000000, hex);
	expect_str("sha256-million-a", hex,
		   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

static void sizes(void)
{
	static const struct { const char *in; long long want; int ok; } v[] = {
		{ "4096", 4096, 1 }, { "4k", 4096, 1 }, { "4K", 4096, 1 }, { "4KiB", 4096, 1 },
		{ "1m", 1 << 20, 1 }, { "128k,4k", 128 << 10, 1 }, { "512b", 512, 1 },
		{ "4q", 0, 0 }, { "", 0, 0 }, { "k", 0, 0 }, { "99999999999999999999", 0, 0 },
	};
	char got[64], want[64], name[64];
	size_t i;
	int ok;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		long long r = ub_parse_size(v[i].in, &ok);

		snprintf(got, sizeof(got), "%d:%lld", ok, ok ? r : 0);
		snprintf(want, sizeof(want), "%d:%lld", v[i].ok, v[i].want);
		snprintf(name, sizeof(name), "size-'%s'", v[i].in);
		expect_str(name, got, want);
	}
}

static void labels(void)
{
	struct ub_modes sq_io = { .ioengine = "external:/x/build/fio-uringbpf.so",
				  .sqthread_poll = 1, .hipri = 1 };
	struct ub_modes io = { .ioengine = "io_uring", .hipri = 1 };
	struct ub_modes aio = { .ioengine = "libaio" };
	struct ub_modes none = { 0 };
	struct ub_modes all = { .ioengine = "uringbpf", .restrict_ring = 1, .bpf_chain = 1,
				.fixedbufs = 1, .registerfiles = 1, .passthru = 1,
				.bpf_filter = 1 };
	char buf[256];

	ub_config_label(&sq_io, buf, sizeof(buf));
	expect_str("label-uringbpf-sqpoll-iopoll", buf, "uringbpf SQPOLL+IOPOLL");
	ub_config_label(&io, buf, sizeof(buf));
	expect_str("label-io_uring-iopoll", buf, "io_uring IOPOLL");
	ub_config_label(&aio, buf, sizeof(buf));
	expect_str("label-libaio", buf, "libaio");
	ub_config_label(&none, buf, sizeof(buf));
	expect_str("label-fio-default-engine", buf, "psync");
	ub_config_label(&all, buf, sizeof(buf));
	expect_str("label-all-modes", buf,
		   "uringbpf FIXEDBUFS+REGFILES+RESTRICT+BPF_FILTER+BPF_CHAIN+PASSTHRU");
	ub_config_label(&all, buf, 12);
	expect_str("label-truncated-safely", buf, "uringbpf FI");
}

static void nvme_names(void)
{
	static const struct { const char *path; int want; } v[] = {
		{ "/dev/nvme0n1", 1 }, { "/dev/nvme12n3p1", 1 }, { "/dev/ng0n1", 1 },
		{ "/dev/nvme0", 1 }, { "/dev/vda", 0 }, { "/dev/nvme-fabrics", 0 },
		{ "/dev/sda", 0 }, { "nvme1n1", 1 },
	};
	char got[8], want[8], name[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(got, sizeof(got), "%d", ub_is_nvme_node(v[i].path));
		snprintf(want, sizeof(want), "%d", v[i].want);
		snprintf(name, sizeof(name), "nvme-node-%s", v[i].path);
		expect_str(name, got, want);
	}
}

/* Every bucket's value maps back to the bucket: the json+ keys are these values. */
static void plat_round_trip(void)
{
	unsigned int i, bad = 0;
	char got[64];

	for (i = 0; i < UB_PLAT_NR; i++)
		if (ub_plat_val_to_idx(ub_plat_idx_to_val(i)) != i)
			bad++;
	snprintf(got, sizeof(got), "%u", bad);
	expect_str("plat-idx-val-round-trip", got, "0");
	/* fio's stat.c: values below 128 ns are exact; 128-129 ns is bucket 128, named 129. */
	snprintf(got, sizeof(got), "%llu %llu %u %u", ub_plat_idx_to_val(127),
		 ub_plat_idx_to_val(128), ub_plat_val_to_idx(129), ub_plat_val_to_idx(1ULL << 40));
	expect_str("plat-edges", got, "127 129 128 1855");
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc(n + 1);
	if (b && fread(b, 1, n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = 0;
	fclose(f);
	return b;
}

/*
 * One json+ job: the percentiles computed here from its bins equal every
 * percentile fio printed for it (fio computed them from the same histogram).
 */
static void percentiles_match_fio(const char *fixture, const char *ddir)
{
	static uint64_t hist[UB_PLAT_NR];
	char path[4096], name[128], got[64], want[64], sql[512];
	const char *top = getenv("UB_TOP");
	sqlite3_stmt *st;
	sqlite3 *db;
	char *doc;
	unsigned long long nr = 0;
	int n = 0, bad = 0;

	snprintf(path, sizeof(path), "%s/tests/results-db/fixtures/%s", top ? top : ".", fixture);
	doc = slurp(path);
	if (!doc || sqlite3_open(":memory:", &db) != SQLITE_OK) {
		printf("not ok percentiles-%s: cannot read %s\n", fixture, path);
		fails++;
		free(doc);
		return;
	}
	memset(hist, 0, sizeof(hist));
	snprintf(sql, sizeof(sql), "SELECT key, value FROM json_each(?1, '$.jobs[0].%s.clat_ns.bins')",
		 ddir);
	sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		unsigned long long v = strtoull((const char *)sqlite3_column_text(st, 0), NULL, 10);

		hist[ub_plat_val_to_idx(v)] += sqlite3_column_int64(st, 1);
		nr += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	snprintf(sql, sizeof(sql), "SELECT key, value FROM json_each(?1, '$.jobs[0].%s.clat_ns.percentile')",
		 ddir);
	sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double pct = strtod((const char *)sqlite3_column_text(st, 0), NULL);
		unsigned long long fio = sqlite3_column_int64(st, 1);
		unsigned long long ours = ub_hist_percentile(hist, nr, pct);

		n++;
		if (ours != fio) {
			printf("# %s p%s: fio %llu, ours %llu\n", fixture,
			       (const char *)sqlite3_column_text(st, 0), fio, ours);
			bad++;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(doc);
	snprintf(name, sizeof(name), "percentiles-as-fio-%s-%s", fixture, ddir);
	snprintf(got, sizeof(got), "%d of %d differ, %llu samples", bad, n, nr);
	snprintf(want, sizeof(want), "0 of %d differ, %llu samples", n ? n : 17, nr);
	expect_str(name, got, nr ? want : "some samples");
}

/* Metric names of a percentile: the four columns, any clat_pP_us, nothing else. */
static void metric_names(void)
{
	static const struct { const char *m; const char *want; } v[] = {
		{ "clat_p50_us", "50 clat_p50_us" }, { "clat_p999_us", "99.9 clat_p999_us" },
		{ "clat_p9999_us", "99.99 clat_p9999_us" }, { "clat_p99.999_us", "99.999 -" },
		{ "clat_p100_us", "100 -" }, { "clat_p1_us", "1 -" }, { "clat_p0.5_us", "0.5 -" },
		{ "clat_p101_us", "usage" }, { "clat_p0_us", "usage" }, { "clat_p99999_us", "usage" },
		{ "clat_p99._us", "usage" }, { "clat_p.9_us", "usage" }, { "clat_p9.9.9_us", "usage" },
		{ "clat_p_us", "usage" }, { "clat_p99_ms", "usage" }, { "kiops", "usage" },
		{ "clat_p1e1_us", "usage" }, { "clat_p-5_us", "usage" },
	};
	char got[64], name[64];
	const char *col;
	double pct;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (ub_metric_pct(v[i].m, &pct, &col))
			snprintf(got, sizeof(got), "usage");
		else
			snprintf(got, sizeof(got), "%g %s", pct, col ? col : "-");
		snprintf(name, sizeof(name), "metric-pct-%s", v[i].m);
		expect_str(name, got, v[i].want);
	}
}

int main(void)
{
	sha256_vectors();
	sizes();
	labels();
	nvme_names();
	plat_round_trip();
	percentiles_match_fio("jsonplus.json", "read");
	percentiles_match_fio("numjobs2.json", "read");
	/* percentile_list up to 99.999: fio printed p99.999 from the same bins. */
	percentiles_match_fio("merge-r1.json", "read");
	percentiles_match_fio("merge-r2.json", "read");
	metric_names();
	return fails ? 1 : 0;
}
