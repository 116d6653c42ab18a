/**
 * Clues (线索) through GraphQL on a small demo province: raised from findings (written directly, no
 * crawl) and merged per shop and rule; the whole flow received → registered → assigned → handled → fed
 * back → archived with who/when/why at every step; every illegal transition refused with nothing
 * changed; other jurisdictions and roles refused; overdue clues visible per unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;

const { sql, refused } = workflowChecks(() => p, 'clues test', ['clue', 'clue_event', 'clue_finding', 'audit_entry']);

interface Fixture {
  shopId: number;
  region: string;
  county: string;
  stationId: number;
  stationCode: string;
  countyUnitId: number;
  otherCounty: string;
}
let fx: Fixture;
let otherShopId: number;

async function addFinding(shopId: number, ruleId: string, observedAt: string): Promise<string> {
  const [row] = await sql<{ id: number }>(
    `insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis)
     select ?, 'medium', s.id, s.region_code, ?::timestamptz, '店铺首页未亮照', '{}'::jsonb, '[{"law":"电子商务法","article":"第十五条"}]'::jsonb
     from shop s where s.id = ? returning id`,
    [ruleId, observedAt, shopId],
  );
  return String(row.id);
}

const CLUE_FIELDS = `id status source ruleId regionCode title outcome deadline overdue assignedUnit { id code } shop { id }
  findings { id } events { action fromStatus toStatus note actorName actorUnitId at }`;

const raise = (findingId: string, token: string) => p.gql(`mutation($f: ID!) { raiseClueFromFinding(findingId: $f) { ${CLUE_FIELDS} } }`, { f: findingId }, token);
const register = (id: string, token: string) => p.gql(`mutation($id: ID!) { registerClue(id: $id, note: "登记") { ${CLUE_FIELDS} } }`, { id }, token);
const assign = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: AssignClueInput!) { assignClue(input: $i) { ${CLUE_FIELDS} } }`, { i: input }, token);
const handle = (id: string, token: string) => p.gql(`mutation($id: ID!) { handleClue(input: { clueId: $id, outcome: VERIFIED, note: "经核查属实" }) { ${CLUE_FIELDS} } }`, { id }, token);
const feedback = (id: string, token: string) => p.gql(`mutation($id: ID!) { feedbackClue(id: $id, note: "已反馈") { ${CLUE_FIELDS} } }`, { id }, token);
const archive = (id: string, reason: string, token: string) => p.gql(`mutation($id: ID!, $r: String!) { archiveClue(id: $id, reason: $r) { ${CLUE_FIELDS} } }`, { id, r: reason }, token);

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20 });
  const shops = await sql<{ id: number; region_code: string; unit_id: number; code: string }>(
    `select s.id, s.region_code, u.id as unit_id, u.code from shop s join unit u on u.id = s.responsible_unit_id
     where u.level = 'station' order by s.id limit 2`,
  );
  expect(shops.length).toBe(2);
  const [shop] = shops;
  otherShopId = shops[1].id;
  const county = shop.region_code.slice(0, 6);
  const [countyUnit] = await sql<{ id: number }>(`select id from unit where code = ?`, [county]);
  const [other] = await sql<{ code: string }>(`select code from unit where level = 'county' and code <> ? order by code limit 1`, [county]);
  fx = { shopId: shop.id, region: shop.region_code, county, stationId: shop.unit_id, stationCode: shop.code, countyUnitId: countyUnit.id, otherCounty: other.code };
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('clues', () => {
  let clueId: string;

  it('a finding raises a clue: received, with the finding and a raised event', async () => {
    const token = await p.login(`x${fx.county}-inspector`);
    const f1 = await addFinding(fx.shopId, 'licence-missing', '2026-11-10T02:00:00Z');
    const clue = ok(await raise(f1, token)).raiseClueFromFinding;
    clueId = clue.id;
    expect(clue).toMatchObject({ status: 'RECEIVED', source: 'FINDING', ruleId: 'licence-missing', regionCode: fx.region, shop: { id: String(fx.shopId) }, findings: [{ id: f1 }] });
    expect(clue.events).toEqual([expect.objectContaining({ action: 'RAISED', fromStatus: null, toStatus: 'RECEIVED', actorName: `x${fx.county}-inspector` })]);
    // the same finding twice: refused
    await refused('BAD_USER_INPUT', () => raise(f1, token), /already on clue/);
  });

  it('a second finding of the same shop and rule merges into the open clue', async () => {
    const token = await p.login(`x${fx.county}-inspector`);
    const f2 = await addFinding(fx.shopId, 'licence-missing', '2026-11-11T02:00:00Z');
    const clue = ok(await raise(f2, token)).raiseClueFromFinding;
    expect(clue.id).toBe(clueId);
    expect(clue.findings).toHaveLength(2);
    expect(clue.status).toBe('RECEIVED');
    expect(clue.events.map((e: any) => e.action)).toEqual(['RAISED', 'MERGED']);
    expect(clue.events[1]).toMatchObject({ fromStatus: 'RECEIVED', toStatus: 'RECEIVED' });
    // another rule of the same shop is a clue of its own
    const f3 = await addFinding(fx.shopId, 'absolute-terms', '2026-11-11T02:00:00Z');
    const other = ok(await raise(f3, token)).raiseClueFromFinding;
    expect(other.id).not.toBe(clueId);
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from clue where shop_id = ?`, [fx.shopId]);
    expect(n).toBe(2);
  });

  it('illegal transitions before assignment are refused, naming the status and what is allowed', async () => {
    const token = await p.login(`x${fx.county}-inspector`);
    await refused('BAD_USER_INPUT', () => handle(clueId, token), /is received: handleClue is not allowed; allowed: registerClue, archiveClue/);
    await refused('BAD_USER_INPUT', () => assign({ clueId }, token), /is received: assignClue is not allowed/);
    await refused('BAD_USER_INPUT', () => feedback(clueId, token), /is received/);
    await refused('BAD_USER_INPUT', () => archive(clueId, '  ', token), /reason/);
  });

  it('runs the whole flow with who, when and why at every step', async () => {
    const county = `x${fx.county}-inspector`;
    const station = `${fx.stationCode.toLowerCase()}-inspector`;
    const token = await p.login(county);
    ok(await register(clueId, token));
    await refused('BAD_USER_INPUT', () => register(clueId, token), /is registered: registerClue is not allowed; allowed: assignClue, archiveClue/);
    await refused('BAD_USER_INPUT', () => handle(clueId, token), /is registered/);
    await refused('BAD_USER_INPUT', () => assign({ clueId, deadline: '2020-01-01T00:00:00Z' }, token), /deadline: must lie in the future/);
    const before = Date.now();
    const assigned = ok(await assign({ clueId, note: '请核查' }, token)).assignClue;
    expect(assigned.status).toBe('ASSIGNED');
    expect(assigned.assignedUnit).toEqual({ id: String(fx.stationId), code: fx.stationCode });
    const days = (Date.parse(assigned.deadline) - before) / 86_400_000;
    expect(days).toBeGreaterThan(14.99);
    expect(days).toBeLessThan(15.01);
    expect(assigned.overdue).toBe(false);
    // illegal steps from assigned: nothing changes
    await refused('BAD_USER_INPUT', () => assign({ clueId }, token), /is assigned: assignClue is not allowed; allowed: handleClue/);
    await refused('BAD_USER_INPUT', () => archive(clueId, '重复', token), /is assigned: archiveClue is not allowed/);
    await refused('BAD_USER_INPUT', () => feedback(clueId, token), /is assigned/);
    await refused('BAD_USER_INPUT', () => register(clueId, token), /is assigned/);
    // the station it was assigned to handles it
    const handled = ok(await handle(clueId, await p.login(station))).handleClue;
    expect(handled).toMatchObject({ status: 'HANDLED', outcome: 'VERIFIED' });
    await refused('BAD_USER_INPUT', () => handle(clueId, token), /is handled: handleClue is not allowed; allowed: feedbackClue/);
    await refused('BAD_USER_INPUT', () => archive(clueId, '归档', token), /is handled/);
    ok(await feedback(clueId, token));
    const archived = ok(await archive(clueId, '办结归档', token)).archiveClue;
    expect(archived.status).toBe('ARCHIVED');
    for (const attempt of [() => register(clueId, token), () => assign({ clueId }, token), () => handle(clueId, token), () => feedback(clueId, token), () => archive(clueId, '再次', token)]) {
      await refused('BAD_USER_INPUT', attempt, /is archived: .* not allowed; allowed: none/);
    }
    const [{ id: stationUnitId }] = await sql<{ id: number }>(`select unit_id as id from app_user where username = ?`, [station]);
    const [{ id: countyUserUnit }] = await sql<{ id: number }>(`select unit_id as id from app_user where username = ?`, [county]);
    expect(archived.events.map((e: any) => [e.action, e.fromStatus, e.toStatus, e.note, e.actorName, e.actorUnitId])).toEqual([
      ['RAISED', null, 'RECEIVED', expect.stringContaining('finding'), county, String(countyUserUnit)],
      ['MERGED', 'RECEIVED', 'RECEIVED', expect.stringContaining('finding'), county, String(countyUserUnit)],
      ['REGISTERED', 'RECEIVED', 'REGISTERED', '登记', county, String(countyUserUnit)],
      ['ASSIGNED', 'REGISTERED', 'ASSIGNED', '请核查', county, String(countyUserUnit)],
      ['HANDLED', 'ASSIGNED', 'HANDLED', '经核查属实', station, String(stationUnitId)],
      ['FED_BACK', 'HANDLED', 'FED_BACK', '已反馈', county, String(countyUserUnit)],
      ['ARCHIVED', 'FED_BACK', 'ARCHIVED', '办结归档', county, String(countyUserUnit)],
    ]);
    for (const e of archived.events) expect(Date.parse(e.at)).toBeGreaterThan(before - 120_000);
    // every change of the clue is in the audit log, under its operation
    const audits = await sql<{ operation: string }>(`select operation from audit_entry where entity_type = 'Clue' and entity_id = ? order by id`, [clueId]);
    expect(audits.map((a) => a.operation)).toEqual(['raiseClueFromFinding', 'raiseClueFromFinding', 'registerClue', 'assignClue', 'handleClue', 'feedbackClue', 'archiveClue']);
    // archived: a new finding of the same shop and rule opens a new clue
    const f4 = await addFinding(fx.shopId, 'licence-missing', '2026-11-12T02:00:00Z');
    const fresh = ok(await raise(f4, token)).raiseClueFromFinding;
    expect(fresh.id).not.toBe(clueId);
    expect(fresh.status).toBe('RECEIVED');
  });

  it('archives a received clue straight away with a reason (duplicate, invalid)', async () => {
    const token = await p.login(`x${fx.county}-inspector`);
    const created = ok(
      await p.gql(`mutation($i: CreateClueInput!) { createClue(input: $i) { id status source events { action note } } }`, { i: { shopId: String(fx.shopId), title: '投诉：虚假宣传', description: '消费者投诉', source: 'COMPLAINT', note: '12315' } }, token),
    ).createClue;
    expect(created).toMatchObject({ status: 'RECEIVED', source: 'COMPLAINT', events: [{ action: 'CREATED', note: '12315' }] });
    await refused('BAD_USER_INPUT', () => p.gql(`mutation { createClue(input: { shopId: "${fx.shopId}", title: "x", description: "y", source: FINDING }) { id } }`, {}, token), /raiseClueFromFinding/);
    const archived = ok(await archive(created.id, '重复线索', token)).archiveClue;
    expect(archived.events.map((e: any) => [e.action, e.fromStatus, e.note])).toEqual([
      ['CREATED', null, '12315'],
      ['ARCHIVED', 'RECEIVED', '重复线索'],
    ]);
  });

  it('another county: NOT_FOUND for the clue, cannot raise, assign or handle it', async () => {
    const mine = await p.login(`x${fx.county}-inspector`);
    const clue = ok(await p.gql(`mutation($i: CreateClueInput!) { createClue(input: $i) { id } }`, { i: { shopId: String(fx.shopId), title: '巡查发现', description: '巡查', source: 'PATROL' } }, mine)).createClue;
    ok(await register(clue.id, mine));
    const outsider = await p.login(`x${fx.otherCounty}-inspector`);
    await refused('NOT_FOUND', () => p.gql(`query($id: ID!) { clue(id: $id) { id } }`, { id: clue.id }, outsider));
    await refused('NOT_FOUND', () => assign({ clueId: clue.id }, outsider));
    await refused('NOT_FOUND', () => archive(clue.id, '无效', outsider));
    const f = await addFinding(fx.shopId, 'prohibited-goods', '2026-11-12T02:00:00Z');
    await refused('NOT_FOUND', () => raise(f, outsider));
    expect(ok(await p.gql(`{ clues(first: 100) { totalCount } }`, {}, outsider)).clues.totalCount).toBe(0);
    // a unit that does not hold the shop's region: a clear error
    const [{ id: otherUnit }] = await sql<{ id: number }>(`select id from unit where level = 'station' and code like ? and not (? like any (select j || '%' from unnest(jurisdiction) j)) limit 1`, [`${fx.county}-%`, fx.region]);
    if (otherUnit) await refused('BAD_USER_INPUT', () => assign({ clueId: clue.id, unitId: String(otherUnit) }, mine), /does not hold region/);
    // a unit outside the caller's jurisdiction: NOT_FOUND
    const [{ id: province }] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    await refused('NOT_FOUND', () => assign({ clueId: clue.id, unitId: String(province) }, mine));
    // assigned to the county itself: a station below may not handle it
    const assigned = ok(await assign({ clueId: clue.id, unitId: String(fx.countyUnitId) }, mine)).assignClue;
    expect(assigned.assignedUnit.code).toBe(fx.county);
    const stationToken = await p.login(`${fx.stationCode.toLowerCase()}-inspector`);
    await refused('FORBIDDEN', () => handle(clue.id, stationToken), /only that unit or a unit above it/);
  });

  it('wrong role: an analyst (no clues:handle) is FORBIDDEN; leaders and analysts read', async () => {
    const analyst = await p.login(`x${fx.county}-analyst`);
    const [{ id }] = await sql<{ id: number }>(`select id from clue where status = 'received' order by id desc limit 1`);
    const f = await addFinding(otherShopId, 'licence-missing', '2026-11-13T02:00:00Z');
    await refused('FORBIDDEN', () => raise(f, analyst));
    await refused('FORBIDDEN', () => register(String(id), analyst));
    await refused('FORBIDDEN', () => archive(String(id), '无效', analyst));
    expect(ok(await p.gql(`{ clues(first: 5) { nodes { id } } }`, {}, analyst)).clues.nodes.length).toBeGreaterThan(0);
    expect(ok(await p.gql(`{ clues(first: 5) { nodes { id } } }`, {}, await p.login(`x${fx.county}-leader`))).clues.nodes.length).toBeGreaterThan(0);
  });

  it('overdue clues show per unit and in the list', async () => {
    const token = await p.login(`x${fx.county}-inspector`);
    const f = await addFinding(fx.shopId, 'fake-original-price', '2026-11-13T02:00:00Z');
    const clue = ok(await raise(f, token)).raiseClueFromFinding;
    ok(await register(clue.id, token));
    ok(await assign({ clueId: clue.id }, token));
    const countsQuery = `query($u: ID) { clueCountsByUnit(parentUnitId: $u) { unit { id code } open overdue handled archived } }`;
    const before = ok(await p.gql(countsQuery, { u: String(fx.countyUnitId) }, token)).clueCountsByUnit;
    const stationBefore = before.find((r: any) => r.unit.code === fx.stationCode);
    expect(stationBefore).toMatchObject({ open: 1, overdue: 0, archived: 1 });
    await sql(`update clue set deadline = now() - interval '1 day' where id = ?`, [Number(clue.id)]);
    const after = ok(await p.gql(countsQuery, { u: String(fx.countyUnitId) }, token)).clueCountsByUnit;
    expect(after.find((r: any) => r.unit.code === fx.stationCode)).toMatchObject({ open: 1, overdue: 1 });
    expect(after.filter((r: any) => r.unit.code !== fx.stationCode).every((r: any) => r.overdue === 0)).toBe(true);
    // the station's own view (its unit, no children)
    const station = await p.login(`${fx.stationCode.toLowerCase()}-leader`);
    expect(ok(await p.gql(countsQuery, {}, station)).clueCountsByUnit).toEqual([expect.objectContaining({ unit: { id: String(fx.stationId), code: fx.stationCode }, open: 1, overdue: 1 })]);
    const list = ok(await p.gql(`query($u: ID) { clues(first: 10, filter: { overdue: true, unitId: $u }) { totalCount nodes { id overdue } } }`, { u: String(fx.stationId) }, token)).clues;
    expect(list).toEqual({ totalCount: 1, nodes: [{ id: clue.id, overdue: true }] });
    const notOverdue = ok(await p.gql(`{ clues(first: 100, filter: { overdue: false }) { nodes { id } } }`, {}, token)).clues.nodes;
    expect(notOverdue.map((n: any) => n.id)).not.toContain(clue.id);
    // another county sees nothing of it
    const outsider = await p.login(`x${fx.otherCounty}-inspector`);
    await refused('NOT_FOUND', () => p.gql(countsQuery, { u: String(fx.countyUnitId) }, outsider));
  });
});
