#!/bin/bash
# report=PATH: the engine's structured report, read with sqlite3's JSON
# functions (never grep).  A job that runs says "ran" with the ring flags the
# kernel accepted and as many I/Os as fio counted; hipri=1 on tmpfs is
# "refused" with the stable code iopoll_unsupported, the option and the same
# sentence as the stderr line; a bad option combination is option_invalid;
# two thread=1 jobs sharing one file append two whole, valid lines.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /dev/shm
S=$UB_SCRATCH

# rq FILE SQL-EXPR-OVER-j: evaluate over the report's lines as rows j(value).
# JSON Lines -> one array: a JSON string never holds a raw newline.
rq() {
	sqlite3 :memory: "with d(a) as (select '[' || replace(rtrim(cast(readfile('$1') as text), char(10)), char(10), ',') || ']'),
		j as (select value from d, json_each(d.a) where json_valid(d.a)) $2"
}

# 1. A job that runs.
ub_fio_engine --report="$S/good.jsonl" --name=good --filename="$S/f" --size=1m --rw=randread \
	--bs=4k --iodepth=4 --output-format=json --output="$S/good.json" 2>"$S/good.err"
rc=$?
fio_ios=$(sqlite3 :memory: "select json_extract(readfile('$S/good.json'), '\$.jobs[0].read.total_ios')")
got=$(rq "$S/good.jsonl" "select count(*), json_extract(value,'\$.schema'), json_extract(value,'\$.job'),
	json_extract(value,'\$.outcome'), quote(json_extract(value,'\$.code')), json_extract(value,'\$.ios'),
	json_extract(value,'\$.enter_calls') > 0, json_extract(value,'\$.ring.entries'),
	(select group_concat(value, '|') from json_each(j.value, '\$.ring.flags')) from j")
expect_eq "report-ran: one line, ran, ring as the kernel took it, fio's I/O count (fio exit $rc)" \
	"$got" "1|1|good|ran|NULL|$fio_ios|1|4|COOP_TASKRUN|SINGLE_ISSUER|DEFER_TASKRUN|CQSIZE|NO_SQARRAY"

# 2. hipri=1 on tmpfs: refused in ->init, with the code the runner skips on.
ub_fio_engine --report="$S/ref.jsonl" --name=ref --filename="$S/f" --size=1m --rw=randread \
	--bs=4k --direct=1 --hipri=1 --output=/dev/null 2>"$S/ref.err"
rc=$?
line=$(grep -m1 '^uringbpf: ' "$S/ref.err")	# the human line, to compare with the message
got=$(rq "$S/ref.jsonl" "select count(*), json_extract(value,'\$.outcome'), json_extract(value,'\$.code'),
	json_extract(value,'\$.option'), json_extract(value,'\$.ios'), quote(json_extract(value,'\$.ring')),
	'uringbpf: ' || json_extract(value,'\$.message') = '${line//\'/\'\'}' from j")
expect_eq "report-refused: iopoll_unsupported naming hipri, the stderr sentence, no ring (fio exit $rc)" \
	"$got" "1|refused|iopoll_unsupported|hipri|0|NULL|1"

# 3. An option combination the engine rejects.
ub_fio_engine --report="$S/opt.jsonl" --name=opt --filename="$S/f" --size=1m --rw=randread \
	--bs=4k --hybrid_iopoll=1 --output=/dev/null 2>/dev/null
got=$(rq "$S/opt.jsonl" "select json_extract(value,'\$.outcome'), json_extract(value,'\$.code'),
	json_extract(value,'\$.message') from j")
expect_eq "report-option-invalid" "$got" \
	"refused|option_invalid|hybrid_iopoll=1 needs hipri=1 (it is a variant of IOPOLL)"

# 4. Two thread=1 jobs, one report file: two valid lines; the SQPOLL job
# names its iou-sqp thread, the other has none.
cat >"$S/two.fio" <<EOT
[global]
ioengine=external:$UB_ENGINE
report=$S/two.jsonl
thread=1
filename=$S/f
size=1m
bs=4k
rw=randread
iodepth=8
[sq]
sqthread_poll=1
[plain]
EOT
ub_fio "$S/two.fio" --output=/dev/null 2>"$S/two.err"
rc=$?
got=$(rq "$S/two.jsonl" "select group_concat(x, ' ') from (select json_extract(value,'\$.job') || ':' ||
	json_extract(value,'\$.outcome') || ':' || json_array_length(value,'\$.sq_threads') || ':' ||
	(select count(*) from json_each(j.value,'\$.ring.flags') where value = 'SQPOLL') as x
	from j order by 1)")
nl=$(wc -l <"$S/two.jsonl")
expect_eq "report-two-threads: two whole lines, SQ thread only for the SQPOLL job (fio exit $rc, $nl lines)" \
	"$got" "plain:ran:0:0 sq:ran:1:1"
finish
