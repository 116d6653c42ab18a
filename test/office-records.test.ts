/**
 * Office records through GraphQL and HTTP on a small demo province: training with participants from the
 * organiser's subtree, publicity, consumer warnings (draft → published → withdrawn) and the public feed
 * that exposes exactly the published ones and exactly six keys, staffing and equipment against the norm's
 * minimum (checked by independent SQL), annual work plans with their level's due day, on-time status and
 * superiors' plans read from below; cross-jurisdiction, wrong-role and bad-input attempts refused with
 * nothing written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitLevel } from '../entities';
import { addDays, chinaDay } from '../services/calendar/working-days';
import { workPlanDueOn } from '../services/office/work-plans';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-office-records-'));
const TABLES = ['training_session', 'publicity_activity', 'consumer_warning', 'designated_staff', 'unit_equipment', 'work_plan', 'audit_entry'];
const { sql, refused } = workflowChecks(() => p, 'office records test', TABLES);

/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

interface U {
  id: string;
  code: string;
  name: string;
  path: string;
}
let county: U;
let otherCounty: U;
let s1: U;
let s2: U;
let otherStation: U;
let countyStations: U[];
const today = chinaDay();
const tomorrow = addDays(today, 1);
const yearNow = Number(today.slice(0, 4));
const t: Record<string, string> = {};

async function unit(code: string): Promise<U> {
  const [u] = await sql<{ id: number; code: string; name: string; path: string }>(`select id, code, name, path from unit where code = ?`, [code]);
  return { id: String(u.id), code: u.code, name: u.name, path: u.path };
}

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20, config: { evidenceDir } });
  county = await unit('370102');
  otherCounty = await unit('370103');
  const rows = await sql<{ code: string }>(`select code from unit where parent_id = ? order by code`, [county.id]);
  countyStations = await Promise.all(rows.map((r) => unit(r.code)));
  [s1, s2] = countyStations;
  const [o] = await sql<{ code: string }>(`select code from unit where parent_id = ? order by code limit 1`, [otherCounty.id]);
  otherStation = await unit(o.code);
  // log everyone in first: logins write sessions and audit entries, which would move the fingerprints
  for (const name of ['sd-leader', 'c3701-leader', 'c3702-leader', 'x370102-leader', 'x370102-analyst', 'x370102-inspector', 'x370103-leader', '370102-s01-leader', '370102-s01-inspector']) {
    t[name] = await p.login(name);
  }
}, 600_000);

afterAll(async () => {
  await p?.shutdown();
  fs.rmSync(evidenceDir, { recursive: true, force: true });
});

const TRAINING = `id form topic heldOn hours participantCount regionCode createdBy unit { code } participants { unit { code } count }`;
const recordTraining = (i: Record<string, unknown>, token: string) => p.gql(`mutation($i: RecordTrainingSessionInput!) { recordTrainingSession(input: $i) { ${TRAINING} } }`, { i }, token);

describe('training sessions', () => {
  const valid = () => ({ form: 'LECTURE', topic: '网络交易监督管理办法解读', heldOn: today, hours: 2.5, participants: [{ unitId: county.id, count: 5 }, { unitId: s1.id, count: 3 }] });

  it('records a session of the caller\'s unit with participants from it and below; the county and the city list it, a sibling does not', async () => {
    const s = ok(await recordTraining(valid(), t['x370102-inspector'])).recordTrainingSession;
    expect(s).toMatchObject({ form: 'LECTURE', heldOn: today, hours: '2.5', participantCount: 8, unit: { code: '370102' }, createdBy: 'x370102-inspector' });
    expect(s.participants).toEqual([{ unit: { code: '370102' }, count: 5 }, { unit: { code: s1.code }, count: 3 }]);
    const list = `query($f: TrainingSessionFilter) { trainingSessions(filter: $f, first: 10) { totalCount nodes { id } } }`;
    expect(ok(await p.gql(list, { f: { unitId: county.id, from: today, to: today } }, t['x370102-leader'])).trainingSessions).toMatchObject({ totalCount: 1, nodes: [{ id: s.id }] });
    expect(ok(await p.gql(list, { f: null }, t['c3701-leader'])).trainingSessions.nodes).toEqual([{ id: s.id }]);
    expect(ok(await p.gql(list, { f: null }, t['x370103-leader'])).trainingSessions.totalCount).toBe(0);
    // the station sees neither its county's session
    expect(ok(await p.gql(list, { f: null }, t['370102-s01-leader'])).trainingSessions.totalCount).toBe(0);
  });

  it('refuses bad inputs with nothing written', async () => {
    const token = t['x370102-inspector'];
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), heldOn: tomorrow }, token), /heldOn/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), heldOn: '2026-02-30' }, token), /heldOn/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), hours: 0 }, token), /hours/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), hours: 2.55 }, token), /hours/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), hours: 25 }, token), /hours/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), participants: [{ unitId: '99999999', count: 2 }] }, token), /participants/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), participants: [{ unitId: otherStation.id, count: 2 }] }, token), /participants/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), participants: [{ unitId: s1.id, count: 0 }] }, token), /participants/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), participants: [] }, token), /participants/);
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), topic: '  ' }, token), /topic/);
    // a station may not name its county as a participant: it is not below the station
    await refused('BAD_USER_INPUT', () => recordTraining({ ...valid(), participants: [{ unitId: county.id, count: 1 }] }, t['370102-s01-inspector']), /participants/);
  });
});

describe('publicity activities', () => {
  const record = (i: Record<string, unknown>, token: string) =>
    p.gql(`mutation($i: RecordPublicityActivityInput!) { recordPublicityActivity(input: $i) { id kind title audience reach heldOn unit { code } } }`, { i }, token);
  const valid = { kind: 'EVENT', title: '3·15国际消费者权益日网络消费宣传', audience: '消费者', reach: 1200, heldOn: '2026-03-15' };

  it('records an activity and lists it by kind and period', async () => {
    const a = ok(await record(valid, t['370102-s01-inspector'])).recordPublicityActivity;
    expect(a).toMatchObject({ ...valid, unit: { code: s1.code } });
    const list = `query($f: PublicityActivityFilter) { publicityActivities(filter: $f) { totalCount nodes { id } } }`;
    expect(ok(await p.gql(list, { f: { kinds: ['EVENT'], from: '2026-03-01', to: '2026-03-31', unitId: county.id } }, t['x370102-leader'])).publicityActivities).toMatchObject({ totalCount: 1, nodes: [{ id: a.id }] });
    expect(ok(await p.gql(list, { f: { kinds: ['MEDIA'] } }, t['x370102-leader'])).publicityActivities.totalCount).toBe(0);
  });

  it('refuses a negative reach, a future day, an unknown kind; nothing written', async () => {
    const token = t['370102-s01-inspector'];
    await refused('BAD_USER_INPUT', () => record({ ...valid, reach: -1 }, token), /reach/);
    await refused('BAD_USER_INPUT', () => record({ ...valid, heldOn: tomorrow }, token), /heldOn/);
    await refused('BAD_USER_INPUT', () => record({ ...valid, audience: '' }, token), /audience/);
    const r = await p.gql(`mutation { recordPublicityActivity(input: { kind: PARADE, title: "x", audience: "y", reach: 1, heldOn: "2026-03-15" }) { id } }`, {}, token);
    expect(r.errors?.length).toBeGreaterThan(0);
  });
});

describe('consumer warnings and the public feed', () => {
  const draft = (i: Record<string, unknown>, token: string) =>
    p.gql(`mutation($i: DraftConsumerWarningInput!) { draftConsumerWarning(input: $i) { id status title publishedOn unit { code } } }`, { i }, token);
  const publish = (id: string, token: string) => p.gql(`mutation($id: ID!) { publishConsumerWarning(id: $id) { id status publishedOn publishedAt } }`, { id }, token);
  const withdraw = (id: string, reason: string, token: string) =>
    p.gql(`mutation($id: ID!, $r: String!) { withdrawConsumerWarning(id: $id, reason: $r) { id status withdrawnAt withdrawalReason } }`, { id, r: reason }, token);
  const get = (pathname: string, init: RequestInit = {}) => fetch(`${p.url}${pathname}`, init);
  const ids: Record<string, string> = {};

  it('draft → published → withdrawn; drafted by staff, published and withdrawn by a reviewer', async () => {
    ids.published = ok(await draft({ title: '警惕直播间"秒杀"低价陷阱', text: '消费者在直播间购物时应注意……\n保留订单截图。', category: '网络购物' }, t['x370102-analyst'])).draftConsumerWarning.id;
    ids.draft = ok(await draft({ title: '草稿：预付卡风险提示', text: '尚未发布的草稿正文', category: '预付式消费' }, t['x370102-analyst'])).draftConsumerWarning.id;
    ids.withdrawn = ok(await draft({ title: '已撤回的警示', text: '撤回前的正文', category: '网络购物' }, t['370102-s01-inspector'])).draftConsumerWarning.id;
    ids.food = ok(await draft({ title: '网购散装食品提示', text: '注意生产日期', category: '食品' }, t['370102-s01-inspector'])).draftConsumerWarning.id;
    const w = ok(await publish(ids.published, t['x370102-leader'])).publishConsumerWarning;
    expect(w).toMatchObject({ status: 'PUBLISHED', publishedOn: today });
    ok(await publish(ids.withdrawn, t['370102-s01-leader']));
    ok(await publish(ids.food, t['x370102-leader'])); // the county reviews its station's warning
    const wd = ok(await withdraw(ids.withdrawn, '内容有误，已更正重发', t['370102-s01-leader'])).withdrawConsumerWarning;
    expect(wd).toMatchObject({ status: 'WITHDRAWN', withdrawalReason: '内容有误，已更正重发' });
    expect(wd.withdrawnAt).toBeTruthy();
    const list = ok(await p.gql(`{ consumerWarnings(filter: { statuses: [WITHDRAWN] }) { nodes { id withdrawalReason } } }`, {}, t['x370102-leader'])).consumerWarnings;
    expect(list.nodes).toEqual([{ id: ids.withdrawn, withdrawalReason: '内容有误，已更正重发' }]);
  });

  it('refuses a wrong role (FORBIDDEN), another county (NOT_FOUND) and a wrong move, with nothing written', async () => {
    await refused('FORBIDDEN', () => publish(ids.draft, t['x370102-analyst']));
    await refused('FORBIDDEN', () => withdraw(ids.published, 'x', t['x370102-inspector']));
    await refused('NOT_FOUND', () => publish(ids.draft, t['x370103-leader']));
    await refused('NOT_FOUND', () => publish(ids.draft, t['370102-s01-leader'])); // the station does not see its county's rows
    await refused('BAD_USER_INPUT', () => publish(ids.published, t['x370102-leader']), /published/);
    await refused('BAD_USER_INPUT', () => withdraw(ids.draft, '不再需要', t['x370102-leader']), /draft/);
    await refused('BAD_USER_INPUT', () => withdraw(ids.published, '  ', t['x370102-leader']), /reason/);
    await refused('BAD_USER_INPUT', () => draft({ title: '', text: 'x', category: 'y' }, t['x370102-analyst']), /title/);
  });

  it('GET /public/warnings without a token: exactly the published warnings, newest first, exactly six keys', async () => {
    const res = await get('/public/warnings');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await res.json()) as Record<string, unknown>[];
    const expected = await sql<{ id: number; title: string; text: string; category: string; published_on: string; name: string }>(
      `select w.id, w.title, w.text, w.category, to_char(w.published_on, 'YYYY-MM-DD') as published_on, u.name from consumer_warning w join unit u on u.id = w.unit_id
       where w.status = 'published' order by w.published_at desc, w.id desc`,
    );
    expect(body).toEqual(expected.map((e) => ({ id: Number(e.id), title: e.title, text: e.text, category: e.category, publishedOn: e.published_on, issuer: e.name })));
    expect(body.map((w) => String(w.id)).sort()).toEqual([ids.published, ids.food].sort());
    for (const w of body) expect(Object.keys(w).sort()).toEqual(['category', 'id', 'issuer', 'publishedOn', 'text', 'title']);
    expect(body.find((w) => String(w.id) === ids.published)?.issuer).toBe(county.name);
    const text = JSON.stringify(body);
    for (const hidden of ['草稿', '已撤回', 'x370102', 'createdBy', 'regionCode', '370102']) expect(text).not.toContain(hidden);

    const food = (await (await get(`/public/warnings?category=${encodeURIComponent('食品')}`)).json()) as any[];
    expect(food.map((w) => String(w.id))).toEqual([ids.food]);
  });

  it('GET /public/warnings/:id answers a published warning only; the page lists them; nothing else is reachable', async () => {
    const one = await get(`/public/warnings/${ids.published}`);
    expect(one.status).toBe(200);
    expect(one.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Object.keys((await one.json()) as object).sort()).toEqual(['category', 'id', 'issuer', 'publishedOn', 'text', 'title']);
    for (const id of [ids.draft, ids.withdrawn, '999999', 'abc', '1;drop']) expect((await get(`/public/warnings/${id}`)).status, id).toBe(404);
    const html = await get('/public/warnings.html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain('警惕直播间&quot;秒杀&quot;低价陷阱');
    expect(page).not.toContain('草稿');
    expect(page).not.toContain('已撤回');
    // no write, no other list without a token
    expect((await get('/public/warnings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBeGreaterThanOrEqual(400);
    const anonymous = await p.gql(`{ consumerWarnings { nodes { id } } }`);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('staffing and equipment', () => {
  const designate = (i: Record<string, unknown>, token: string) =>
    p.gql(`mutation($i: DesignateStaffInput!) { designateStaff(input: $i) { id name assignment since until active unit { code } } }`, { i }, token);
  const declare = (i: Record<string, unknown>, token: string) =>
    p.gql(`mutation($i: DeclareEquipmentInput!) { declareEquipment(input: $i) { id computers printers cameras evidenceDevices unit { code } } }`, { i }, token);
  const minimums = async (token: string, parent?: string) =>
    ok(await p.gql(`query($p: ID) { resourceMinimums(parentUnitId: $p) { checked below units { unit { code } activeStaff computers missing } } }`, { p: parent ?? null }, token)).resourceMinimums;
  /** Independently: the units of the county's subtree without a person designated today or without a computer. */
  const belowBySql = async () =>
    (
      await sql<{ code: string }>(
        `select u.code from unit u left join unit_equipment e on e.unit_id = u.id
         where u.path like ? and (coalesce(e.computers, 0) < 1 or not exists (
           select 1 from designated_staff s where s.unit_id = u.id and s.since <= ?::date and (s.until is null or s.until > ?::date)))
         order by u.path`,
        [`${county.path}%`, today, today],
      )
    ).map((r) => r.code);
  let s1Staff: string;

  it('lists exactly the units below the minimum, and ending a designation drops a unit below it', async () => {
    const token = t['x370102-leader'];
    const before = await minimums(token);
    expect(before.checked).toBe(1 + countyStations.length);
    expect(before.units.map((u: any) => u.unit.code)).toEqual(await belowBySql());
    expect(before.below).toBe(1 + countyStations.length);
    expect(before.units[0]).toEqual({ unit: { code: '370102' }, activeStaff: 0, computers: 0, missing: ['STAFF', 'COMPUTER'] });

    ok(await designate({ unitId: county.id, name: '张伟', assignment: 'FULL_TIME', since: '2026-01-05' }, token));
    s1Staff = ok(await designate({ unitId: s1.id, name: '李娜', assignment: 'PART_TIME', since: '2026-03-01' }, token)).designateStaff.id;
    ok(await designate({ unitId: s2.id, name: '王强', assignment: 'FULL_TIME', since: '2026-03-01' }, t['x370102-inspector']));
    ok(await declare({ unitId: county.id, computers: 3, printers: 1, cameras: 1, evidenceDevices: 1 }, token));
    ok(await declare({ unitId: s1.id, computers: 1, printers: 0, cameras: 0, evidenceDevices: 0 }, t['370102-s01-inspector']));
    // s2 has staff but its computers are declared 0 (then corrected to 0 again: one row, updated)
    const first = ok(await declare({ unitId: s2.id, computers: 2, printers: 0, cameras: 0, evidenceDevices: 0 }, token)).declareEquipment;
    const second = ok(await declare({ unitId: s2.id, computers: 0, printers: 1, cameras: 0, evidenceDevices: 0 }, token)).declareEquipment;
    expect(second.id).toBe(first.id);
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from unit_equipment where unit_id = ?`, [s2.id]);
    expect(n).toBe(1);

    const after = await minimums(token);
    const codesBelow = after.units.map((u: any) => u.unit.code);
    expect(codesBelow).toEqual(await belowBySql());
    expect(codesBelow).not.toContain('370102');
    expect(codesBelow).not.toContain(s1.code);
    expect(after.units.find((u: any) => u.unit.code === s2.code)).toEqual({ unit: { code: s2.code }, activeStaff: 1, computers: 0, missing: ['COMPUTER'] });
    expect(after.below).toBe(countyStations.length - 1);

    const ended = ok(await p.gql(`mutation($id: ID!, $u: String!) { endStaffDesignation(id: $id, until: $u) { id until active } }`, { id: s1Staff, u: today }, token)).endStaffDesignation;
    expect(ended).toEqual({ id: s1Staff, until: today, active: false });
    const last = await minimums(token);
    expect(last.units.map((u: any) => u.unit.code)).toEqual(await belowBySql());
    expect(last.units.find((u: any) => u.unit.code === s1.code)).toEqual({ unit: { code: s1.code }, activeStaff: 0, computers: 1, missing: ['STAFF'] });

    const res = ok(await p.gql(`query($u: ID!) { unitResources(unitId: $u) { unit { code } staff { name assignment since active } equipment { computers printers } } }`, { u: county.id }, t['c3701-leader'])).unitResources;
    expect(res).toEqual({ unit: { code: '370102' }, staff: [{ name: '张伟', assignment: 'FULL_TIME', since: '2026-01-05', active: true }], equipment: { computers: 3, printers: 1 } });
    // the city's check covers its whole subtree, the county's rows included
    const city = await minimums(t['c3701-leader']);
    const [{ n: cityUnits }] = await sql<{ n: number }>(`select count(*)::int as n from unit where path like '/37/3701/%'`);
    expect(city.checked).toBe(cityUnits);
    expect(city.units.map((u: any) => u.unit.code)).not.toContain('370102');
  });

  it('refuses another county\'s station (NOT_FOUND), bad counts and days, with nothing written', async () => {
    const other = t['x370103-leader'];
    await refused('NOT_FOUND', () => designate({ unitId: s1.id, name: '赵六', assignment: 'FULL_TIME', since: '2026-01-05' }, other));
    await refused('NOT_FOUND', () => declare({ unitId: s1.id, computers: 1, printers: 0, cameras: 0, evidenceDevices: 0 }, other));
    await refused('NOT_FOUND', () => p.gql(`mutation($id: ID!) { endStaffDesignation(id: $id, until: "2026-12-31") { id } }`, { id: s1Staff }, other));
    await refused('NOT_FOUND', () => p.gql(`query($u: ID!) { unitResources(unitId: $u) { unit { code } } }`, { u: s1.id }, other));
    await refused('NOT_FOUND', () => designate({ unitId: county.id, name: '赵六', assignment: 'FULL_TIME', since: '2026-01-05' }, t['370102-s01-leader'])); // not below the station
    const token = t['x370102-leader'];
    await refused('BAD_USER_INPUT', () => declare({ unitId: s1.id, computers: -1, printers: 0, cameras: 0, evidenceDevices: 0 }, token), /computers/);
    await refused('BAD_USER_INPUT', () => declare({ unitId: s1.id, computers: 1, printers: 1000, cameras: 0, evidenceDevices: 0 }, token), /printers/);
    await refused('BAD_USER_INPUT', () => designate({ unitId: s1.id, name: '赵六', assignment: 'FULL_TIME', since: tomorrow }, token), /since/);
    await refused('BAD_USER_INPUT', () => designate({ unitId: s1.id, name: ' ', assignment: 'FULL_TIME', since: today }, token), /name/);
    await refused('BAD_USER_INPUT', () => p.gql(`mutation($id: ID!) { endStaffDesignation(id: $id, until: "2026-12-31") { id } }`, { id: s1Staff }, token), /already ended/);
  });
});

describe('annual work plans', () => {
  const save = (i: Record<string, unknown>, token: string) =>
    p.gql(`mutation($i: SaveWorkPlanInput!) { saveWorkPlan(input: $i) { id year title dueOn publishedAt publishedOnTime unit { code } attachments { sha256 fileName mediaType sizeBytes } } }`, { i }, token);
  const publish = (id: string, token: string) => p.gql(`mutation($id: ID!) { publishWorkPlan(id: $id) { id publishedAt publishedOnTime } }`, { id }, token);
  const plans: Record<string, string> = {};
  const next = yearNow + 1;

  it('due days by level: province 31 Jan, city the last day of February (29 in a leap year), county 15 Mar, station 31 Mar', () => {
    expect(workPlanDueOn(UnitLevel.PROVINCE, 2027)).toBe('2027-01-31');
    expect(workPlanDueOn(UnitLevel.CITY, 2027)).toBe('2027-02-28');
    expect(workPlanDueOn(UnitLevel.CITY, 2028)).toBe('2028-02-29');
    expect(workPlanDueOn(UnitLevel.COUNTY, 2028)).toBe('2028-03-15');
    expect(workPlanDueOn(UnitLevel.STATION, 2028)).toBe('2028-03-31');
  });

  it('saves one draft per unit and year, publishes it once, and records whether on time', async () => {
    const county2026 = ok(await save({ year: yearNow, title: `${yearNow}年网络市场监管工作要点`, body: '一、…' }, t['x370102-inspector'])).saveWorkPlan;
    expect(county2026).toMatchObject({ year: yearNow, dueOn: `${yearNow}-03-15`, publishedAt: null, unit: { code: '370102' } });
    const again = ok(await save({ year: yearNow, title: '修订稿', body: '二、…', attachments: [{ fileName: '部署.png', contentBase64: PNG_BASE64 }] }, t['x370102-leader'])).saveWorkPlan;
    expect(again).toMatchObject({ id: county2026.id, title: '修订稿', attachments: [{ fileName: '部署.png', mediaType: 'image/png', sizeBytes: Buffer.from(PNG_BASE64, 'base64').length }] });
    plans.county2026 = county2026.id;
    plans.sha = again.attachments[0].sha256;
    const late = ok(await publish(county2026.id, t['x370102-leader'])).publishWorkPlan;
    expect(late.publishedOnTime).toBe(false); // issued in November, due 15 March

    plans.county = ok(await save({ year: next, title: `${next}年工作部署`, body: '…' }, t['x370102-leader'])).saveWorkPlan.id;
    plans.city = ok(await save({ year: next, title: '济南市工作部署', body: '…' }, t['c3701-leader'])).saveWorkPlan.id;
    plans.province = ok(await save({ year: next, title: '全省工作部署（草稿）', body: '…' }, t['sd-leader'])).saveWorkPlan.id;
    plans.otherCity = ok(await save({ year: next, title: '青岛市工作部署', body: '…' }, t['c3702-leader'])).saveWorkPlan.id;
    expect(ok(await publish(plans.county, t['x370102-leader'])).publishWorkPlan.publishedOnTime).toBe(true);
    ok(await publish(plans.city, t['c3701-leader']));
    ok(await publish(plans.otherCity, t['c3702-leader']));
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from work_plan where unit_id = ? and year = ?`, [county.id, yearNow]);
    expect(n).toBe(1);
  });

  it('workPlanStatus per child unit: published, on time, against the rows', async () => {
    const q = `query($y: Int!, $p: ID) { workPlanStatus(year: $y, parentUnitId: $p) { unit { code } planId dueOn published onTime } }`;
    const [city] = await sql<{ id: number }>(`select id from unit where code = '3701'`);
    const now2026 = ok(await p.gql(q, { y: yearNow, p: String(city.id) }, t['c3701-leader'])).workPlanStatus;
    const counties = await sql<{ code: string }>(`select code from unit where parent_id = ? order by code`, [city.id]);
    expect(now2026.map((r: any) => r.unit.code)).toEqual(counties.map((c) => c.code));
    expect(now2026.find((r: any) => r.unit.code === '370102')).toEqual({ unit: { code: '370102' }, planId: plans.county2026, dueOn: `${yearNow}-03-15`, published: true, onTime: false });
    for (const r of now2026.filter((x: any) => x.unit.code !== '370102')) expect(r).toMatchObject({ planId: null, published: false, onTime: false });
    const nextYear = ok(await p.gql(q, { y: next, p: String(city.id) }, t['c3701-leader'])).workPlanStatus;
    expect(nextYear.find((r: any) => r.unit.code === '370102')).toMatchObject({ published: true, onTime: true });
    for (const r of nextYear.filter((x: any) => x.unit.code !== '370102')) expect(r).toMatchObject({ published: false, onTime: null });
  });

  it('a station reads its superiors\' published plans from above (not drafts, not another city\'s), but not through workPlans', async () => {
    const fromAbove = ok(await p.gql(`query($y: Int!) { workPlansFromAbove(year: $y) { id title unit { code } publishedOnTime } }`, { y: next }, t['370102-s01-leader'])).workPlansFromAbove;
    expect(fromAbove.map((w: any) => w.id)).toEqual([plans.city, plans.county]);
    const own = ok(await p.gql(`{ workPlans { totalCount nodes { id } } }`, {}, t['370102-s01-leader'])).workPlans;
    expect(own.totalCount).toBe(0);
    const countyView = ok(await p.gql(`query($y: Int) { workPlans(filter: { year: $y }) { nodes { id } } }`, { y: next }, t['x370102-leader'])).workPlans;
    expect(countyView.nodes).toEqual([{ id: plans.county }]);
    // the attachment of a published plan above is readable from the station; not from another county
    const file = (token: string) => fetch(`${p.url}/files/${plans.sha}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await file(t['370102-s01-leader'])).status).toBe(200);
    expect((await file(t['x370103-leader'])).status).toBe(404);
  });

  it('refuses a wrong role, another unit\'s plan, a second publication, a change after publication, a bad file, a bad year', async () => {
    const [draftPlan] = await sql<{ id: number }>(`select id from work_plan where unit_id = (select id from unit where code = '37')`);
    ok(await save({ year: next - 1, title: '草稿', body: '…' }, t['370102-s01-inspector']));
    const [stationDraft] = await sql<{ id: number }>(`select id from work_plan where unit_id = ? and year = ?`, [s1.id, next - 1]);
    await refused('FORBIDDEN', () => publish(String(stationDraft.id), t['370102-s01-inspector']));
    await refused('FORBIDDEN', () => publish(String(stationDraft.id), t['x370102-leader'])); // a superior sees it but does not publish it
    await refused('NOT_FOUND', () => publish(String(draftPlan.id), t['x370102-leader']));
    await refused('BAD_USER_INPUT', () => publish(plans.county, t['x370102-leader']), /already published/);
    await refused('BAD_USER_INPUT', () => save({ year: next, title: '改', body: '…' }, t['x370102-leader']), /published/);
    await refused('BAD_USER_INPUT', () => save({ year: next - 1, title: '改', body: '…', attachments: [{ fileName: 'a.exe', contentBase64: 'TVqQAAMAAAAEAAAA' }] }, t['370102-s01-inspector']), /attachments/);
    await refused('BAD_USER_INPUT', () => save({ year: next - 1, title: '改', body: '…', attachments: [{ fileName: 'a.png', contentBase64: 'TVqQAAMAAAAEAAAA' }] }, t['370102-s01-inspector']), /attachments/);
    await refused('BAD_USER_INPUT', () => save({ year: next + 1, title: '改', body: '…' }, t['370102-s01-inspector']), /year/);
    await refused('BAD_USER_INPUT', () => save({ year: next - 1, title: '', body: '…' }, t['370102-s01-inspector']), /title/);
  });
});
