/**
 * Complaints and reports (投诉举报) on a small demo province: staff intake → accept → mediate → resolve →
 * close with deadlines on working days; the public form (no login) answers a receipt only and the
 * complaint lands at the unit holding the shop; rate limit per address; bad input refused with nothing
 * written; unmatched addresses create unfiled shops; personal data full for the handling unit and the units
 * above it, masked for everyone else and in every export; counts per unit against an independent SQL
 * count; other jurisdictions and roles refused.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, chinaDay, isWorkingDay, workingDaysIn } from '../services/calendar/working-days';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;

const { sql, fingerprint, refused } = workflowChecks(() => p, 'complaints test', ['complaint', 'complaint_event', 'shop', 'shop_event', 'clue', 'audit_entry']);

const FIELDS = `id number kind channel status regionCode acceptanceDueOn decidedAt resolutionDueOn result amountRecovered feedback
  acceptanceOverdue acceptedOnTime createdBy receivedAt assignedUnit { id code } shop { id } clue { id source }
  complainant { name phone email masked } attachments { sha256 fileName mediaType sizeBytes }
  events { action fromStatus toStatus note actorName at }`;

const submit = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { ${FIELDS} } }`, { i: input }, token);
const accept = (id: string, token: string) => p.gql(`mutation($id: ID!) { acceptComplaint(id: $id, note: "符合受理条件") { ${FIELDS} } }`, { id }, token);
const reject = (id: string, reason: string, token: string) => p.gql(`mutation($id: ID!, $r: String!) { rejectComplaint(id: $id, reason: $r) { ${FIELDS} } }`, { id, r: reason }, token);
const mediate = (id: string, token: string) => p.gql(`mutation($id: ID!) { startComplaintMediation(id: $id, note: "电话联系双方") { ${FIELDS} } }`, { id }, token);
const resolve = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: ResolveComplaintInput!) { resolveComplaint(input: $i) { ${FIELDS} } }`, { i: input }, token);
const close = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: CloseComplaintInput!) { closeComplaint(input: $i) { ${FIELDS} } }`, { i: input }, token);
const raiseClue = (id: string, token: string) => p.gql(`mutation($id: ID!) { raiseClueFromComplaint(id: $id, note: "涉嫌违法") { ${FIELDS} } }`, { id }, token);
const reassign = (id: string, unitId: string | number, token: string) =>
  p.gql(`mutation($id: ID!, $u: ID!) { reassignComplaint(id: $id, unitId: $u, reason: "涉及多个所，由县局办理") { ${FIELDS} } }`, { id, u: String(unitId) }, token);
const read = (id: string, token: string) => p.gql(`query($id: ID!) { complaint(id: $id) { ${FIELDS} } }`, { id }, token);

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}/public/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body for the test')]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 1)]);

interface Fixture {
  shopId: number;
  shopUrl: string;
  region: string;
  county: string;
  city: string;
  countyUnitId: number;
  stationId: number;
  stationCode: string;
  siblingCode: string;
  otherCounty: string;
  otherCountyUnitId: number;
}
let fx: Fixture;
let apiKey: string;

const COMPLAINANT = { name: '王小明', phone: '13812345678', email: 'wangxm@example.cn' };
const MASKED = { name: '王**', phone: '138****5678', email: 'w***@example.cn', masked: true };
const FULL = { ...COMPLAINANT, masked: false };

function publicBody(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'complaint',
    complainant: COMPLAINANT,
    shopUrl: fx.shopUrl,
    shopName: '某网店',
    regionCode: fx.county,
    order: { orderNumber: 'A-1001', orderDate: '2026-11-01', productName: '蓝牙耳机', amountPaid: '199.00' },
    title: '收到商品与描述不符',
    description: '收到后发现与页面描述不符，商家拒绝退货。',
    attachments: [{ fileName: '截图.png', contentBase64: PNG.toString('base64') }],
    ...overrides,
  };
}

/** The same address written the way a consumer might: upper-case host, www., a fragment, a trailing slash. */
function variantOf(url: string): string {
  const u = new URL(url);
  const path = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
  return `${u.protocol.toUpperCase()}//WWW.${u.host.toUpperCase()}${path}${u.search}#reviews`;
}

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20, config: { publicComplaintsPerHour: 50 } });
  const [shop] = await sql<{ id: number; url: string; region_code: string; unit_id: number; code: string }>(
    `select s.id, s.url, s.region_code, u.id as unit_id, u.code from shop s join unit u on u.id = s.responsible_unit_id
     where u.level = 'station' and s.watch_url is null
       and exists (select 1 from unit sib where sib.parent_id = u.parent_id and sib.id <> u.id)
     order by s.id limit 1`,
  );
  const county = shop.region_code.slice(0, 6);
  const [countyUnit] = await sql<{ id: number }>(`select id from unit where code = ?`, [county]);
  const [sibling] = await sql<{ code: string }>(`select code from unit where parent_id = ? and id <> ? order by code limit 1`, [countyUnit.id, shop.unit_id]);
  const [other] = await sql<{ id: number; code: string }>(`select id, code from unit where level = 'county' and code <> ? and code not like ? order by code limit 1`, [county, `${county.slice(0, 4)}%`]);
  fx = {
    shopId: shop.id,
    shopUrl: shop.url,
    region: shop.region_code,
    county,
    city: county.slice(0, 4),
    countyUnitId: countyUnit.id,
    stationId: shop.unit_id,
    stationCode: shop.code,
    siblingCode: sibling.code,
    otherCounty: other.code,
    otherCountyUnitId: other.id,
  };
  const [province] = await sql<{ id: number }>(`select id from unit where code = '37'`);
  const key = ok(
    await p.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { unitId: String(province.id), scopes: ['complaints:read', 'complaints:handle'], name: '12315 forwarder' } }, await p.login('sd-admin')),
  );
  apiKey = key.createApiKey.secret;
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
});

const station = () => `${fx.stationCode.toLowerCase()}-inspector`;

describe('complaints', () => {
  it('staff intake → accept → mediate → resolve → close, deadlines on working days, every step an event', async () => {
    const token = await p.login(station());
    const c = ok(await submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: '付款后未发货', description: '电话投诉：付款后十天未发货。', order: { amountPaid: '88.5', orderDate: '2026-09-20' }, receivedAt: '2026-09-30T02:00:00Z' }, token)).submitComplaint;
    expect(c.number).toMatch(/^TS20260930\d{6}$/);
    expect(c).toMatchObject({ kind: 'COMPLAINT', channel: 'STAFF', status: 'RECEIVED', regionCode: fx.region, acceptanceDueOn: '2026-10-15', acceptanceOverdue: true, acceptedOnTime: null, assignedUnit: { id: String(fx.stationId) }, shop: { id: String(fx.shopId) }, complainant: FULL, createdBy: station() });
    expect(c.events).toEqual([expect.objectContaining({ action: 'RECEIVED', fromStatus: null, toStatus: 'RECEIVED', actorName: station() })]);
    const [row] = await sql<{ amount_paid: string }>(`select amount_paid::text from complaint where id = ?`, [c.id]);
    expect(row.amount_paid).toBe('88.50');

    await refused('BAD_USER_INPUT', () => resolve({ id: c.id, result: 'AGREEMENT' }, token), /is received: resolveComplaint is not allowed; allowed: acceptComplaint, rejectComplaint, reassignComplaint/);
    await refused('BAD_USER_INPUT', () => close({ id: c.id, feedback: 'SATISFIED' }, token), /is received: closeComplaint is not allowed/);
    await refused('BAD_USER_INPUT', () => raiseClue(c.id, token), /is received: raiseClueFromComplaint is not allowed/);
    await refused('BAD_USER_INPUT', () => reject(c.id, '   ', token), /reason/);

    const accepted = ok(await accept(c.id, token)).acceptComplaint;
    const decidedDay = chinaDay(new Date(accepted.decidedAt));
    expect(accepted).toMatchObject({ status: 'ACCEPTED', acceptanceOverdue: false, acceptedOnTime: false, resolutionDueOn: addWorkingDays(decidedDay, 45) });
    expect(isWorkingDay(accepted.resolutionDueOn)).toBe(true);
    expect(workingDaysIn(decidedDay, accepted.resolutionDueOn).filter((d) => d > decidedDay)).toHaveLength(45);
    await refused('BAD_USER_INPUT', () => accept(c.id, token), /is accepted: acceptComplaint is not allowed; allowed: startComplaintMediation, resolveComplaint, raiseClueFromComplaint, reassignComplaint/);

    ok(await mediate(c.id, token));
    await refused('BAD_USER_INPUT', () => resolve({ id: c.id, result: 'REPORT_HANDLED' }, token), /report_handled is for reports/);
    await refused('BAD_USER_INPUT', () => resolve({ id: c.id, result: 'AGREEMENT', amountRecovered: '-5' }, token), /amountRecovered/);
    await refused('BAD_USER_INPUT', () => resolve({ id: c.id, result: 'AGREEMENT', amountRecovered: '1.234' }, token), /amountRecovered/);
    const resolved = ok(await resolve({ id: c.id, result: 'AGREEMENT', amountRecovered: '88.5', note: '商家同意退款' }, token)).resolveComplaint;
    expect(resolved).toMatchObject({ status: 'RESOLVED', result: 'AGREEMENT', amountRecovered: '88.50' });
    const closed = ok(await close({ id: c.id, feedback: 'SATISFIED', note: '回访满意' }, token)).closeComplaint;
    expect(closed).toMatchObject({ status: 'CLOSED', feedback: 'SATISFIED' });
    expect(closed.events.map((e: any) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['RECEIVED', null, 'RECEIVED'],
      ['ACCEPTED', 'RECEIVED', 'ACCEPTED'],
      ['MEDIATION_STARTED', 'ACCEPTED', 'MEDIATING'],
      ['RESOLVED', 'MEDIATING', 'RESOLVED'],
      ['CLOSED', 'RESOLVED', 'CLOSED'],
    ]);
    expect(closed.events.every((e: any) => e.actorName === station())).toBe(true);
    expect(closed.events[4].note).toBe('回访满意');
    await refused('BAD_USER_INPUT', () => raiseClue(c.id, token), /is closed: raiseClueFromComplaint is not allowed; allowed: none \(closed is final\)/);
    // the audit log holds the complaint's changes but never the complainant
    const audits = await sql<{ n: number; leaked: number }>(`select count(*)::int as n, count(*) filter (where a::text like '%13812345678%' or a::text like '%王小明%')::int as leaked from audit_entry a where entity_type = 'Complaint' and entity_id = ?`, [String(c.id)]);
    expect(audits[0].n).toBeGreaterThanOrEqual(5);
    expect(audits[0].leaked).toBe(0);
  });

  it('a report from another system (API key): matched by its address, not mediated, raises a clue once, ends report_handled; keys take no steps', async () => {
    const r = ok(await submit({ kind: 'REPORT', complainant: { name: '李四', phone: '0531-86123456' }, shopUrl: variantOf(fx.shopUrl), title: '销售过期食品', description: '12315转办：店铺销售过期食品。' }, apiKey)).submitComplaint;
    expect(r).toMatchObject({ kind: 'REPORT', channel: 'API', status: 'RECEIVED', shop: { id: String(fx.shopId) }, assignedUnit: { id: String(fx.stationId) }, complainant: { name: '李*', phone: '053****3456', masked: true } });
    expect(r.acceptanceDueOn).toBe(addWorkingDays(chinaDay(new Date(r.receivedAt)), 7));
    expect(workingDaysIn(chinaDay(new Date(r.receivedAt)), r.acceptanceDueOn).filter((d) => d > chinaDay(new Date(r.receivedAt)))).toHaveLength(7);
    await refused('FORBIDDEN', () => accept(r.id, apiKey), /API keys submit complaints/);

    const token = await p.login(station());
    ok(await accept(r.id, token));
    await refused('BAD_USER_INPUT', () => mediate(r.id, token), /only a complaint is mediated/);
    const raised = ok(await raiseClue(r.id, token)).raiseClueFromComplaint;
    expect(raised.status).toBe('ACCEPTED');
    expect(raised.clue).toMatchObject({ source: 'COMPLAINT' });
    expect(raised.events.at(-1)).toMatchObject({ action: 'CLUE_RAISED', fromStatus: 'ACCEPTED', toStatus: 'ACCEPTED' });
    const [clue] = await sql<{ shop_id: number; source: string; description: string }>(`select shop_id, source, description from clue where id = ?`, [raised.clue.id]);
    expect(clue).toMatchObject({ shop_id: fx.shopId, source: 'complaint' });
    expect(clue.description).not.toContain('李四');
    await refused('BAD_USER_INPUT', () => raiseClue(r.id, token), /a clue was already raised/);
    await refused('BAD_USER_INPUT', () => resolve({ id: r.id, result: 'AGREEMENT' }, token), /a report ends as report_handled/);
    expect(ok(await resolve({ id: r.id, result: 'REPORT_HANDLED' }, token)).resolveComplaint.status).toBe('RESOLVED');
    // the API key reads it, masked, without the clue (it may not read clues)
    const seen = ok(await read(r.id, apiKey)).complaint;
    expect(seen.complainant.masked).toBe(true);
    expect(seen.clue).toBeNull();
  });

  describe('the public form', () => {
    let publicNumber: string;

    it('serves a zh-CN form with the counties of Shandong and a script that reads files', async () => {
      const res = await fetch(`${p.url}/complaint`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('<html lang="zh-CN">');
      expect(html).toMatch(/<optgroup label="济南市"><option value="370102">历下区<\/option>/);
      expect(html).toContain(`<option value="${fx.otherCounty}">`);
      expect(html).toContain('FileReader');
      expect(html).toContain("fetch('/public/complaints'");
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    });

    it('takes a complaint in and answers the receipt only; it lands at the unit holding the shop', async () => {
      const before = await sql<{ n: number }>(`select count(*)::int as n from shop`);
      // the consumer thinks the business is in another county: the matched shop's region wins
      const res = await post(publicBody({ shopUrl: variantOf(fx.shopUrl), regionCode: fx.otherCounty, attachments: [{ fileName: '截图.png', contentBase64: PNG.toString('base64') }, { fileName: '订单.pdf', contentBase64: PDF.toString('base64') }] }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['acceptanceDueOn', 'number', 'receivedAt']);
      expect(res.body.number).toMatch(new RegExp(`^TS${chinaDay().replace(/-/g, '')}\\d{6}$`));
      expect(res.body.acceptanceDueOn).toBe(addWorkingDays(chinaDay(new Date(res.body.receivedAt)), 7));
      publicNumber = res.body.number;
      const [row] = await sql<any>(`select * from complaint where number = ?`, [publicNumber]);
      expect(row).toMatchObject({ channel: 'public', created_by: 'public-form', shop_id: fx.shopId, region_code: fx.region, assigned_unit_id: fx.stationId, complainant_name: '王小明', status: 'received' });
      expect(row.submitter_key).toMatch(/^[0-9a-f]{64}$/);
      expect(row.attachments).toEqual([
        { sha256: createHash('sha256').update(PNG).digest('hex'), fileName: '截图.png', mediaType: 'image/png', sizeBytes: PNG.length },
        { sha256: createHash('sha256').update(PDF).digest('hex'), fileName: '订单.pdf', mediaType: 'application/pdf', sizeBytes: PDF.length },
      ]);
      const events = await sql<any>(`select action, actor_name from complaint_event where complaint_id = ?`, [row.id]);
      expect(events).toEqual([{ action: 'received', actor_name: 'public-form' }]);
      expect((await sql<{ n: number }>(`select count(*)::int as n from shop`))[0].n).toBe(before[0].n);
      // the handling station sees it, in full
      const seen = ok(await read(String(row.id), await p.login(station()))).complaint;
      expect(seen).toMatchObject({ channel: 'PUBLIC', complainant: FULL });
      expect(seen.attachments.map((a: any) => a.mediaType)).toEqual(['image/png', 'application/pdf']);
    });

    it('a public submitter cannot read anything back', async () => {
      const [row] = await sql<{ id: number }>(`select id from complaint where number = ?`, [publicNumber]);
      const anonymous = await p.gql(`query($id: ID!) { complaint(id: $id) { number complainant { name } } }`, { id: String(row.id) });
      expect(anonymous.data?.complaint ?? null).toBeNull();
      expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
      const list = await p.gql(`{ complaints { nodes { number } } }`);
      expect(codes(list)).toEqual(['UNAUTHENTICATED']);
      for (const path of [`/public/complaints/${publicNumber}`, `/public/complaints?number=${publicNumber}`, `/public/complaints/${row.id}`, `/complaint/${publicNumber}`]) {
        const res = await fetch(`${p.url}${path}`);
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(await res.text(), path).not.toContain('王小明');
      }
      const form = await (await fetch(`${p.url}/complaint?number=${publicNumber}`)).text();
      expect(form).not.toContain(publicNumber);
    });

    it('an address that matches no shop creates an unfiled shop in the given region, assigned to the unit holding it', async () => {
      const url = 'https://Brand-New-Shop.example/store/#top';
      const res = await post(publicBody({ shopUrl: url, shopName: '新开网店', regionCode: fx.otherCounty, attachments: [] }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const [row] = await sql<any>(
        `select c.region_code, u.code as unit_code, s.url, s.name, s.filing_status, s.platform, s.classification, s.region_code as shop_region
         from complaint c join shop s on s.id = c.shop_id join unit u on u.id = c.assigned_unit_id where c.number = ?`,
        [res.body.number],
      );
      expect(row).toMatchObject({ region_code: fx.otherCounty, unit_code: fx.otherCounty, url: 'https://brand-new-shop.example/store', name: '新开网店', filing_status: 'unfiled', platform: '自建网站', classification: 'own_site_trading', shop_region: fx.otherCounty });
      const events = await sql<{ kind: string }>(`select e.kind from shop_event e join shop s on s.id = e.shop_id where s.url = ?`, ['https://brand-new-shop.example/store']);
      expect(events).toEqual([{ kind: 'discovered' }]);
      // the same address again matches the shop now in the register
      const again = await post(publicBody({ shopUrl: 'http://www.brand-new-shop.example/store/', shopName: null, regionCode: fx.county, attachments: [] }));
      expect(again.status).toBe(201);
      const shops = await sql<{ n: number }>(`select count(distinct shop_id)::int as n from complaint where number in (?, ?)`, [res.body.number, again.body.number]);
      expect(shops[0].n).toBe(1);
    });

    it('a new shop on a known platform\'s domain is that platform\'s merchant', async () => {
      const [known] = await sql<{ domain: string; platform: string }>(`select domain, platform from shop where classification = 'platform_merchant' order by id limit 1`);
      expect(known, 'the demo province has platform merchants').toBeDefined();
      const res = await post(publicBody({ shopUrl: `https://${known.domain}/complaint-test/new-merchant-1`, shopName: '平台新店', regionCode: fx.county, attachments: [] }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const [row] = await sql<any>(`select s.platform, s.classification, s.filing_status from complaint c join shop s on s.id = c.shop_id where c.number = ?`, [res.body.number]);
      expect(row).toEqual({ platform: known.platform, classification: 'platform_merchant', filing_status: 'unfiled' });
    });

    it('bad input is refused with 400 naming the field, nothing stored', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ['bad phone', { complainant: { ...COMPLAINANT, phone: '12345' } }, 'complainant.phone'],
        ['bad email', { complainant: { ...COMPLAINANT, email: 'not-an-address' } }, 'complainant.email'],
        ['no name', { complainant: { phone: '13812345678' } }, 'complainant.name'],
        ['future order date', { order: { orderDate: '2099-01-01' } }, 'order.orderDate'],
        ['impossible order date', { order: { orderDate: '2026-02-30' } }, 'order.orderDate'],
        ['negative amount', { order: { amountPaid: '-1' } }, 'order.amountPaid'],
        ['bad base64', { attachments: [{ fileName: 'a.png', contentBase64: 'iVBORw0KGgo*&^' }] }, 'attachments[0].contentBase64'],
        ['exe renamed png', { attachments: [{ fileName: 'photo.png', contentBase64: EXE.toString('base64') }] }, 'attachments[0].contentBase64'],
        ['text file', { attachments: [{ fileName: 'notes.txt', contentBase64: Buffer.from('hello').toString('base64') }] }, 'attachments[0].fileName'],
        ['six files', { attachments: Array.from({ length: 6 }, (_, i) => ({ fileName: `${i}.png`, contentBase64: PNG.toString('base64') })) }, 'attachments'],
        ['unknown region', { regionCode: '379999' }, 'regionCode'],
        ['a city, not a county', { regionCode: fx.city }, 'regionCode'],
        ['no region', { regionCode: null }, 'regionCode'],
        ['not an address', { shopUrl: 'javascript:alert(1)' }, 'shopUrl'],
        ['a shop id', { shopId: fx.shopId }, 'shopId'],
        ['a receipt time', { receivedAt: '2026-01-01T00:00:00Z' }, 'receivedAt'],
        ['unknown kind', { kind: 'praise' }, 'kind'],
        ['no name for a new shop', { shopUrl: 'https://unknown-shop-2.example/', shopName: null }, 'shopName'],
      ];
      for (const [label, overrides, field] of cases) {
        const before = await fingerprint();
        const res = await post(publicBody(overrides));
        expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.errors.map((e: any) => e.field), label).toContain(field);
        expect(res.body.errors.every((e: any) => typeof e.message === 'string' && e.message.length > 0), label).toBe(true);
        expect(await fingerprint(), label).toEqual(before);
      }
      const broken = await post('{"kind": "complaint",');
      expect(broken.status).toBe(400);
      expect(broken.body.errors[0].message).toMatch(/not valid JSON/);
    });

    it('rate limit per address: 429 with Retry-After after N in an hour, nothing stored; 0 closes the form', async () => {
      const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from complaint where submitter_key is not null and received_at > now() - interval '1 hour'`);
      expect(n).toBeGreaterThan(0);
      const limit = p.config.publicComplaintsPerHour;
      try {
        p.config.publicComplaintsPerHour = n + 2;
        for (let i = 0; i < 2; i++) expect((await post(publicBody({ attachments: [] }))).status).toBe(201);
        const before = await fingerprint();
        const res = await post(publicBody({ attachments: [] }));
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
        expect(res.body.errors[0].message).toMatch(/频繁.*Too many/);
        expect(await fingerprint()).toEqual(before);
        p.config.publicComplaintsPerHour = 0;
        expect((await fetch(`${p.url}/complaint`)).status).toBe(503);
        const closed = await post(publicBody({ attachments: [] }));
        expect(closed.status).toBe(503);
        expect(await fingerprint()).toEqual(before);
      } finally {
        p.config.publicComplaintsPerHour = limit;
      }
    });
  });

  describe('personal data', () => {
    let id: string;

    beforeAll(async () => {
      id = ok(await submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: '虚假宣传', description: '页面宣传与实物不符。' }, await p.login(station()))).submitComplaint.id;
    });

    it('in full for the handling station and the units above it', async () => {
      for (const user of [station(), `${fx.stationCode.toLowerCase()}-leader`, `x${fx.county}-leader`, `x${fx.county}-analyst`, `c${fx.city}-analyst`, 'sd-analyst']) {
        expect(ok(await read(id, await p.login(user))).complaint.complainant, user).toEqual(FULL);
      }
    });

    it('NOT_FOUND for a sibling station and another county; masked for API keys', async () => {
      for (const user of [`${fx.siblingCode.toLowerCase()}-inspector`, `x${fx.otherCounty}-leader`, `x${fx.otherCounty}-analyst`]) {
        expect(codes(await read(id, await p.login(user))), user).toEqual(['NOT_FOUND']);
      }
      expect(ok(await read(id, apiKey)).complaint.complainant).toEqual(MASKED);
    });

    it('masked for a unit whose region covers the shop but that no longer stands above the handling unit', async () => {
      const r = ok(await reassign(id, fx.countyUnitId, await p.login(`x${fx.county}-inspector`))).reassignComplaint;
      expect(r.assignedUnit.id).toBe(String(fx.countyUnitId));
      expect(r.events.at(-1)).toMatchObject({ action: 'REASSIGNED', fromStatus: 'RECEIVED', toStatus: 'RECEIVED', note: '涉及多个所，由县局办理' });
      expect(ok(await read(id, await p.login(station()))).complaint.complainant).toEqual(MASKED);
      expect(ok(await read(id, await p.login(`x${fx.county}-leader`))).complaint.complainant).toEqual(FULL);
      await refused('FORBIDDEN', async () => accept(id, await p.login(station())), /only that unit or a unit above it/);
    });

    it('CSV exports mask it for everyone', async () => {
      for (const user of [station(), `x${fx.county}-leader`, 'sd-admin']) {
        const r = ok(await p.gql(`{ complaintsCsv }`, {}, await p.login(user)));
        const csv: string = r.complaintsCsv;
        expect(csv).not.toContain('王小明');
        expect(csv).not.toContain('13812345678');
        expect(csv).not.toContain('wangxm@');
        const rows = parse(csv, { columns: true }) as Record<string, string>[];
        const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from complaint where region_code like ?`, [user === 'sd-admin' ? '37%' : user.startsWith('x') ? `${fx.county}%` : `${fx.region}%`]);
        if (user !== station()) expect(rows, user).toHaveLength(n);
        expect(rows.some((row) => row.complainant_name === '王**' && row.complainant_phone === '138****5678' && row.complainant_email === 'w***@example.cn'), user).toBe(true);
      }
    });
  });

  it('counts per unit equal an independent SQL count', async () => {
    const token = await p.login(`x${fx.county}-leader`);
    // one rejection, so that every column has something
    const rej = ok(await submit({ kind: 'COMPLAINT', complainant: { name: '赵六' }, shopId: String(fx.shopId), title: '重复投诉', description: '同一事项。' }, await p.login(station()))).submitComplaint;
    ok(await reject(rej.id, '重复投诉，已在处理', await p.login(station())));
    const from = '2026-09-01';
    const to = chinaDay();
    const r = ok(
      await p.gql(
        `query($u: ID, $f: String!, $t: String!) { complaintCountsByUnit(parentUnitId: $u, from: $f, to: $t) { unit { id code } received accepted acceptedOnTime rejected resolved closed acceptanceOverdue amountRecovered } }`,
        { u: String(fx.countyUnitId), f: from, t: to },
        token,
      ),
    ).complaintCountsByUnit;
    const expected = await sql<any>(
      `select u.id::text as id,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz) as received,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz and c.status in ('accepted', 'mediating', 'resolved', 'closed')) as accepted,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz
            and c.decided_at < (((c.acceptance_due_on + 1)::timestamp - interval '8 hours') at time zone 'UTC')) as accepted_on_time,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz and c.status = 'rejected') as rejected,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz and c.status in ('resolved', 'closed')) as resolved,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz and c.status = 'closed') as closed,
         (select count(*)::int from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz and c.status = 'received' and c.acceptance_due_on < ?::date) as acceptance_overdue,
         (select coalesce(sum(c.amount_recovered), 0)::numeric(14,2)::text from complaint c join unit a on a.id = c.assigned_unit_id where a.path like u.path || '%' and c.received_at >= ?::timestamptz and c.received_at < ?::timestamptz) as amount_recovered
       from unit u where u.parent_id = ? order by u.code`,
      [
        ...Array.from({ length: 8 }, () => [`${from}T00:00:00+08:00`, new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000).toISOString()]).flatMap((x, i) => (i === 6 ? [...x, chinaDay()] : x)),
        fx.countyUnitId,
      ],
    );
    expect(r.map((x: any) => ({ id: x.unit.id, received: x.received, accepted: x.accepted, accepted_on_time: x.acceptedOnTime, rejected: x.rejected, resolved: x.resolved, closed: x.closed, acceptance_overdue: x.acceptanceOverdue, amount_recovered: x.amountRecovered }))).toEqual(expected);
    const station_ = r.find((x: any) => x.unit.id === String(fx.stationId));
    expect(station_.received).toBeGreaterThanOrEqual(5);
    expect(station_.rejected).toBeGreaterThanOrEqual(1);
    expect(station_.closed).toBeGreaterThanOrEqual(1);
    expect(station_.acceptedOnTime).toBeGreaterThanOrEqual(2);
    expect(station_.amountRecovered).toBe('88.50');
    // complaints filtered the same way agree with the counts
    const list = ok(await p.gql(`query($u: ID!) { complaints(first: 100, filter: { unitId: $u, receivedFrom: "2026-09-01", statuses: [REJECTED] }) { totalCount nodes { status } } }`, { u: String(fx.stationId) }, token)).complaints;
    expect(list.totalCount).toBe(station_.rejected);
    const overdue = ok(await p.gql(`{ complaints(first: 100, filter: { acceptanceOverdue: true }) { totalCount nodes { acceptanceOverdue status } } }`, {}, token)).complaints;
    expect(overdue.nodes.every((n: any) => n.acceptanceOverdue && n.status === 'RECEIVED')).toBe(true);
  });

  describe('refused: other jurisdictions and roles', () => {
    it('another county and a sibling station cannot act on it (NOT_FOUND); leaders and analysts may not handle (FORBIDDEN)', async () => {
      const id = ok(await submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: '不发货', description: '未发货。' }, await p.login(station()))).submitComplaint.id;
      // log everyone in first: a login writes a session (audited), which is not what is measured here
      for (const user of [`x${fx.otherCounty}-inspector`, `${fx.siblingCode.toLowerCase()}-inspector`, `x${fx.county}-leader`, `x${fx.county}-analyst`, 'sd-analyst', `x${fx.otherCounty}-leader`]) await p.login(user);
      await refused('NOT_FOUND', async () => accept(id, await p.login(`x${fx.otherCounty}-inspector`)));
      await refused('NOT_FOUND', async () => accept(id, await p.login(`${fx.siblingCode.toLowerCase()}-inspector`)));
      await refused('FORBIDDEN', async () => accept(id, await p.login(`x${fx.county}-leader`)));
      await refused('FORBIDDEN', async () => accept(id, await p.login(`x${fx.county}-analyst`)));
      await refused('FORBIDDEN', async () => submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: 't', description: 'd' }, await p.login('sd-analyst')));
      await refused('FORBIDDEN', async () => submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: 't', description: 'd' }, await p.login(`x${fx.county}-leader`)));
      await refused('NOT_FOUND', async () => submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: 't', description: 'd' }, await p.login(`x${fx.otherCounty}-inspector`)));
      await refused('BAD_USER_INPUT', async () => submit({ kind: 'COMPLAINT', complainant: COMPLAINANT, shopUrl: fx.shopUrl, title: 't', description: 'd' }, await p.login(`x${fx.otherCounty}-inspector`)), /outside your jurisdiction/);
      await refused('BAD_USER_INPUT', async () => reassign(id, fx.otherCountyUnitId, await p.login(station())), /does not hold region/);
      await refused('NOT_FOUND', async () => p.gql(`query($u: ID!) { complaintCountsByUnit(parentUnitId: $u, from: "2026-11-01", to: "2026-11-30") { received } }`, { u: String(fx.countyUnitId) }, await p.login(`x${fx.otherCounty}-leader`)));
      // the county above may act on the station's complaint
      expect(ok(await accept(id, await p.login(`x${fx.county}-inspector`))).acceptComplaint.status).toBe('ACCEPTED');
    });

    it('staff intake refuses bad input with nothing written', async () => {
      const token = await p.login(station());
      const base = { kind: 'COMPLAINT', complainant: COMPLAINANT, shopId: String(fx.shopId), title: 't', description: 'd' };
      await refused('BAD_USER_INPUT', () => submit({ ...base, complainant: { name: '张三', phone: '138123456789' } }, token), /complainant.phone/);
      await refused('BAD_USER_INPUT', () => submit({ ...base, receivedAt: new Date(Date.now() + 3_600_000).toISOString() }, token), /receivedAt: lies in the future/);
      await refused('BAD_USER_INPUT', () => submit({ ...base, order: { orderDate: '2099-12-31' } }, token), /order.orderDate/);
      await refused('BAD_USER_INPUT', () => submit({ ...base, attachments: [{ fileName: 'x.png', contentBase64: EXE.toString('base64') }] }, token), /Windows executable/);
      await refused('BAD_USER_INPUT', () => submit({ ...base, shopId: undefined, shopUrl: 'https://nowhere-shop.example/', shopName: '无名店', regionCode: '379999' }, token), /regionCode/);
      await refused('BAD_USER_INPUT', () => submit({ ...base, shopId: undefined }, token), /shopUrl/);
    });
  });
});
