import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaintenanceStatus, OnlineEntity, PlatformShop, ReconciliationConflict, RegistrationStatus, Shop, ShopClassification } from '../entities';
import { makeUscc } from '../services/registry/uscc';
import { runAsSystem } from '../services/system-actor';
import { ok } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let platform: TestPlatform;
let adminToken: string;
let jdKey: string;
let tbKey: string;
/** register shops on 京东 of the demo province, as the spiders found them */
let jdShops: { id: number; url: string; platformShopId: string; regionCode: string; entityUscc: string | null; entityRegion: string | null }[];

const REGISTER = `mutation($input: RegisterPlatformInput!) { registerPlatform(input: $input) { id code name reportDueDay } }`;
const KEY = `mutation($id: ID!, $name: String!) { createPlatformApiKey(platformId: $id, name: $name) { secret apiKey { scopes } } }`;
const REPORT = `mutation($input: PlatformReportInput!) { reportPlatformShops(input: $input) {
  reportId status mode totalRows created updated unchanged absent rejected errorCount replayed warnings errors { row field reason } } }`;
const CONFLICTS = `query($filter: ConflictFilter, $first: Int) { reconciliationConflicts(filter: $filter, first: $first) {
  totalCount nodes { id kind status regionCode details shop { id } platformShop { platformShopId status } } } }`;

/** A valid USCC with a division code (`series`: one letter per test keeps them apart). */
const uscc = (series: string, n: number, division = '370102') => makeUscc(division, `${series}${String(n).padStart(7, '0')}`);

function row(over: Record<string, unknown> = {}) {
  return { platformShopId: 'x', url: 'https://example.invalid/x', name: '店', operatorName: '经营者', status: 'open', ...over };
}

async function upload(key: string, reportId: string, body: Uint8Array | string, contentType: string, query = 'mode=delta') {
  const res = await fetch(`${platform.url}/platform/reports/${reportId}?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body: body as BodyInit,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  platform = await startTestPlatform({ entities: 300, config: { platformReportMaxBytes: 256 * 1024, platformReportMaxRows: 2000 } });
  adminToken = await platform.login('sd-admin');
  const jd = ok(await platform.gql(REGISTER, { input: { code: 'jd', name: '京东', reportDueDay: 10 } }, adminToken)).registerPlatform;
  const tb = ok(await platform.gql(REGISTER, { input: { code: 'taobao', name: '淘宝' } }, adminToken)).registerPlatform;
  const k1 = ok(await platform.gql(KEY, { id: jd.id, name: '京东报送' }, adminToken)).createPlatformApiKey;
  expect(k1.apiKey.scopes).toEqual(['platforms:report']);
  jdKey = k1.secret;
  tbKey = ok(await platform.gql(KEY, { id: tb.id, name: '淘宝报送' }, adminToken)).createPlatformApiKey.secret;
  const shops = await runAsSystem('test', () =>
    platform.db.orm.em.fork().find(
      Shop,
      { platform: '京东', platformShopId: { $ne: null }, classification: ShopClassification.PLATFORM_MERCHANT, maintenanceStatus: MaintenanceStatus.NORMAL },
      { populate: ['entity'], orderBy: { id: 'asc' } },
    ),
  );
  jdShops = shops.map((s) => ({
    id: s.id, url: s.url, platformShopId: s.platformShopId!, regionCode: s.regionCode,
    entityUscc: s.entity?.getEntity().uscc ?? null, entityRegion: s.entity?.getEntity().regionCode ?? null,
  }));
  expect(jdShops.length).toBeGreaterThan(6);
}, 240_000);

afterAll(async () => {
  await platform?.shutdown();
});

describe('platform registration and keys', () => {
  it('only the province issues platform keys; a key reports, nothing else', async () => {
    const county = await platform.login('x370102-admin');
    const r = await platform.gql(REGISTER, { input: { code: 'pdd', name: '拼多多' } }, county);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const dup = await platform.gql(REGISTER, { input: { code: 'jd', name: '京东2' } }, adminToken);
    expect(dup.errors?.[0].message).toMatch(/already registered/);
    const shops = await platform.gql(`{ shops(first: 1) { totalCount } }`, {}, jdKey);
    expect(shops.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const staff = await platform.gql(REPORT, { input: { reportId: 'r1', mode: 'DELTA', shops: [row()] } }, adminToken);
    expect(staff.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('intake through GraphQL', () => {
  it('validates row by row and writes nothing when any row is bad', async () => {
    const good = row({ platformShopId: 'g-1', url: 'https://mall.jd.example/shop/g-1', uscc: uscc('A', 1) });
    const bad = [
      row({ platformShopId: 'g-2', uscc: '91370102MA3C0000X0' }),
      row({ platformShopId: 'g-3', url: 'ftp://x', name: '', status: 'maybe' }),
      row({ platformShopId: 'g-4', status: 'closed' }),
      row({ platformShopId: 'g-5', openedOn: '2026-02-30' }),
      row({ platformShopId: 'g-1', url: 'https://mall.jd.example/shop/dup' }),
      row({ platformShopId: 'g-6', openedOn: '2099-01-01' }),
    ];
    const r = ok(await platform.gql(REPORT, { input: { reportId: 'bad-1', mode: 'DELTA', shops: [good, ...bad] } }, jdKey)).reportPlatformShops;
    expect(r.status).toBe('rejected');
    expect(r.totalRows).toBe(7);
    expect(r.rejected).toBe(6);
    const at = (n: number, field: string) => r.errors.find((e: any) => e.row === n && e.field === field)?.reason;
    expect(at(2, 'uscc')).toMatch(/check/i);
    expect(at(3, 'url')).toMatch(/http/);
    expect(at(3, 'name')).toMatch(/required/);
    expect(at(3, 'status')).toMatch(/not a status/);
    expect(at(4, 'closedOn')).toMatch(/required when the status is closed/);
    expect(at(5, 'openedOn')).toMatch(/not a date/);
    expect(at(6, 'platformShopId')).toMatch(/reported twice \(first in row 1\)/);
    expect(at(7, 'openedOn')).toMatch(/future/);
    const stored = await runAsSystem('test', () => platform.db.orm.em.fork().count(PlatformShop, { platformShopId: 'g-1' }));
    expect(stored).toBe(0);
    // the platform fetches the errors again, also as CSV
    const again = ok(await platform.gql(`{ platformReport(reportId: "bad-1") { status errorCount errors { row field } } }`, {}, jdKey)).platformReport;
    expect(again.errorCount).toBe(r.errors.length);
    const csv = await fetch(`${platform.url}/platform/reports/bad-1/errors.csv`, { headers: { authorization: `Bearer ${jdKey}` } });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 with BOM: Excel opens it right
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFrow,field,reason');
    expect(text).toContain('6,platformShopId,');
    // another platform does not see it
    const other = await platform.gql(`{ platformReport(reportId: "bad-1") { status } }`, {}, tbKey);
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('writes a valid report, is idempotent per report id, refuses the id for other content', async () => {
    const shops = [
      row({ platformShopId: 'h-1', url: 'https://mall.jd.example/shop/h-1', name: '甲店', uscc: uscc('B', 1, '370203') }),
      row({ platformShopId: 'h-2', url: 'https://mall.jd.example/shop/h-2', name: '乙店', status: '已关闭', openedOn: '2025/3/1', closedOn: '20261101' }),
    ];
    const first = ok(await platform.gql(REPORT, { input: { reportId: 'h-delta-1', mode: 'DELTA', shops } }, jdKey)).reportPlatformShops;
    expect(first).toMatchObject({ status: 'committed', created: 2, updated: 0, unchanged: 0, replayed: false });
    const again = ok(await platform.gql(REPORT, { input: { reportId: 'h-delta-1', mode: 'DELTA', shops } }, jdKey)).reportPlatformShops;
    expect(again).toMatchObject({ status: 'committed', created: 2, replayed: true });
    const other = await platform.gql(REPORT, { input: { reportId: 'h-delta-1', mode: 'DELTA', shops: [shops[0]] } }, jdKey);
    expect(other.errors?.[0].extensions?.code).toBe('CONFLICT');
    const stored = await runAsSystem('test', () => platform.db.orm.em.fork().find(PlatformShop, { platformShopId: { $in: ['h-1', 'h-2'] } }, { orderBy: { platformShopId: 'asc' } }));
    expect(stored.map((s) => [s.platformShopId, s.status, s.regionCode, s.openedOn, s.closedOn])).toEqual([
      ['h-1', 'open', '370203', null, null], // the USCC's division code (no registered entity)
      ['h-2', 'closed', '37', '2025-03-01', '2026-11-01'], // no USCC: the province assigns it
    ]);
    // a later report changing one value: one updated, one unchanged
    const next = ok(await platform.gql(REPORT, { input: { reportId: 'h-delta-2', mode: 'DELTA', shops: [{ ...shops[0], name: '甲店（新）' }, shops[1]] } }, jdKey)).reportPlatformShops;
    expect(next).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    // an older report arriving late keeps the newer values
    const late = ok(await platform.gql(REPORT, { input: { reportId: 'h-old', mode: 'DELTA', asOf: '2026-01-01T00:00:00Z', shops: [shops[0]] } }, jdKey)).reportPlatformShops;
    expect(late.warnings.join()).toMatch(/older than what the platform reported later/);
    const h1 = await runAsSystem('test', () => platform.db.orm.em.fork().findOneOrFail(PlatformShop, { platformShopId: 'h-1' }));
    expect(h1.name).toBe('甲店（新）');
  });
});

describe('bulk upload', () => {
  it('takes JSON Lines, CSV (GB18030) and XLSX, with progress and the outcome by report id', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify(row({ platformShopId: `j-${i}`, url: `https://mall.jd.example/shop/j-${i}`, name: `批量店${i}` })));
    const jsonl = await upload(jdKey, 'bulk-jsonl', `${lines.join('\n')}\n`, 'application/x-ndjson');
    expect(jsonl.status).toBe(201);
    expect(jsonl.body).toMatchObject({ format: 'jsonl', status: 'committed', totalRows: 300, created: 300 });
    const replay = await upload(jdKey, 'bulk-jsonl', `${lines.join('\n')}\n`, 'application/x-ndjson');
    expect(replay.status).toBe(200);
    expect(replay.body.replayed).toBe(true);

    const csvText = '平台店铺ID,店铺网址,店铺名称,经营者名称,统一社会信用代码,店铺状态,开店日期\r\n' +
      `c-1,https://mall.jd.example/shop/c-1,济南好物店,济南好物商贸有限公司,${uscc('C', 1)},营业,2024-05-06\r\n`;
    const csv = await upload(jdKey, 'bulk-csv', iconv.encode(csvText, 'gb18030'), 'text/csv');
    expect(csv.status).toBe(201);
    expect(csv.body).toMatchObject({ format: 'csv', created: 1 });
    const c1 = await runAsSystem('test', () => platform.db.orm.em.fork().findOneOrFail(PlatformShop, { platformShopId: 'c-1' }));
    expect([c1.name, c1.operatorName, c1.openedOn]).toEqual(['济南好物店', '济南好物商贸有限公司', '2024-05-06']);

    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('店铺');
    sheet.addRow(['店铺ID', '店铺链接', '店铺名称', '经营者', '状态']);
    sheet.addRow(['x-1', 'https://mall.jd.example/shop/x-1', 'XLSX店', '某经营者', 'open']);
    sheet.addRow(['x-2', 'not a url', 'XLSX店2', '某经营者', 'open']);
    const xlsx = await upload(jdKey, 'bulk-xlsx', Buffer.from(await book.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.status).toBe(422);
    expect(xlsx.body.errors).toEqual([{ row: 3, field: 'url', reason: expect.stringMatching(/not a web address/) }]);
    expect(xlsx.body.errorsUrl).toBe('/platform/reports/bulk-xlsx/errors.csv');

    const outcome = await fetch(`${platform.url}/platform/reports/bulk-jsonl`, { headers: { authorization: `Bearer ${jdKey}` } });
    expect(((await outcome.json()) as any).created).toBe(300);
  });

  it('shows the progress of a report while it streams in, and refuses the same id meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = `${JSON.stringify(row({ platformShopId: 's-1', url: 'https://mall.jd.example/shop/s-1' }))}\n`;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(first));
        await gate;
        controller.enqueue(new TextEncoder().encode(`${JSON.stringify(row({ platformShopId: 's-2', url: 'https://mall.jd.example/shop/s-2' }))}\n`));
        controller.close();
      },
    });
    const pending = fetch(`${platform.url}/platform/reports/slow-1?mode=delta`, {
      method: 'POST', headers: { authorization: `Bearer ${jdKey}`, 'content-type': 'application/x-ndjson' }, body, duplex: 'half',
    } as RequestInit);
    let progress: any;
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${platform.url}/platform/reports/slow-1`, { headers: { authorization: `Bearer ${jdKey}` } });
      if (res.status === 202) {
        progress = await res.json();
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(progress).toMatchObject({ reportId: 'slow-1', status: 'in_progress', phase: 'receiving', bytes: Buffer.byteLength(first) });
    const twice = await upload(jdKey, 'slow-1', first, 'application/x-ndjson');
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0].message).toMatch(/is being received/);
    release();
    const done = await pending;
    expect(done.status).toBe(201);
    expect(((await done.json()) as any).created).toBe(2);
  });

  it('refuses what it cannot take: too large, no key, bad mode, bad lines, a missing column', async () => {
    const big = await upload(jdKey, 'big', Buffer.alloc(300 * 1024, 'a'), 'text/csv');
    expect(big.status).toBe(413);
    const anon = await fetch(`${platform.url}/platform/reports/x?mode=full`, { method: 'POST', body: 'a' });
    expect(anon.status).toBe(401);
    const staff = await upload(adminToken, 'x', 'a', 'text/csv');
    expect(staff.status).toBe(403);
    const mode = await upload(jdKey, 'x', 'a', 'text/csv', 'mode=everything');
    expect(mode.status).toBe(400);
    expect(mode.body.errors[0].message).toMatch(/mode must be full/);
    const id = await upload(jdKey, 'a%20b', 'a', 'text/csv');
    expect(id.status).toBe(400);
    expect(id.body.errors[0].message).toMatch(/reportId must be/);
    const lines = await upload(jdKey, 'lines', `{"platformShopId":"l-1"\n[1]\n${JSON.stringify(row({ platformShopId: 'l-2', evil: '<script>' }))}\n`, 'application/x-ndjson');
    expect(lines.status).toBe(422);
    expect(lines.body.errors.map((e: any) => [e.row, e.reason])).toEqual([
      [1, 'not valid JSON'],
      [2, 'each line must be one JSON object'],
      [3, expect.stringMatching(/unknown field "evil"/)],
    ]);
    const header = await upload(jdKey, 'header', '店铺名称,状态\r\n甲,open\r\n', 'text/csv');
    expect(header.status).toBe(400);
    expect(header.body.errors[0].message).toMatch(/lacks the columns 平台店铺id/);
    const tooMany = Array.from({ length: 2001 }, (_, i) => JSON.stringify(row({ platformShopId: `m-${i}` }))).join('\n');
    const many = await upload(jdKey, 'many', tooMany, 'application/x-ndjson');
    expect(many.status).toBe(400);
    expect(many.body.errors[0].message).toMatch(/more than 2,000 rows/);
  });
});

describe('reconciliation', () => {
  it('finds every kind of conflict, per jurisdiction, resolves and dismisses them', async () => {
    const em = () => platform.db.orm.em.fork();
    const [gone, closed, mismatch, deregistered] = jdShops;
    const unreported = jdShops.slice(4);
    // the spiders found the first one dead; the fourth one's entity is deregistered
    await runAsSystem('test', async () => {
      await em().nativeUpdate(Shop, { id: gone.id }, { maintenanceStatus: MaintenanceStatus.LINK_DEAD });
      const d = await em().findOneOrFail(Shop, { id: deregistered.id }, { populate: ['entity'] });
      await em().nativeUpdate(OnlineEntity, { id: d.entity!.id }, { registrationStatus: RegistrationStatus.CANCELLED });
    });
    const reported = [
      row({ platformShopId: gone.platformShopId, url: gone.url, uscc: gone.entityUscc }),
      row({ platformShopId: closed.platformShopId, url: closed.url, status: 'closed', closedOn: '2026-01-01', uscc: closed.entityUscc }),
      row({ platformShopId: mismatch.platformShopId, url: mismatch.url, uscc: uscc('D', 9, '370102') }),
      row({ platformShopId: deregistered.platformShopId, url: deregistered.url, uscc: deregistered.entityUscc }),
      row({ platformShopId: 'ghost-1', url: 'https://mall.jd.example/shop/ghost-1', uscc: uscc('E', 1, '370102') }),
    ];
    const before = await runAsSystem('test', () =>
      em().count(PlatformShop, { platform: { code: 'jd' }, absentSince: null, platformShopId: { $nin: reported.map((x) => x.platformShopId) } }),
    );
    const r = ok(await platform.gql(REPORT, { input: { reportId: 'full-2026-11', mode: 'FULL', shops: reported } }, jdKey)).reportPlatformShops;
    expect(r.status).toBe('committed');
    expect(r.absent).toBe(before); // the earlier delta rows this full report no longer names

    const all = ok(await platform.gql(CONFLICTS, { first: 100 }, adminToken)).reconciliationConflicts;
    const of = (kind: string) => all.nodes.filter((n: any) => n.kind === kind);
    expect(of('OPEN_BUT_GONE').map((n: any) => Number(n.shop.id))).toEqual([gone.id]);
    expect(of('USCC_MISMATCH').map((n: any) => Number(n.shop.id))).toEqual([mismatch.id]);
    expect(of('USCC_MISMATCH')[0].details).toMatchObject({ reportedUscc: uscc('D', 9, '370102'), registerUscc: mismatch.entityUscc });
    expect(of('DEREGISTERED_STILL_OPEN').map((n: any) => Number(n.shop.id))).toContain(deregistered.id);
    expect(of('UNKNOWN_TO_CRAWL').map((n: any) => n.platformShop.platformShopId)).toEqual(['ghost-1']);
    expect(of('UNKNOWN_TO_CRAWL')[0].regionCode).toBe('370102');
    const unreportedList = ok(await platform.gql(CONFLICTS, { filter: { kind: ['UNREPORTED'] }, first: 100 }, adminToken)).reconciliationConflicts;
    // every shop the spiders found on 京东 that the full report does not name (not dead, not outside)
    const expected = await runAsSystem('test', () =>
      em().count(Shop, {
        platform: '京东', classification: ShopClassification.PLATFORM_MERCHANT,
        maintenanceStatus: { $nin: [MaintenanceStatus.LINK_DEAD, MaintenanceStatus.NOT_IN_JURISDICTION] }, id: { $nin: [gone.id, closed.id, mismatch.id, deregistered.id] },
      }),
    );
    expect(unreportedList.totalCount).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(unreported.length);
    const reportedIds = new Set([gone.id, closed.id, mismatch.id, deregistered.id]);
    expect(unreportedList.nodes.every((n: any) => !reportedIds.has(Number(n.shop.id)) && n.details.platform === '京东')).toBe(true);
    // a county sees only its own
    const county = await platform.login('x370102-inspector');
    const mine = ok(await platform.gql(CONFLICTS, { first: 100 }, county)).reconciliationConflicts;
    expect(mine.nodes.length).toBeGreaterThan(0);
    expect(mine.nodes.every((n: any) => n.regionCode.startsWith('370102'))).toBe(true);
    expect(mine.totalCount).toBeLessThan(all.totalCount);
    // the counts per kind: the province's, a county's, a region below
    const counts = async (token: string, region?: string) =>
      Object.fromEntries(ok(await platform.gql(`query($r: String) { conflictCounts(regionCode: $r) { kind open } }`, { r: region ?? null }, token)).conflictCounts.map((c: any) => [c.kind, c.open]));
    const province = await counts(adminToken);
    expect(Object.values(province).reduce((a: number, b) => a + (b as number), 0)).toBe(all.totalCount);
    expect(province.UNKNOWN_TO_CRAWL).toBe(of('UNKNOWN_TO_CRAWL').length);
    expect(Object.values(await counts(county)).reduce((a: number, b) => a + (b as number), 0)).toBe(mine.totalCount);
    expect(await counts(adminToken, '370102')).toEqual(await counts(county));
    expect((await platform.gql(`{ conflictCounts(regionCode: "37%") { open } }`, {}, adminToken)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    // dismissed: stays so on the next run; resolved when the sources agree again
    const ghost = of('UNKNOWN_TO_CRAWL')[0];
    const dismissed = ok(await platform.gql(`mutation($id: ID!) { dismissConflict(id: $id, reason: "平台测试店铺，已核实") { status reviewedBy reviewNote } }`, { id: ghost.id }, county)).dismissConflict;
    expect(dismissed).toMatchObject({ status: 'DISMISSED', reviewedBy: 'x370102-inspector' });
    await runAsSystem('test', () => em().nativeUpdate(Shop, { id: gone.id }, { maintenanceStatus: MaintenanceStatus.NORMAL }));
    const summary = ok(await platform.gql(`mutation { reconcileRegister { opened resolved found } }`, {}, adminToken)).reconcileRegister;
    expect(summary.resolved).toBe(1);
    const states = await runAsSystem('test', () => em().find(ReconciliationConflict, { id: { $in: [Number(ghost.id), Number(of('OPEN_BUT_GONE')[0].id)] } }, { orderBy: { id: 'asc' } }));
    expect(Object.fromEntries(states.map((s) => [s.kind, s.status]))).toEqual({ unknown_to_crawl: 'dismissed', open_but_gone: 'resolved' });

    // a clue from a conflict about a shop of the register
    const m = of('USCC_MISMATCH')[0];
    const raised = ok(await platform.gql(`mutation($id: ID!) { raiseClueFromConflict(id: $id, note: "核查亮照") { status clueId } }`, { id: m.id }, adminToken)).raiseClueFromConflict;
    expect(raised.status).toBe('CLUE_RAISED');
    const clue = ok(await platform.gql(`query($id: ID!) { clue(id: $id) { source title shop { id } } }`, { id: raised.clueId }, adminToken)).clue;
    expect(clue).toMatchObject({ source: 'RECONCILIATION', title: '平台报送信用代码与亮照/登记不一致', shop: { id: String(mismatch.id) } });

    // where each fact came from: the platform's report, a station's maintenance by hand, the register
    ok(await platform.gql(`mutation($id: ID!) { maintainShop(input: { shopId: $id, action: INFO_MISMATCH, note: "亮照与平台报送不一致" }) { id } }`, { id: String(mismatch.id) }, adminToken));
    const sources = ok(await platform.gql(`query($id: ID!) { shop(id: $id) { sources { field value source reference } } }`, { id: String(mismatch.id) }, adminToken)).shop.sources;
    expect(sources).toContainEqual(expect.objectContaining({ field: 'uscc', value: uscc('D', 9, '370102'), source: 'PLATFORM_REPORT', reference: '京东 · full-2026-11' }));
    expect(sources).toContainEqual(expect.objectContaining({ field: 'maintenanceStatus', value: 'info_mismatch', source: 'MANUAL', reference: 'maintainShop · sd-admin' }));
    expect(sources).toContainEqual(expect.objectContaining({ field: 'url', value: mismatch.url, source: 'SYSTEM' }));
  });

  it('reports each platform\'s timeliness and completeness of a month', async () => {
    const now = new Date(Date.now() + 8 * 3600_000);
    const month = now.toISOString().slice(0, 7);
    const stats = ok(await platform.gql(`query($m: String!) { platformReportingStats(month: $m) { platform { code } reports rejectedReports reportedShops crawledShops crawledAndReported completeness fullReportAt onTime dueOn } }`, { m: month }, adminToken)).platformReportingStats;
    const jd = stats.find((s: any) => s.platform.code === 'jd');
    const crawled = await runAsSystem('test', () =>
      platform.db.orm.em.fork().count(Shop, { platform: '京东', classification: 'platform_merchant' as never, maintenanceStatus: { $nin: ['link_dead', 'not_in_jurisdiction'] as never[] } }),
    );
    expect(jd.crawledShops).toBe(crawled);
    expect(jd.crawledAndReported).toBe(4);
    expect(jd.completeness).toBeCloseTo((4 / crawled) * 100, 0);
    expect(jd.fullReportAt).not.toBeNull();
    expect(jd.onTime).toBe(true);
    expect(jd.rejectedReports).toBeGreaterThanOrEqual(3);
    const tb = stats.find((s: any) => s.platform.code === 'taobao');
    expect(tb).toMatchObject({ reports: 0, fullReportAt: null, onTime: false });
  });
});
