# runs.tsv (from scripts/bench) -> markdown tables and the issue-7 goal lines.
# Usage: awk -v peers=io_uring,libaio,t-io_uring -f bench/table.awk runs.tsv
# Columns of runs.tsv: rep qd mode batch engine order rc iops cpu_all cpu_job
#   other_cpu file
#   cpu_all: cores busy in the job's process (all threads), cpu_job: fio's
#   usr+sys of the job thread, other_cpu: cores the rest of the machine used
#   meanwhile (other processes, hypervisor steal); NA when unknown.
# Each cell is the median over repeats of that metric; a ratio is the median
# of ours over the median of the peer.  Works with mawk (no asort).
BEGIN {
	FS = "\t"
	OURS = "uringbpf"
	npeer = split(peers, P, ",")
}
NR == 1 { next }
{
	row = $2 FS $3 FS $4
	if (!(row in seen)) { seen[row] = 1; rows[++nrows] = row }
	k = row FS $5
	ran[k] = 1
	if ($7 != 0 || $8 == "NA") { failed[k] = 1; next }
	v["iops", k, ++n["iops", k]] = $8
	if ($9 != "NA" && $9 > 0) v["all", k, ++n["all", k]] = $8 / $9
	if ($10 != "NA" && $10 > 0) v["job", k, ++n["job", k]] = $8 / $10
	if ($11 != "NA") {
		other[++nother] = $11 + 0
		if ($11 + 0 > 0.25) { busy++; if ($11 + 0 > maxother) { maxother = $11 + 0; maxrun = $12 } }
	}
}

function median(m, k,    cnt, i, j, t, a) {
	cnt = n[m, k]
	if (!cnt) return ""
	for (i = 1; i <= cnt; i++) a[i] = v[m, k, i] + 0
	for (i = 2; i <= cnt; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return cnt % 2 ? a[(cnt + 1) / 2] : (a[cnt / 2] + a[cnt / 2 + 1]) / 2
}
function cell(m, k,    x) {
	if (!(k in ran)) return "—"
	if (k in failed) return "fail"
	x = median(m, k)
	return x == "" ? "n/a" : sprintf("%.1f", x / 1000)
}
function ratio(m, row, peer,    a, b) {
	if (!((row FS OURS) in ran) || !((row FS peer) in ran)) return "—"
	if ((row FS OURS) in failed || (row FS peer) in failed) return "fail"
	a = median(m, row FS OURS); b = median(m, row FS peer)
	return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b)
}
function batch_name(b) { return b == "fio" ? "fio default" : "submit/complete " substr(b, 2) }

function table(m, title, skip,    i, j, r, f, hdr, sep, line, cols, c) {
	cols = 0
	for (j = 1; j <= npeer; j++) if (P[j] != skip) c[++cols] = P[j]
	printf "\n%s\n\n", title
	hdr = "| QD | mode | batching | ours"; sep = "|---:|---|---|---:"
	for (j = 1; j <= cols; j++) { hdr = hdr " | " c[j]; sep = sep "|---:" }
	for (j = 1; j <= cols; j++) { hdr = hdr " | ours/" c[j]; sep = sep "|---:" }
	print hdr " |"
	print sep "|"
	for (i = 1; i <= nrows; i++) {
		r = rows[i]
		split(r, f, FS)
		line = "| " f[1] " | " f[2] " | " batch_name(f[3]) " | " cell(m, r FS OURS)
		for (j = 1; j <= cols; j++) line = line " | " cell(m, r FS c[j])
		for (j = 1; j <= cols; j++) line = line " | " ratio(m, r, c[j])
		print line " |"
	}
}

# goal LABEL METRIC PEER MINRATIO QD-FILTER: PASS when every row (of that QD,
# or all rows when QD-FILTER is empty) where both ran reaches MINRATIO.
function goal(label, m, peer, want, qd,    i, r, f, x, cnt, ok, worst, wrow) {
	cnt = ok = 0; worst = ""
	for (i = 1; i <= nrows; i++) {
		r = rows[i]
		split(r, f, FS)
		if (qd != "" && f[1] != qd) continue
		x = ratio(m, r, peer)
		if (x == "—") continue
		cnt++
		if (x != "fail" && x != "n/a" && x + 0 >= want) ok++
		if (x == "fail" || x == "n/a") x = -1
		if (worst == "" || x + 0 < worst + 0) { worst = x; wrow = f[1] " " f[2] " " batch_name(f[3]) }
	}
	if (!cnt) { printf "- %s: not measured in this run\n", label; return }
	printf "- %s: %s, %d of %d rows (lowest %s at QD%s)\n", label,
		ok == cnt ? "met" : "NOT met", ok, cnt, worst == -1 ? "fail" : sprintf("%.2f", worst), wrow
}

END {
	if (!nrows) { print "no runs"; exit 1 }
	table("iops", "IOPS (thousands)", "")
	table("all", "IOPS per CPU-second (thousands; CPU = every thread of the job's process: job, io-wq workers, SQPOLL thread)", "")
	table("job", "IOPS per CPU-second (thousands; CPU = fio's usr+sys of the job thread only, as fio reports it)", "t-io_uring")
	maxqd = 0
	for (i = 1; i <= nrows; i++) { split(rows[i], f, FS); if (f[1] + 0 > maxqd) maxqd = f[1] + 0 }
	goalqd = 0
	for (i = 1; i <= nrows; i++) { split(rows[i], f, FS); if (f[1] == 32) goalqd = 32 }
	if (!goalqd) goalqd = maxqd
	if (nother) {
		for (i = 1; i <= nother; i++) n["o", "x"] = i
		for (i = 1; i <= nother; i++) v["o", "x", i] = other[i]
		printf "\nNoise: the rest of the machine used a median %.2f cores during the runs", median("o", "x")
		if (busy) printf "; %d of %d runs saw more than 0.25 cores elsewhere (at most %.2f, %s): their ratios are less reliable", busy, nother, maxother, maxrun
		print "."
	}
	print "\nGoals of issue 7 (ratios from this run):\n"
	goal("IOPS per CPU-second (all threads) >= 1.00x fio io_uring at every row", "all", "io_uring", 1.00, "")
	goal("IOPS per CPU-second (all threads) >= 1.10x fio io_uring at QD1", "all", "io_uring", 1.10, "1")
	goal("IOPS per CPU-second (fio usr+sys) >= 1.00x fio io_uring at every row", "job", "io_uring", 1.00, "")
	goal("IOPS per CPU-second (fio usr+sys) >= 1.10x fio io_uring at QD1", "job", "io_uring", 1.10, "1")
	goal("IOPS >= 0.90x t/io_uring at QD" goalqd, "iops", "t-io_uring", 0.90, goalqd)
}
