/**
 * Patrols (巡查) through GraphQL on a small demo province: routine task generation (idempotent,
 * balanced over working days, intervals honoured over a year), a campaign over its target shops with
 * progress per unit, online records linked to the latest snapshot and its evidence, on-site records with
 * photos, a clue raised through the clue flow, coverage against an independent count; cross-jurisdiction,
 * wrong-role and bad-input attempts refused with nothing written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorFromEntityManager } from '../store';
import { openEvidenceStore } from '../crawlers/evidence';
import { timeSeriesOf } from '../server/database';
import { chinaDay, workingDaysIn } from '../services/calendar/working-days';
import { runAsSystem } from '../services/system-actor';
import { ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
/** today in China; the records filed without a time fall on it */
const TODAY = chinaDay();
/** the month after this one: a campaign there lies in the future, whatever day the suite runs */
const NEXT_MONTH = (() => {
  const [y, m] = TODAY.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
})();
/** a day a month ahead (a rectification deadline) */
const IN_A_MONTH = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-patrols-'));

const { sql, fingerprint, refused } = workflowChecks(() => p, 'patrols test', ['patrol_plan', 'patrol_task', 'patrol_record', 'clue', 'audit_entry']);

const PLAN_FIELDS = `id kind status name theme scope startsOn endsOn ownerUnit { id code } checklist { key textZh } rules { classification category risk intervalMonths }
  target { classifications categories regionPrefixes includeUnfiled } taskCounts { open done cancelled overdue }`;
const RECORD_FIELDS = `id mode outcome patrolledAt snapshotAt evidenceSha256 siteAddress peopleMet rectifyBy regionCode recordedBy
  shop { id } unit { id code } task { id status record { id } } checklist { key result note } photos { sha256 fileName mediaType sizeBytes }
  clue { id source status title }`;

const createPlan = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: CreatePatrolPlanInput!) { createPatrolPlan(input: $i) { ${PLAN_FIELDS} } }`, { i: input }, token);
const generate = (month: string, planId: string | null, token: string) =>
  p.gql(`mutation($m: String, $p: ID) { generatePatrolTasks(month: $m, planId: $p) { created existing plans } }`, { m: month, p: planId }, token);
const fileRecord = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: FilePatrolRecordInput!) { filePatrolRecord(input: $i) { ${RECORD_FIELDS} } }`, { i: input }, token);

const DEFAULT_KEYS = ['licence-shown', 'subject-consistent', 'prohibited-goods', 'advertising-terms', 'price-marking', 'food-licence'];
const allPass = (keys = DEFAULT_KEYS) => keys.map((key) => ({ key, result: 'PASS' }));
const oneFails = (keys = DEFAULT_KEYS) => keys.map((key, i) => ({ key, result: i === 0 ? 'FAIL' : 'PASS', note: i === 0 ? '未亮照' : null }));
/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

interface Station {
  id: number;
  code: string;
  jurisdiction: string[];
}
let county: { id: number; code: string };
let stations: Station[];
let otherCounty: string;
let routinePlanId: string;
let foodShopId: number;
let campaignId: string;

/** The station's filed shops (those routine plans patrol), by id. */
async function filedShopsOf(prefixes: string[]): Promise<{ id: number; classification: string; region_code: string }[]> {
  return sql(
    `select id, classification, region_code from shop where filing_status = 'filed' and maintenance_status <> 'not_in_jurisdiction'
       and (${prefixes.map(() => 'region_code like ?').join(' or ')}) order by id`,
    prefixes.map((x) => `${x}%`),
  );
}

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 150, config: { patrolSchedules: false, evidenceDir } });
  // the county with the most filed shops, and its stations holding filed shops
  const [c] = await sql<{ id: number; code: string }>(
    `select u.id, u.code from unit u join shop s on s.region_code like u.code || '%'
     where u.level = 'county' and s.filing_status = 'filed' group by u.id, u.code order by count(*) desc, u.code limit 1`,
  );
  county = { id: Number(c.id), code: c.code };
  const rows = await sql<{ id: number; code: string; jurisdiction: string[] }>(
    `select u.id, u.code, u.jurisdiction from unit u where u.parent_id = ? and exists (
       select 1 from shop s where s.filing_status = 'filed' and exists (select 1 from unnest(u.jurisdiction) j where s.region_code like j || '%'))
     order by (select count(*) from shop s where exists (select 1 from unnest(u.jurisdiction) j where s.region_code like j || '%')) desc, u.code`,
    [county.id],
  );
  stations = rows.map((r) => ({ id: Number(r.id), code: r.code, jurisdiction: r.jurisdiction }));
  expect(stations.length).toBeGreaterThanOrEqual(2);
  const [other] = await sql<{ code: string }>(`select code from unit where level = 'county' and code <> ? order by code limit 1`, [county.code]);
  otherCounty = other.code;
  // one shop of the first station sells food: a listing in a food category (monthly by the default rules)
  const [food] = await filedShopsOf(stations[0].jurisdiction);
  foodShopId = food.id;
  await sql(`insert into listing (shop_id, url, title, category, region_code) values (?, ?, '五香牛肉干', '休闲零食/肉干', ?)`, [food.id, `https://example.test/listing/${food.id}`, food.region_code]);
}, 600_000);

afterAll(async () => {
  await p?.shutdown();
  fs.rmSync(evidenceDir, { recursive: true, force: true });
});

/** The interval the default rules give a shop (no clue or finding in this test before the year runs). */
function defaultInterval(shop: { id: number; classification: string }): number {
  if (shop.id === foodShopId) return 1;
  return { platform: 2, own_site_trading: 2, platform_merchant: 3, own_site_non_trading: 3 }[shop.classification]!;
}

describe('patrol plans and task generation', () => {
  it('a province routine plan gets the default rules and checklist; generating a month is idempotent', async () => {
    const token = await p.login('sd-leader');
    const plan = ok(await createPlan({ kind: 'ROUTINE', name: '2026年日常网上巡查', startsOn: '2026-01-01' }, token)).createPatrolPlan;
    routinePlanId = plan.id;
    expect(plan).toMatchObject({ kind: 'ROUTINE', status: 'ACTIVE', scope: ['37'], startsOn: '2026-01-01', endsOn: null, ownerUnit: { code: '37' } });
    expect(plan.checklist.map((c: any) => c.key)).toEqual(DEFAULT_KEYS);
    expect(plan.rules).toContainEqual({ classification: null, category: '食品', risk: null, intervalMonths: 1 });
    expect(plan.rules).toContainEqual({ classification: null, category: null, risk: 'HIGH', intervalMonths: 1 });
    expect(plan.rules).toContainEqual({ classification: 'PLATFORM_MERCHANT', category: null, risk: null, intervalMonths: 3 });

    const first = ok(await generate('2026-12', routinePlanId, token)).generatePatrolTasks;
    // independently: every filed shop of the province due in December 2026 by its interval
    const shops = await filedShopsOf(['37']);
    const monthIndex = 2026 * 12 + 11;
    const due = shops.filter((s) => (((monthIndex - s.id) % defaultInterval(s)) + defaultInterval(s)) % defaultInterval(s) === 0);
    expect(first).toEqual({ created: due.length, existing: 0, plans: 1 });
    const rows = await sql<{ shop_id: number }>(`select shop_id from patrol_task where plan_id = ? and period_start = '2026-12-01' order by shop_id`, [routinePlanId]);
    expect(rows.map((r) => Number(r.shop_id))).toEqual(due.map((s) => s.id));

    const before = await fingerprint();
    const again = ok(await generate('2026-12', routinePlanId, token)).generatePatrolTasks;
    expect(again).toEqual({ created: 0, existing: due.length, plans: 1 });
    expect(await fingerprint()).toEqual(before);
  });

  it('tasks go to the responsible unit and are balanced over the working days (per unit and plan)', async () => {
    const days = workingDaysIn('2026-12-01', '2026-12-31');
    const rows = await sql<{ unit_id: number; due_on: string; n: number }>(
      `select unit_id, to_char(due_on, 'YYYY-MM-DD') as due_on, count(*)::int as n from patrol_task where plan_id = ? and period_start = '2026-12-01' group by 1, 2`,
      [routinePlanId],
    );
    const byUnit = new Map<number, Map<string, number>>();
    for (const r of rows) {
      expect(days).toContain(r.due_on);
      const m = byUnit.get(Number(r.unit_id)) ?? new Map<string, number>();
      m.set(r.due_on, Number(r.n));
      byUnit.set(Number(r.unit_id), m);
    }
    expect(byUnit.size).toBeGreaterThan(1);
    for (const m of byUnit.values()) {
      const counts = days.map((d) => m.get(d) ?? 0);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    // the unit is the shop's responsible unit while its jurisdiction holds the shop's region
    const [wrong] = await sql<{ n: number }>(
      `select count(*)::int as n from patrol_task t join shop s on s.id = t.shop_id join unit u on u.id = s.responsible_unit_id
       where t.plan_id = ? and t.unit_id <> s.responsible_unit_id and exists (select 1 from unnest(u.jurisdiction) j where s.region_code like j || '%')`,
      [routinePlanId],
    );
    expect(wrong.n).toBe(0);
  });

  it('honours the intervals over a year: quarterly shops 4 tasks, every two months 6, monthly 12', async () => {
    const token = await p.login('sd-leader');
    for (let m = 1; m <= 12; m++) ok(await generate(`2026-${String(m).padStart(2, '0')}`, routinePlanId, token));
    const counts = new Map(
      (await sql<{ shop_id: number; n: number }>(`select shop_id, count(*)::int as n from patrol_task where plan_id = ? and period_start between '2026-01-01' and '2026-12-01' group by shop_id`, [routinePlanId]))
        .map((r) => [Number(r.shop_id), Number(r.n)]),
    );
    const shops = await filedShopsOf(['37']);
    expect(shops.length).toBeGreaterThan(50);
    const seen = new Set<number>();
    for (const s of shops) {
      const k = defaultInterval(s);
      seen.add(k);
      expect(counts.get(s.id) ?? 0, `shop ${s.id} (${s.classification})`).toBe(12 / k);
    }
    expect([...seen].sort()).toEqual([1, 2, 3]);
    // no task for unfiled shops or shops flagged outside the jurisdiction
    const [stray] = await sql<{ n: number }>(
      `select count(*)::int as n from patrol_task t join shop s on s.id = t.shop_id where t.plan_id = ? and (s.filing_status <> 'filed' or s.maintenance_status = 'not_in_jurisdiction')`,
      [routinePlanId],
    );
    expect(stray.n).toBe(0);
  });

  it('a campaign covers its target shops only, once, with progress per unit', async () => {
    const token = await p.login(`x${county.code}-leader`);
    const checklist = [
      { key: 'double11-price', textZh: '双十一促销价格是否真实' },
      { key: 'double11-terms', textZh: '促销规则是否清晰公示' },
    ];
    const plan = ok(
      await createPlan(
        { kind: 'CAMPAIGN', name: '双十二网络集中促销专项', theme: '网络集中促销价格与宣传', startsOn: `${NEXT_MONTH}-01`, endsOn: `${NEXT_MONTH}-20`, target: { classifications: ['PLATFORM_MERCHANT'] }, checklist },
        token,
      ),
    ).createPatrolPlan;
    campaignId = plan.id;
    expect(plan).toMatchObject({ kind: 'CAMPAIGN', scope: [county.code], target: { classifications: ['PLATFORM_MERCHANT'], includeUnfiled: false }, rules: null });
    const expected = (await filedShopsOf([county.code])).filter((s) => s.classification === 'platform_merchant');
    expect(expected.length).toBeGreaterThan(0);
    // the generation job was queued on creation; wait for it
    let targeted = 0;
    for (let i = 0; i < 100 && targeted < expected.length; i++) {
      const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from patrol_task where plan_id = ?`, [plan.id]);
      targeted = n;
      if (targeted < expected.length) await new Promise((r) => setTimeout(r, 100));
    }
    const tasks = await sql<{ shop_id: number; period_start: string; due_on: string }>(
      `select shop_id, to_char(period_start, 'YYYY-MM-DD') as period_start, to_char(due_on, 'YYYY-MM-DD') as due_on from patrol_task where plan_id = ? order by shop_id`,
      [plan.id],
    );
    expect(tasks.map((t) => Number(t.shop_id))).toEqual(expected.map((s) => s.id));
    const days = workingDaysIn(`${NEXT_MONTH}-01`, `${NEXT_MONTH}-20`);
    for (const t of tasks) {
      expect(t.period_start).toBe(`${NEXT_MONTH}-01`);
      expect(days).toContain(t.due_on);
    }
    // rerunning (the next month too) writes nothing
    expect(ok(await generate(NEXT_MONTH, plan.id, token)).generatePatrolTasks).toEqual({ created: 0, existing: expected.length, plans: 1 });

    const progress = ok(
      await p.gql(`query($id: ID!) { campaignProgress(planId: $id) { unit { id code } targeted done open overdue compliant rectificationOrdered clueRaised } }`, { id: plan.id }, token),
    ).campaignProgress;
    const perUnit = await sql<{ unit_id: number; n: number }>(`select unit_id, count(*)::int as n from patrol_task where plan_id = ? group by unit_id`, [plan.id]);
    const children = await sql<{ id: number }>(`select id from unit where parent_id = ? order by code`, [county.id]);
    expect(progress.map((r: any) => Number(r.unit.id))).toEqual(children.map((c) => Number(c.id)));
    for (const row of progress) {
      const n = perUnit.find((u) => Number(u.unit_id) === Number(row.unit.id))?.n ?? 0;
      expect(row).toMatchObject({ targeted: n, open: n, done: 0, overdue: 0, compliant: 0 });
    }
    // a station sees the county's campaign (its scope overlaps) and its own share of the tasks
    const station = stations[0];
    const st = await p.login(`${station.code.toLowerCase()}-inspector`);
    const seen = ok(await p.gql(`query($id: ID!) { patrolPlan(id: $id) { id taskCounts { open } } patrolTasks(filter: { planId: $id }, first: 100) { totalCount nodes { unit { id } shop { id } periodStart dueOn overdue } } }`, { id: plan.id }, st));
    const mine = perUnit.find((u) => Number(u.unit_id) === station.id)?.n ?? 0;
    expect(seen.patrolPlan.taskCounts.open).toBe(mine);
    expect(seen.patrolTasks.totalCount).toBe(mine);
    for (const t of seen.patrolTasks.nodes) {
      expect(t).toMatchObject({ unit: { id: String(station.id) }, periodStart: `${NEXT_MONTH}-01`, overdue: false });
      expect(days).toContain(t.dueOn);
    }
    // a task of the future period cannot be filed yet
    if (mine > 0) {
      const [task] = await sql<{ id: number }>(`select id from patrol_task where plan_id = ? and unit_id = ? order by id limit 1`, [plan.id, station.id]);
      await refused('BAD_USER_INPUT', () => fileRecord({ taskId: String(task.id), mode: 'ONLINE', checklist: allPass(checklist.map((c) => c.key)), outcome: 'COMPLIANT' }, st), /before the task's period/);
    }
    // closing: a station may not close the county's campaign; the county may, and the open tasks are cancelled
    const sl = await p.login(`${station.code.toLowerCase()}-leader`);
    await refused('FORBIDDEN', () => p.gql(`mutation($id: ID!) { closePatrolPlan(id: $id, reason: "x") { id } }`, { id: plan.id }, sl));
    const closed = ok(await p.gql(`mutation($id: ID!) { closePatrolPlan(id: $id, reason: "专项提前结束") { id status taskCounts { open cancelled } } }`, { id: plan.id }, token)).closePatrolPlan;
    expect(closed).toMatchObject({ status: 'CLOSED', taskCounts: { open: 0, cancelled: expected.length } });
    await refused('BAD_USER_INPUT', () => generate(NEXT_MONTH, plan.id, token), /closed/);
  });
});

describe('the patrol-generate job', () => {
  it('runs as the system actor over every active plan; a rerun of a generated month creates nothing', async () => {
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from patrol_task where period_start = '2026-12-01' and plan_id = ?`, [routinePlanId]);
    const before = await fingerprint();
    const id = await p.runner.enqueue('patrol-generate', { month: '2026-12' });
    expect(await p.runner.waitFor(id, 60_000)).toEqual({ created: 0, existing: n, plans: 1 });
    expect(await fingerprint()).toEqual(before);
  });
});

describe('patrol records', () => {
  let stationToken: string;
  let novemberTaskId: string;
  let taskShopId: number;

  beforeAll(async () => {
    stationToken = await p.login(`${stations[0].code.toLowerCase()}-inspector`);
    const [task] = await sql<{ id: number; shop_id: number }>(
      `select id, shop_id from patrol_task where plan_id = ? and unit_id = ? and period_start = '2026-11-01' and status = 'open' order by id limit 1`,
      [routinePlanId, stations[0].id],
    );
    expect(task).toBeDefined();
    novemberTaskId = String(task.id);
    taskShopId = Number(task.shop_id);
  });

  it('an online record is linked to the latest snapshot at the time and its evidence; the task is done', async () => {
    const [shop] = await sql<{ region_code: string }>(`select region_code from shop where id = ?`, [taskShopId]);
    const at = (d: string) => new Date(`${d}T02:00:00Z`);
    const captures = await runAsSystem('patrols test: evidence', () =>
      openEvidenceStore(p.orm.em.fork(), evidenceDir).captureMany(
        ['2026-11-20', '2026-11-25', '2026-11-27'].flatMap((d) => [
          { shopId: taskShopId, kind: 'response' as const, url: `https://shop.test/${taskShopId}`, observedAt: at(d), status: 200, contentType: 'text/html', body: `<html>${d}</html>`, crawler: 'test' },
          { shopId: taskShopId, kind: 'screenshot' as const, url: `https://shop.test/${taskShopId}`, observedAt: at(d), body: Buffer.from(`png ${d}`), crawler: 'test' },
        ]),
      ),
    );
    await runAsSystem('patrols test: snapshots', () =>
      timeSeriesOf(p.orm)(executorFromEntityManager(p.orm.em.fork())).writeSnapshots(
        ['2026-11-20', '2026-11-25', '2026-11-27'].map((d, i) => ({
          shopId: taskShopId, regionCode: shop.region_code, observedAt: at(d), title: '店铺', licenceName: null, licenceUscc: null, licenceAddress: null,
          contact: null, listingCount: 1, contentHash: 'c'.repeat(64), evidenceSha256: captures[i * 2].sha256,
        })),
      ),
    );
    const record = ok(await fileRecord({ taskId: novemberTaskId, mode: 'ONLINE', patrolledAt: '2026-11-26T03:00:00Z', checklist: allPass(), outcome: 'COMPLIANT' }, stationToken)).filePatrolRecord;
    expect(record).toMatchObject({
      mode: 'ONLINE', outcome: 'COMPLIANT', snapshotAt: '2026-11-25T02:00:00.000Z', shop: { id: String(taskShopId) },
      unit: { id: String(stations[0].id) }, task: { id: novemberTaskId, status: 'DONE' }, clue: null, photos: [],
    });
    expect(record.evidenceSha256).toEqual([captures[2].sha256, captures[3].sha256]);
    expect(record.task.record.id).toBe(record.id);
    // the task is done: a second record for it is refused
    await refused('BAD_USER_INPUT', () => fileRecord({ taskId: novemberTaskId, mode: 'ONLINE', checklist: allPass(), outcome: 'COMPLIANT' }, stationToken), /is done, not open/);
    // a shop never crawled: no snapshot, no evidence, still allowed
    const [other] = await sql<{ id: number }>(`select id from shop where id <> ? and filing_status = 'filed' and (${stations[0].jurisdiction.map(() => 'region_code like ?').join(' or ')}) order by id limit 1`, [taskShopId, ...stations[0].jurisdiction.map((j) => `${j}%`)]);
    const adHoc = ok(await fileRecord({ shopId: String(other.id), mode: 'ONLINE', checklist: allPass(), outcome: 'COMPLIANT' }, stationToken)).filePatrolRecord;
    expect(adHoc).toMatchObject({ snapshotAt: null, evidenceSha256: [], task: null });
  });

  it('an on-site record stores its PNG photo in the evidence folder; rectification is ordered by a future day', async () => {
    const record = ok(
      await fileRecord(
        {
          shopId: String(foodShopId), mode: 'ON_SITE', siteAddress: '历下区某路1号', peopleMet: '店主 张某', checklist: oneFails(), outcome: 'RECTIFICATION_ORDERED',
          rectifyBy: IN_A_MONTH, photos: [{ fileName: 'shopfront.png', contentBase64: PNG_BASE64 }],
        },
        stationToken,
      ),
    ).filePatrolRecord;
    const bytes = Buffer.from(PNG_BASE64, 'base64');
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(record).toMatchObject({ mode: 'ON_SITE', outcome: 'RECTIFICATION_ORDERED', rectifyBy: IN_A_MONTH, siteAddress: '历下区某路1号', peopleMet: '店主 张某', snapshotAt: null });
    expect(record.photos).toEqual([{ sha256: sha, fileName: 'shopfront.png', mediaType: 'image/png', sizeBytes: bytes.length }]);
    expect(record.checklist[0]).toEqual({ key: 'licence-shown', result: 'FAIL', note: '未亮照' });
    expect(fs.readFileSync(path.join(evidenceDir, 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha))).toEqual(bytes);
  });

  it('a record that raises a clue creates it through the clue flow (source PATROL)', async () => {
    const [{ n: before }] = await sql<{ n: number }>(`select count(*)::int as n from clue where source = 'patrol'`);
    const record = ok(
      await fileRecord({ shopId: String(foodShopId), mode: 'ONLINE', checklist: oneFails(), outcome: 'CLUE_RAISED', clue: { title: '未亮照经营', description: '网上巡查发现店铺首页未公示营业执照' } }, stationToken),
    ).filePatrolRecord;
    expect(record.clue).toMatchObject({ source: 'PATROL', status: 'RECEIVED', title: '未亮照经营' });
    const [{ n: after }] = await sql<{ n: number }>(`select count(*)::int as n from clue where source = 'patrol'`);
    expect(after).toBe(before + 1);
    const events = await sql<{ action: string }>(`select action from clue_event where clue_id = ?`, [record.clue.id]);
    expect(events.map((e) => e.action)).toEqual(['created']);
    const audited = await sql<{ entity_type: string }>(`select entity_type from audit_entry where operation = 'filePatrolRecord' or operation = 'createClue' order by id desc limit 5`);
    expect(audited.map((a) => a.entity_type)).toEqual(expect.arrayContaining(['PatrolRecord', 'Clue']));
  });

  it('coverage per station equals an independent count', async () => {
    // from November (the task filed above) to today (the records filed without a time)
    const token = await p.login(`x${county.code}-leader`);
    const rows = ok(
      await p.gql(`query($u: ID, $to: String!) { patrolCoverage(parentUnitId: $u, from: "2026-11-01", to: $to) { unit { id } filedShops patrolledShops coverage tasksDue tasksDone overdueTasks } }`, { u: String(county.id), to: TODAY }, token),
    ).patrolCoverage;
    const endAt = new Date(Date.parse(`${TODAY}T00:00:00+08:00`) + 86_400_000).toISOString();
    const children = await sql<{ id: number; jurisdiction: string[] }>(`select id, jurisdiction from unit where parent_id = ? order by code`, [county.id]);
    expect(rows).toHaveLength(children.length);
    let patrolledSomewhere = 0;
    for (const child of children) {
      const filed = await filedShopsOf(child.jurisdiction);
      const ids = filed.map((s) => s.id);
      const patrolled = ids.length
        ? (await sql<{ n: number }>(
            `select count(distinct shop_id)::int as n from patrol_record where shop_id in (${ids.map(() => '?').join(',')}) and patrolled_at >= '2026-10-31T16:00:00Z' and patrolled_at < ?::timestamptz`,
            [...ids, endAt],
          ))[0].n
        : 0;
      const [t] = await sql<{ due: number; done: number; overdue: number }>(
        `select count(*)::int as due, count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'open' and due_on < (now() at time zone 'Asia/Shanghai')::date)::int as overdue
         from patrol_task where unit_id = ? and status <> 'cancelled' and due_on between '2026-11-01' and ?::date`,
        [child.id, TODAY],
      );
      const row = rows.find((r: any) => Number(r.unit.id) === Number(child.id));
      expect(row).toEqual({
        unit: { id: String(child.id) }, filedShops: filed.length, patrolledShops: patrolled, coverage: filed.length ? patrolled / filed.length : 0,
        tasksDue: t.due, tasksDone: t.done, overdueTasks: t.overdue,
      });
      patrolledSomewhere += patrolled;
    }
    expect(patrolledSomewhere).toBeGreaterThanOrEqual(2);
  });

  it('refuses other jurisdictions and wrong roles, writing nothing', async () => {
    const [otherShop] = await filedShopsOf(stations[1].jurisdiction);
    await refused('NOT_FOUND', () => fileRecord({ shopId: String(otherShop.id), mode: 'ONLINE', checklist: allPass(), outcome: 'COMPLIANT' }, stationToken));
    const [otherTask] = await sql<{ id: number }>(`select id from patrol_task where unit_id = ? and status = 'open' order by id limit 1`, [stations[1].id]);
    if (otherTask) await refused('NOT_FOUND', () => fileRecord({ taskId: String(otherTask.id), mode: 'ONLINE', checklist: allPass(), outcome: 'COMPLIANT' }, stationToken));
    const analyst = await p.login(`x${county.code}-analyst`);
    await refused('FORBIDDEN', () => fileRecord({ shopId: String(foodShopId), mode: 'ONLINE', checklist: allPass(), outcome: 'COMPLIANT' }, analyst));
    await refused('FORBIDDEN', () => createPlan({ kind: 'ROUTINE', name: '巡查' }, stationToken));
    const countyLeader = await p.login(`x${county.code}-leader`);
    await refused('BAD_USER_INPUT', () => createPlan({ kind: 'ROUTINE', name: '越界计划', scope: [otherCounty] }, countyLeader), /outside your jurisdiction/);
    // another county's leader does not see this county's campaign
    const outsider = await p.login(`x${otherCounty}-leader`);
    await refused('NOT_FOUND', () => p.gql(`query($id: ID!) { patrolPlan(id: $id) { id } }`, { id: campaignId }, outsider));
  });

  it('refuses bad inputs, writing nothing', async () => {
    const shopId = String(foodShopId);
    const base = { shopId, mode: 'ONLINE', outcome: 'COMPLIANT' };
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: [...allPass(), { key: 'no-such-item', result: 'PASS' }] }, stationToken), /no-such-item.*not an item/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: allPass().slice(1) }, stationToken), /no result for licence-shown/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: [...allPass(), allPass()[0]] }, stationToken), /given twice/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: allPass(), patrolledAt: new Date(Date.now() + 3600_000).toISOString() }, stationToken), /future/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: oneFails() }, stationToken), /compliant, but licence-shown failed/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: oneFails(), outcome: 'RECTIFICATION_ORDERED' }, stationToken), /rectifyBy/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...base, checklist: oneFails(), outcome: 'CLUE_RAISED' }, stationToken), /clue/);
    const onSite = { shopId, mode: 'ON_SITE', siteAddress: '某路1号', peopleMet: '店主', checklist: allPass(), outcome: 'COMPLIANT' };
    await refused('BAD_USER_INPUT', () => fileRecord({ ...onSite, photos: [{ fileName: 'scan.pdf', contentBase64: Buffer.from('%PDF-1.4 test').toString('base64') }] }, stationToken), /not an image/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...onSite, photos: [{ fileName: 'fake.png', contentBase64: Buffer.from('MZ not a png').toString('base64') }] }, stationToken), /photos\[0\]/);
    await refused('BAD_USER_INPUT', () => fileRecord({ ...onSite, siteAddress: ' ' }, stationToken), /siteAddress/);
    const leader = await p.login('sd-leader');
    await refused('BAD_USER_INPUT', () => createPlan({ kind: 'CAMPAIGN', name: '专项', theme: 't', startsOn: '2026-12-01', endsOn: '2026-12-20' }, leader), /checklist/);
    await refused('BAD_USER_INPUT', () => createPlan({ kind: 'CAMPAIGN', name: '专项', theme: 't', startsOn: '2026-12-20', endsOn: '2026-12-01', checklist: [{ key: 'a', textZh: 'a' }] }, leader), /endsOn/);
    await refused('BAD_USER_INPUT', () => createPlan({ kind: 'CAMPAIGN', name: '专项', theme: 't', startsOn: '2026-12-01', endsOn: '2026-12-20', checklist: [{ key: 'a', textZh: 'a' }, { key: 'a', textZh: 'b' }] }, leader), /twice/);
    await refused('BAD_USER_INPUT', () => createPlan({ kind: 'ROUTINE', name: '计划', rules: [{ classification: 'PLATFORM', intervalMonths: 5 }] }, leader), /intervalMonths/);
    await refused('BAD_USER_INPUT', () => generate('2026-13', null, leader), /month/);
  });
});
