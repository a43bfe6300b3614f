-- Per ring mode x iodepth of one sweep of profiles/restrict.fio: what a
-- restricted ring and a BPF-filtered ring cost against the unrestricted ring.
-- Ratios are taken within each repeat (the three variants of one repeat ran
-- minutes apart; repeats past --repeats that the variance gate added pair by
-- their number too) and given as median (min-max; the median of an even
-- count is the mean of the two middle values): the min-max is the
-- cell's noise band.  Two measures: kIOPS, and kIOPS per CPU-second of the
-- fio job (usr+sys as fio reports it: on a shared host it leaves out the time
-- the job waited for a CPU; a guest under TCG can't see that time).  The
-- unrestricted ring's own kIOPS are the median (min-max) of its repeats, with
-- their spread (max-min)/median in percent.
-- Verdict per ratio, threshold T = 2 % (restrict) or 5 % (bpf filter):
--   "within T%"  the whole band lies in [1-T, 1+T]
--   "costs >T%"  the whole band lies below 1-T
--   "gains >T%"  the whole band lies above 1+T (order or noise, not a gain)
--   "noise"      the band crosses 1-T or 1+T: the repeats can't tell
-- Section labels are VARIANT-MODE (unrestricted-, restricted-, bpf-filter-).
-- Run: build/uringbpf-db sql "$(sed -e /^--/d -e s/SWEEP/NAME/ profiles/restrict-ratios.sql)"
-- Columns: mode|iodepth|pairs|unrestricted kIOPS|spread %|
--   restricted/unrestricted kIOPS|verdict|same per CPU-s|verdict|
--   bpf-filter/unrestricted kIOPS|verdict|same per CPU-s|verdict
with p as (
	select rp.kiops, rp.iodepth, ru.repeat,
		case when rp.config like 'unrestricted-%' then 'u'
			when rp.config like 'restricted-%' then 'r'
			when rp.config like 'bpf-filter-%' then 'b' end as v,
		substr(rp.config, instr(rp.config, '-') + 1) as mode0,
		rp.config,
		rp.kiops / nullif((select sum(j.usr_cpu + j.sys_cpu) from jobs j
			where j.run_id = rp.run_id and coalesce(j.error, 0) = 0) / 100.0, 0) as kpc
	from run_points rp join runs ru on ru.id = rp.run_id where rp.sweep = 'SWEEP'),
q as (
	select kiops, kpc, iodepth, repeat, v,
		case v when 'b' then substr(config, length('bpf-filter-') + 1) else mode0 end as mode
	from p where v is not null),
base as (
	select mode, iodepth, kiops,
		row_number() over (partition by mode, iodepth order by kiops) as k,
		count(*) over (partition by mode, iodepth) as cnt,
		min(kiops) over (partition by mode, iodepth) as lo,
		max(kiops) over (partition by mode, iodepth) as hi
	from q where v = 'u'),
bs as (select mode, iodepth, printf('%.2f (%.2f-%.2f)', avg(kiops), lo, hi) as s,
		printf('%.1f', 100.0 * (hi - lo) / avg(kiops)) as spread
	from base where k in ((cnt + 1) / 2, (cnt + 2) / 2) group by mode, iodepth),
uo as (
	select o.mode, o.iodepth, o.v, o.kiops as ok, u.kiops as uk, o.kpc as oc, u.kpc as uc
	from q o join q u on u.mode = o.mode and u.iodepth = o.iodepth
		and u.repeat = o.repeat and u.v = 'u'
	where o.v in ('r', 'b')),
pair as (
	select mode, iodepth, v, 'iops' as m, ok / uk as r from uo
	union all
	select mode, iodepth, v, 'cpu', oc / uc from uo where oc is not null and uc is not null),
pr as (
	select mode, iodepth, v, m, r,
		row_number() over (partition by mode, iodepth, v, m order by r) as k,
		count(*) over (partition by mode, iodepth, v, m) as cnt,
		min(r) over (partition by mode, iodepth, v, m) as lo,
		max(r) over (partition by mode, iodepth, v, m) as hi
	from pair),
prs as (
	select mode, iodepth, v, m, cnt,
		printf('%.3f (%.3f-%.3f)', avg(r), lo, hi) as s,
		case when v = 'r' then 0.02 else 0.05 end as t, lo, hi
	from pr where k in ((cnt + 1) / 2, (cnt + 2) / 2) group by mode, iodepth, v, m),
verdict as (
	select mode, iodepth, v, m, cnt, s,
		case when lo >= 1 - t and hi <= 1 + t then printf('within %d%%', t * 100)
			when hi < 1 - t then printf('costs >%d%%', t * 100)
			when lo > 1 + t then printf('gains >%d%%', t * 100)
			else 'noise' end as w
	from prs)
select b.mode, b.iodepth,
	coalesce((select max(cnt) from verdict where mode = b.mode and iodepth = b.iodepth), 0),
	b.s, b.spread,
	coalesce((select s from verdict x where v = 'r' and m = 'iops' and x.mode = b.mode and x.iodepth = b.iodepth), '-'),
	coalesce((select w from verdict x where v = 'r' and m = 'iops' and x.mode = b.mode and x.iodepth = b.iodepth), 'not run'),
	coalesce((select s from verdict x where v = 'r' and m = 'cpu' and x.mode = b.mode and x.iodepth = b.iodepth), '-'),
	coalesce((select w from verdict x where v = 'r' and m = 'cpu' and x.mode = b.mode and x.iodepth = b.iodepth), 'not run'),
	coalesce((select s from verdict x where v = 'b' and m = 'iops' and x.mode = b.mode and x.iodepth = b.iodepth), '-'),
	coalesce((select w from verdict x where v = 'b' and m = 'iops' and x.mode = b.mode and x.iodepth = b.iodepth), 'not run'),
	coalesce((select s from verdict x where v = 'b' and m = 'cpu' and x.mode = b.mode and x.iodepth = b.iodepth), '-'),
	coalesce((select w from verdict x where v = 'b' and m = 'cpu' and x.mode = b.mode and x.iodepth = b.iodepth), 'not run')
from bs b
order by case b.mode when 'interrupt' then 1 when 'sqpoll' then 2 when 'iopoll' then 3 else 4 end,
	b.iodepth
