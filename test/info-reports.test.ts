/**
 * Information reports (信息报送审核) through GraphQL on a small demo province: a station drafts a report,
 * submits it to its county, the county forwards it to the city, the city returns it with comments, the
 * station revises (version 2 beside version 1) and resubmits to the city, which approves — every step an
 * event with version, comment, actor and unit; illegal steps and wrong units refused with nothing
 * written; siblings and other counties see nothing; counts per unit against an independent count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;

const { sql, refused } = workflowChecks(() => p, 'info reports test', ['info_report', 'info_report_version', 'info_report_event', 'audit_entry']);

interface U {
  id: number;
  code: string;
  path: string;
  jurisdiction: string[];
}
let station: U;
let sibling: U;
let county: U;
let otherCounty: U;
let city: U;

const login = (u: U, role: string) => {
  if (u.path.split('/').filter(Boolean).length === 4) return p.login(`${u.code.toLowerCase()}-${role}`);
  if (u.code.length === 6) return p.login(`x${u.code}-${role}`);
  if (u.code.length === 4) return p.login(`c${u.code}-${role}`);
  return p.login(`sd-${role}`);
};

const FIELDS = `id kind status title body version regionCode periodStart periodEnd dueOn overdue submittedAt approvedAt
  authorUnit { id } reviewerUnit { id } approvedByUnit { id } attachments { sha256 fileName mediaType sizeBytes }
  versions { version title body attachments { fileName } }
  events { action fromStatus toStatus version comment actorName actorUnitId }`;

const TXT = Buffer.from('一季度网络市场监管工作信息\n').toString('base64');

const draft = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: DraftInfoReportInput!) { draftInfoReport(input: $i) { ${FIELDS} } }`, { i: input }, token);
const revise = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: ReviseInfoReportInput!) { reviseInfoReport(input: $i) { ${FIELDS} } }`, { i: input }, token);
const submit = (id: string, token: string, note?: string) => p.gql(`mutation($id: ID!, $n: String) { submitInfoReport(id: $id, note: $n) { ${FIELDS} } }`, { id, n: note }, token);
const forward = (id: string, token: string, comment?: string) => p.gql(`mutation($id: ID!, $c: String) { forwardInfoReport(id: $id, comment: $c) { ${FIELDS} } }`, { id, c: comment }, token);
const approve = (id: string, token: string, comment?: string) => p.gql(`mutation($id: ID!, $c: String) { approveInfoReport(id: $id, comment: $c) { ${FIELDS} } }`, { id, c: comment }, token);
const sendBack = (id: string, comment: string, token: string) => p.gql(`mutation($id: ID!, $c: String!) { returnInfoReport(id: $id, comment: $c) { ${FIELDS} } }`, { id, c: comment }, token);
const read = (id: string, token: string) => p.gql(`query($id: ID!) { infoReport(id: $id) { ${FIELDS} } }`, { id }, token);

/** a due day a month ahead: the main report is submitted in time */
const DUE = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

const BASE = { kind: 'WORK_INFO', title: '一季度网络交易监管工作信息', body: '第一版正文', periodStart: '2026-01-01', periodEnd: '2026-03-31' };

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20 });
  // a county with two stations, in a city with another county that has stations
  const [row] = await sql<{ county: string; city: string }>(
    `select c.code as county, ci.code as city from unit c join unit ci on ci.id = c.parent_id
     where c.level = 'county' and (select count(*) from unit s where s.parent_id = c.id) >= 2
       and (select count(*) from unit o where o.parent_id = ci.id and o.id <> c.id and exists (select 1 from unit s2 where s2.parent_id = o.id)) >= 1
     order by c.code limit 1`,
  );
  const unit = async (where: string, params: unknown[]) => (await sql<U>(`select id, code, path, jurisdiction from unit where ${where} order by code limit 1`, params))[0];
  county = await unit('code = ?', [row.county]);
  city = await unit('code = ?', [row.city]);
  station = await unit('parent_id = ?', [county.id]);
  sibling = await unit('parent_id = ? and id <> ?', [county.id, station.id]);
  otherCounty = await unit(`parent_id = ? and id <> ? and exists (select 1 from unit s where s.parent_id = unit.id)`, [city.id, county.id]);
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('information reports', () => {
  let id: string;

  it('a station drafts a report: version 1, a drafted event, its own region', async () => {
    const token = await login(station, 'inspector');
    await refused('BAD_USER_INPUT', () => draft({ ...BASE, periodEnd: '2025-12-31' }, token), /periodEnd: 2025-12-31 lies before periodStart/);
    await refused('BAD_USER_INPUT', () => draft({ ...BASE, title: '  ' }, token), /title/);
    await refused('BAD_USER_INPUT', () => draft({ ...BASE, attachments: [{ fileName: 'a.exe', contentBase64: TXT }] }, token), /attachments\[0\]: fileName: extension/);
    await refused('BAD_USER_INPUT', () => draft({ ...BASE, attachments: Array.from({ length: 11 }, (_, i) => ({ fileName: `${i}.txt`, contentBase64: TXT })) }, token), /no more than 10/);
    const report = ok(await draft({ ...BASE, dueOn: DUE, attachments: [{ fileName: '工作信息.txt', contentBase64: TXT }] }, token)).draftInfoReport;
    id = report.id;
    expect(report).toMatchObject({
      status: 'DRAFT', overdue: false, dueOn: DUE, version: 1, regionCode: station.jurisdiction[0], authorUnit: { id: String(station.id) }, reviewerUnit: null,
      body: '第一版正文', submittedAt: null, attachments: [{ fileName: '工作信息.txt', mediaType: 'text/plain; charset=utf-8' }],
    });
    expect(report.versions).toEqual([{ version: 1, title: BASE.title, body: '第一版正文', attachments: [{ fileName: '工作信息.txt' }] }]);
    expect(report.events).toEqual([expect.objectContaining({ action: 'DRAFTED', fromStatus: null, toStatus: 'DRAFT', version: 1, actorUnitId: String(station.id) })]);
  });

  it('a draft is edited in place; illegal steps and wrong units are refused with nothing written', async () => {
    const token = await login(station, 'inspector');
    const edited = ok(await revise({ id, body: '第一版正文（修改）' }, token)).reviseInfoReport;
    expect(edited.versions).toEqual([expect.objectContaining({ version: 1, body: '第一版正文（修改）' })]);
    const countyLeader = await login(county, 'leader');
    await refused('BAD_USER_INPUT', () => approve(id, countyLeader), /is draft: approveInfoReport is not allowed; allowed: reviseInfoReport, submitInfoReport/);
    await refused('BAD_USER_INPUT', () => forward(id, countyLeader), /is draft: forwardInfoReport is not allowed/);
    // the county sees the draft but it is not the county's report
    await refused('FORBIDDEN', () => submit(id, countyLeader), /only its author unit may submit/);
    await refused('FORBIDDEN', () => revise({ id, title: '县局改标题' }, countyLeader), /only its author unit may revise/);
    // a sibling station and another county do not see it at all
    const siblingToken = await login(sibling, 'inspector');
    await refused('NOT_FOUND', () => revise({ id, title: 'x' }, siblingToken));
    await refused('NOT_FOUND', () => submit(id, siblingToken));
    expect((await read(id, siblingToken)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await read(id, await login(otherCounty, 'leader'))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // an inspector may not review (permission)
    await refused('FORBIDDEN', () => approve(id, token));
  });

  it('goes up two levels, is returned, revised (version 2 beside version 1), resubmitted to the city and approved', async () => {
    const stationToken = await login(station, 'inspector');
    const countyLeader = await login(county, 'leader');
    const cityLeader = await login(city, 'leader');

    const submitted = ok(await submit(id, stationToken, '请审核')).submitInfoReport;
    expect(submitted).toMatchObject({ status: 'SUBMITTED', reviewerUnit: { id: String(county.id) } });
    expect(submitted.submittedAt).not.toBeNull();
    // the city sees it but it is the county's turn
    await refused('FORBIDDEN', () => approve(id, cityLeader), /is with .* for review: it is not your unit's turn/);
    await refused('BAD_USER_INPUT', () => revise({ id, body: '提交后改' }, stationToken), /is submitted: reviseInfoReport is not allowed; allowed: forwardInfoReport, approveInfoReport, returnInfoReport/);
    const otherLeader = await login(otherCounty, 'leader');
    await refused('NOT_FOUND', () => approve(id, otherLeader));
    // the county's review queue holds it
    const queue = ok(await p.gql(`query($u: ID!) { infoReports(filter: { reviewerUnitId: $u }) { nodes { id } } }`, { u: String(county.id) }, countyLeader)).infoReports;
    expect(queue.nodes).toEqual([{ id }]);

    const forwarded = ok(await forward(id, countyLeader, '同意，报市局')).forwardInfoReport;
    expect(forwarded).toMatchObject({ status: 'SUBMITTED', reviewerUnit: { id: String(city.id) } });
    await refused('FORBIDDEN', () => approve(id, countyLeader), /not your unit's turn/);
    await refused('BAD_USER_INPUT', () => sendBack(id, '   ', cityLeader), /comment/);

    const returned = ok(await sendBack(id, '数据口径不一致，请补充第二季度对比', cityLeader)).returnInfoReport;
    expect(returned).toMatchObject({ status: 'RETURNED', reviewerUnit: null });
    await refused('BAD_USER_INPUT', () => approve(id, cityLeader), /is returned: approveInfoReport is not allowed; allowed: reviseInfoReport, submitInfoReport/);

    const v2 = ok(await revise({ id, body: '第二版正文', attachments: [{ fileName: '补充.csv', contentBase64: Buffer.from('指标,数值\n网店,12\n').toString('base64') }] }, stationToken)).reviseInfoReport;
    expect(v2.version).toBe(2);
    expect(v2.versions).toEqual([
      { version: 1, title: BASE.title, body: '第一版正文（修改）', attachments: [{ fileName: '工作信息.txt' }] },
      { version: 2, title: BASE.title, body: '第二版正文', attachments: [{ fileName: '补充.csv' }] },
    ]);
    // a second revision before resubmitting edits version 2, not a third
    const v2b = ok(await revise({ id, title: '一季度网络交易监管工作信息（修订）' }, stationToken)).reviseInfoReport;
    expect(v2b.versions.map((v: any) => [v.version, v.title])).toEqual([[1, BASE.title], [2, '一季度网络交易监管工作信息（修订）']]);
    expect(v2b.title).toBe('一季度网络交易监管工作信息（修订）');

    const resubmitted = ok(await submit(id, stationToken, '已按意见修改')).submitInfoReport;
    expect(resubmitted).toMatchObject({ status: 'SUBMITTED', reviewerUnit: { id: String(city.id) } });
    await refused('FORBIDDEN', () => approve(id, countyLeader), /not your unit's turn/);
    const approved = ok(await approve(id, cityLeader, '同意')).approveInfoReport;
    expect(approved).toMatchObject({ status: 'APPROVED', reviewerUnit: null, approvedByUnit: { id: String(city.id) }, version: 2, attachments: [{ fileName: '补充.csv' }] });
    await refused('BAD_USER_INPUT', () => approve(id, cityLeader), /is approved: approveInfoReport is not allowed; allowed: none \(approved\)/);
    await refused('BAD_USER_INPUT', () => submit(id, stationToken), /is approved/);

    const s = String(station.id);
    const c = String(county.id);
    const ci = String(city.id);
    expect(approved.events.map((e: any) => [e.action, e.fromStatus, e.toStatus, e.version, e.comment, e.actorUnitId])).toEqual([
      ['DRAFTED', null, 'DRAFT', 1, null, s],
      ['REVISED', 'DRAFT', 'DRAFT', 1, null, s],
      ['SUBMITTED', 'DRAFT', 'SUBMITTED', 1, '请审核', s],
      ['FORWARDED', 'SUBMITTED', 'SUBMITTED', 1, '同意，报市局', c],
      ['RETURNED', 'SUBMITTED', 'RETURNED', 1, '数据口径不一致，请补充第二季度对比', ci],
      ['REVISED', 'RETURNED', 'RETURNED', 2, null, s],
      ['REVISED', 'RETURNED', 'RETURNED', 2, null, s],
      ['SUBMITTED', 'RETURNED', 'SUBMITTED', 2, '已按意见修改', s],
      ['APPROVED', 'SUBMITTED', 'APPROVED', 2, '同意', ci],
    ]);
    // the database holds exactly that: two versions, nine events, the report audited at every step
    const [db] = await sql<{ versions: number; events: number; audits: number }>(
      `select (select count(*)::int from info_report_version where report_id = ?) as versions,
              (select count(*)::int from info_report_event where report_id = ?) as events,
              (select count(*)::int from audit_entry where entity_type = 'InfoReport' and entity_id = ?) as audits`,
      [Number(id), Number(id), id],
    );
    expect(db).toEqual({ versions: 2, events: 9, audits: 9 });
    // the station's own staff and the province see it; the sibling station still does not
    expect(ok(await read(id, await login(station, 'leader'))).infoReport.status).toBe('APPROVED');
    expect(ok(await p.gql(`query($id: ID!) { infoReport(id: $id) { id } }`, { id }, await p.login('sd-analyst'))).infoReport.id).toBe(id);
    expect((await read(id, await login(sibling, 'leader'))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // the attachment of version 1 is still readable by the county, not by the sibling station
    const sha = (await sql<{ sha: string }>(`select attachments->0->>'sha256' as sha from info_report_version where report_id = ? and version = 1`, [Number(id)]))[0].sha;
    const get = (token: string) => fetch(`${p.url}/files/${sha}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(countyLeader)).status).toBe(200);
    expect((await get(await login(sibling, 'inspector'))).status).toBe(404);
  });

  it('the province has no superior to submit to or forward to', async () => {
    const token = await p.login('sd-leader');
    const own = ok(await draft({ ...BASE, kind: 'STATISTICS', title: '全省统计' }, token)).draftInfoReport;
    await refused('BAD_USER_INPUT', () => submit(own.id, token), /has no superior unit to submit a report to/);
    // a report forwarded up to the province can only be approved or returned there
    const s2 = await login(sibling, 'inspector');
    const r = ok(await draft({ ...BASE, kind: 'CASE_REPORT', title: '案件报送', dueOn: '2026-01-05' }, s2)).draftInfoReport;
    ok(await submit(r.id, s2));
    ok(await forward(r.id, await login(county, 'leader')));
    ok(await forward(r.id, await login(city, 'leader')));
    await refused('BAD_USER_INPUT', () => forward(r.id, token), /has no superior unit to forward the report to/);
    const done = ok(await approve(r.id, token)).approveInfoReport;
    expect(done).toMatchObject({ status: 'APPROVED', approvedByUnit: { id: expect.any(String) }, overdue: true });
  });

  it('filters and counts per unit agree with an independent count', async () => {
    // more reports: an overdue draft, a pending one, one outside the period
    const s1 = await login(station, 'inspector');
    ok(await draft({ ...BASE, title: '逾期未报', dueOn: '2026-01-10' }, s1));
    const pending = ok(await draft({ ...BASE, title: '待审' }, s1)).draftInfoReport;
    ok(await submit(pending.id, s1));
    ok(await draft({ ...BASE, title: '往年', periodStart: '2025-01-01', periodEnd: '2025-03-31' }, s1));
    const cityLeader = await login(city, 'leader');
    const counts = ok(await p.gql(
      `query($u: ID!) { infoReportCountsByUnit(parentUnitId: $u, from: "2026-01-01", to: "2026-06-30") { unit { id } drafted submitted approved returned pending overdue approvedOnTime } }`,
      { u: String(county.id) }, cityLeader,
    )).infoReportCountsByUnit;
    // independent: every report row with its author's path, counted here
    const rows = await sql<{ path: string; status: string; submitted_at: Date | null; due_on: string | null; returned: boolean; period_start: string; period_end: string }>(
      `select a.path, r.status, r.submitted_at, to_char(r.due_on, 'YYYY-MM-DD') as due_on, to_char(r.period_start, 'YYYY-MM-DD') as period_start, to_char(r.period_end, 'YYYY-MM-DD') as period_end,
              exists (select 1 from info_report_event e where e.report_id = r.id and e.action = 'returned') as returned
       from info_report r join unit a on a.id = r.author_unit_id`,
    );
    const children = await sql<{ id: number; path: string }>(`select id, path from unit where parent_id = ? order by code`, [county.id]);
    const late = (r: (typeof rows)[number]) =>
      r.due_on != null && (r.submitted_at ? new Date(r.submitted_at).getTime() : Date.now()) > new Date(`${r.due_on}T23:59:59.999+08:00`).getTime();
    const expected = children.map((u) => {
      const mine = rows.filter((r) => r.path.startsWith(u.path) && r.period_end >= '2026-01-01' && r.period_start <= '2026-06-30');
      return {
        unit: { id: String(u.id) },
        drafted: mine.length,
        submitted: mine.filter((r) => r.submitted_at != null).length,
        approved: mine.filter((r) => r.status === 'approved').length,
        returned: mine.filter((r) => r.returned).length,
        pending: mine.filter((r) => r.status === 'submitted').length,
        overdue: mine.filter(late).length,
        approvedOnTime: mine.filter((r) => r.status === 'approved' && !late(r)).length,
      };
    });
    expect(counts).toEqual(expected);
    const mine = counts.find((c: any) => c.unit.id === String(station.id));
    expect(mine).toEqual({ unit: { id: String(station.id) }, drafted: 3, submitted: 2, approved: 1, returned: 1, pending: 1, overdue: 1, approvedOnTime: 1 });
    expect(counts.find((c: any) => c.unit.id === String(sibling.id))).toMatchObject({ drafted: 1, approved: 1, overdue: 1, approvedOnTime: 0 });
    // the sibling station may not count the county's units
    const refusedCount = await p.gql(`query($u: ID!) { infoReportCountsByUnit(parentUnitId: $u, from: "2026-01-01", to: "2026-06-30") { drafted } }`, { u: String(county.id) }, await login(sibling, 'inspector'));
    expect(refusedCount.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // filters: overdue, statuses, author subtree, period
    const list = async (filter: Record<string, unknown>, token = cityLeader) =>
      ok(await p.gql(`query($f: InfoReportFilter) { infoReports(filter: $f, first: 100) { totalCount nodes { title } } }`, { f: filter }, token)).infoReports;
    expect((await list({ overdue: true, authorUnitId: String(county.id) })).nodes.map((n: any) => n.title).sort()).toEqual(['案件报送', '逾期未报']);
    expect((await list({ statuses: ['SUBMITTED'], authorUnitId: String(station.id) })).nodes).toEqual([{ title: '待审' }]);
    expect((await list({ periodTo: '2025-12-31', authorUnitId: String(county.id) })).nodes).toEqual([{ title: '往年' }]);
    expect((await list({}, s1)).totalCount).toBe(4);
    expect((await list({}, await login(otherCounty, 'leader'))).totalCount).toBe(0);
  });
});
