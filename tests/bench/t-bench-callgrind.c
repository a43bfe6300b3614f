// SPDX-License-Identifier: GPL-2.0
/*
 * uringbpf bench --callgrind's reader of callgrind output (cli/bench/callgrind.c)
 * on hand-written files in valgrind's format: compressed names "(id) name"
 * and "(id)", cob=/cfn= sharing the id spaces, the cost line after calls=
 * (the callee's inclusive cost) not counted as the caller's, positions
 * "+N" and "*", objects named by their file name; then the per-I/O
 * difference of two profiles and its lines.  Prints ok / not ok lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/bench/callgrind.h"

static int fails;

static void expect(const char *name, double got, double want)
{
	if (got == want) {
		printf("ok %s\n", name);
	} else {
		printf("not ok %s: got %g, want %g\n", name, got, want);
		fails++;
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		printf("not ok write %s\n", path);
		exit(1);
	}
}

static double ir(struct cg_profile *p, const char *obj, const char *fn)
{
	struct cg_fn *f = cg_find(p, obj, fn, 0);

	return f ? f->ir : -1;
}

static const char n1[] =
	"version: 1\ncreator: callgrind-3.19.0\nevents: Ir\n"
	"ob=(1) /usr/local/bin/fio\nfl=(1) fio.c\nfn=(1) main\n0 10\n"
	"cob=(2) /lib/x86_64-linux-gnu/libc.so.6\ncfi=(2) ???\ncfn=(2) memcpy\ncalls=2 0\n0 500\n"
	"0 5\n"
	"fn=(3) td_io_queue\n+3 100\n* 7\n"
	"ob=(2)\nfn=(2)\n0 40\n"
	"ob=(3) /tmp/out/fio-uringbpf.so\nfn=(4) ub_queue\n-2 30\n"
	"totals: 192\n";

static const char n2[] =
	"version: 1\ncreator: callgrind-3.19.0\nevents: Ir\n"
	"ob=(1) /usr/local/bin/fio\nfn=(1) main\n0 1015\n"
	"fn=(3) td_io_queue\n0 106\n"
	"ob=(2) /lib/x86_64-linux-gnu/libc.so.6\nfn=(2) memcpy\n0 42\n"
	"ob=(3) /tmp/out/fio-uringbpf.so\nfn=(4) ub_queue\n0 530\nfn=(5) ub_new\n0 0\n";

int main(void)
{
	char dir[] = "/tmp/t-bench-callgrind.XXXXXX", a[64], b[64], out[64], line[256];
	struct cg_profile p1, p2, d;
	FILE *f;
	int n = 0;

	if (!mkdtemp(dir))
		return 1;
	snprintf(a, sizeof(a), "%s/n1.cg", dir);
	snprintf(b, sizeof(b), "%s/n2.cg", dir);
	snprintf(out, sizeof(out), "%s/perio", dir);
	write_file(a, n1);
	write_file(b, n2);
	if (cg_parse(a, &p1) || cg_parse(b, &p2)) {
		printf("not ok callgrind-parse: cannot read %s or %s\n", a, b);
		return 1;
	}
	/* main: 10 + 5, the 500 after calls= is memcpy's inclusive cost. */
	expect("callgrind-exclusive-not-calls", ir(&p1, "fio", "main"), 15);
	expect("callgrind-positions", ir(&p1, "fio", "td_io_queue"), 107);
	expect("callgrind-compressed-names", ir(&p1, "libc.so.6", "memcpy"), 40);
	expect("callgrind-object-file-name", ir(&p1, "fio-uringbpf.so", "ub_queue"), 30);
	expect("callgrind-functions", p1.n, 4);
	expect("callgrind-total", cg_total(&p1), 192);
	expect("callgrind-missing", cg_parse("/nonexistent/cg.out", &d), -1);

	/* Per I/O over 10 I/Os: main +100, ub_queue +50, memcpy +0.2,
	 * td_io_queue -0.1; ub_new 0 is below 0.05 and left out. */
	cg_per_io(&p1, &p2, 10, &d);
	expect("per-io-functions", d.n, 4);
	expect("per-io-main", ir(&d, "fio", "main"), 100);
	expect("per-io-negative", ir(&d, "fio", "td_io_queue"), -0.1);
	cg_write(&d, out, "%.2f");
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f)) {
		static const char *const want[] = {
			"100.00\tfio\tmain\n", "50.00\tfio-uringbpf.so\tub_queue\n",
			"0.20\tlibc.so.6\tmemcpy\n", "-0.10\tfio\ttd_io_queue\n",
		};
		if (n < 4 && !strcmp(line, want[n])) {
			printf("ok per-io-line-%d\n", n + 1);
		} else {
			printf("not ok per-io-line-%d: '%s'\n", n + 1, line);
			fails++;
		}
		n++;
	}
	if (f)
		fclose(f);
	expect("per-io-lines", n, 4);
	cg_free(&p1);
	cg_free(&p2);
	cg_free(&d);
	unlink(a);
	unlink(b);
	unlink(out);
	rmdir(dir);
	return fails != 0;
}
