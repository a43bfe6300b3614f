-- Per chain_len x iodepth of one chain sweep (profiles bpf-chain or
-- bpf-chain-nop): ns per request (median over repeats, min-max), and the BPF
-- loop's speed-up over the user-space loop and over IOSQE_IO_LINK pairs,
-- taken per repeat (the sides of one repeat ran minutes apart, in one boot)
-- and given as median (min-max).  ns per request = 1e6 / (kIOPS x chain_len).
-- Config labels are SIDE-nopN or SIDE-lenN, SIDE one of user, bpf, link.
-- Run: build/uringbpf-db sql "$(sed -e /^--/d -e s/SWEEP/NAME/ bpf/chain-ratios.sql)"
-- Columns: len|iodepth|repeats|user ns|link ns|bpf ns|user/bpf|link/bpf
with p as (
	select rp.kiops, rp.iodepth, ru.repeat,
		substr(rp.config, 1, instr(rp.config, '-') - 1) as side,
		cast(ltrim(substr(rp.config, instr(rp.config, '-') + 1), 'nople') as integer) as len
	from run_points rp join runs ru on ru.id = rp.run_id where rp.sweep = 'SWEEP'),
ns as (
	select side, len, iodepth, 1e6 / (kiops * len) as v,
		row_number() over (partition by side, len, iodepth order by kiops desc) as k,
		min(1e6 / (kiops * len)) over (partition by side, len, iodepth) as lo,
		max(1e6 / (kiops * len)) over (partition by side, len, iodepth) as hi,
		count(*) over (partition by side, len, iodepth) as cnt
	from p group by side, len, iodepth, repeat),
med as (select side, len, iodepth, cnt, printf('%.0f (%.0f-%.0f)', v, lo, hi) as s
	from ns where k = (cnt + 1) / 2),
pair as (
	select b.len, b.iodepth, o.side, b.kiops / o.kiops as r
	from p b join p o on o.len = b.len and o.iodepth = b.iodepth and o.repeat = b.repeat
	where b.side = 'bpf' and o.side in ('user', 'link')),
pr as (
	select len, iodepth, side, r,
		row_number() over (partition by len, iodepth, side order by r) as k,
		count(*) over (partition by len, iodepth, side) as cnt,
		min(r) over (partition by len, iodepth, side) as lo,
		max(r) over (partition by len, iodepth, side) as hi
	from pair),
prs as (select len, iodepth, side, printf('%.2f (%.2f-%.2f)', r, lo, hi) as s
	from pr where k = (cnt + 1) / 2)
select b.len, b.iodepth, b.cnt,
	coalesce((select s from med where side = 'user' and len = b.len and iodepth = b.iodepth), '-'),
	coalesce((select s from med where side = 'link' and len = b.len and iodepth = b.iodepth), '-'),
	b.s,
	coalesce((select s from prs where side = 'user' and len = b.len and iodepth = b.iodepth), '-'),
	coalesce((select s from prs where side = 'link' and len = b.len and iodepth = b.iodepth), '-')
from med b where b.side = 'bpf' order by b.len, b.iodepth
