/**
 * Self-filing (主体备案) on a small demo province, over HTTP: the public page files a business checked
 * against the register (USCC checksum, in online_entity, name and legal representative as registered,
 * active); each shop proves control of its address by a token found by one guarded fetch (only the
 * filing's own origins: a local page server; a redirect elsewhere is not followed); the station of the
 * entity's region reviews within 5 working days (accept / return with reason) and revokes; the badge's
 * signed link verifies on a public page that shows the filing and nothing private, the SVG and the QR
 * code follow; hostile input (markup in every field, oversized and malformed bodies, private addresses,
 * replayed submissions) and the per-address limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, chinaDay, workingDaysIn } from '../services/calendar/working-days';
import { ok } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { workflowChecks } from './support/checks';

let p: TestPlatform;
const { sql, fingerprint, refused } = workflowChecks(() => p, 'self-filing test', ['self_filing', 'self_filing_shop', 'shop', 'shop_event']);

/** A page server standing in for shop sites: path → HTML; every request it gets is logged. */
function pageServer() {
  const pages = new Map<string, { status?: number; body: string; location?: string }>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const page = pages.get(req.url ?? '');
    if (!page) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>none</body></html>');
    res.writeHead(page.status ?? 200, { 'content-type': 'text/html; charset=utf-8', ...(page.location ? { location: page.location } : {}) }).end(page.body);
  });
  return {
    pages,
    requests,
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const sites = pageServer();
const elsewhere = pageServer();
let site: string;
let other: string;

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Entity { id: number; uscc: string; name: string; legal_representative: string; region_code: string }
let entity: Entity;
let second: Entity;
let stationLogin: string;
let outsiderLogin: string;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text(), res };
}

function filing(e: Entity, shops: Array<{ url: string; platform: string }>, overrides: Record<string, unknown> = {}) {
  return { uscc: e.uscc, entityName: e.name, legalRepresentative: e.legal_representative, contact: { name: '赵联系', phone: '13900001111', email: 'contact@example.cn' }, shops, ...overrides };
}

const FIELDS = `id number status uscc entityName regionCode reviewDueOn reviewOverdue returnReason revokeReason contactPhone
  reviewUnit { code } entity { id } shops { url platform verified verificationToken shop { id filingStatus } badge { token verifyUrl imageUrl qrPngUrl embedHtml } }`;

beforeAll(async () => {
  site = await sites.start();
  other = await elsewhere.start();
  const port = await freePort();
  p = await startTestPlatform({
    seed: 'hongdun',
    entities: 20,
    config: { port, publicBaseUrl: `http://127.0.0.1:${port}`, crawlAllowedOrigins: [site], publicFilingsPerHour: 6, badgeSecret: 'test-badge-secret-0123456789abcdef-xyz' },
  });
  const rows = await sql<Entity & { station: string }>(
    `select e.id, e.uscc, e.name, e.legal_representative, e.region_code, u.code as station from online_entity e
     join unit u on u.level = 'station' and exists (select 1 from unnest(u.jurisdiction) j where e.region_code like j || '%')
     where e.registration_status = 'active' and e.legal_representative is not null order by e.id limit 2`,
  );
  [entity, second] = rows;
  stationLogin = `${(rows[0] as any).station.toLowerCase()}-inspector`;
  const [out] = await sql<{ code: string }>(`select code from unit where level = 'county' and ? not like code || '%' order by code limit 1`, [entity.region_code]);
  outsiderLogin = `x${out.code}-inspector`;
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
  await sites.close();
  await elsewhere.close();
});

describe('self-filing: the public page', () => {
  it('serves a zh-CN page with a nonce CSP', async () => {
    const r = await get('/filing');
    expect(r.status).toBe(200);
    expect(r.text).toContain('<html lang="zh-CN">');
    expect(r.text).toContain('统一社会信用代码');
    const csp = r.headers.get('content-security-policy')!;
    const nonce = /nonce-([^']+)/.exec(csp)![1];
    expect(r.text).toContain(`<script nonce="${nonce}">`);
  });

  it('checks the USCC against the register: checksum, presence, name, legal representative; nothing written', async () => {
    const before = await fingerprint();
    const bad = `${entity.uscc.slice(0, 17)}${entity.uscc[17] === '0' ? '1' : '0'}`;
    let r = await post('/public/filings', filing({ ...entity, uscc: bad }, [{ url: `${site}/shop/a`, platform: '自建网站' }]));
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'uscc', message: expect.stringMatching(/check character/) }]);
    r = await post('/public/filings', filing({ ...entity, uscc: '91370102MA00000000'.slice(0, 17) + 'X' }, [{ url: `${site}/shop/a`, platform: '自建网站' }]));
    expect(r.status).toBe(400);
    r = await post('/public/filings', filing({ ...entity, name: `${entity.name}有限公司` }, [{ url: `${site}/shop/a`, platform: '自建网站' }]));
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'entityName', message: expect.stringMatching(/名称与登记不符/) }]);
    expect(JSON.stringify(r.body)).not.toContain(entity.name);
    r = await post('/public/filings', filing({ ...entity, legal_representative: '某某某' }, [{ url: `${site}/shop/a`, platform: '自建网站' }]));
    expect(r.body.errors).toEqual([{ field: 'legalRepresentative', message: expect.stringMatching(/法定代表人与登记不符/) }]);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses hostile input: markup in every field, unknown fields, private addresses, oversized and malformed bodies', async () => {
    const before = await fingerprint();
    const x = '<script>alert(1)</script>';
    let r = await post('/public/filings', { uscc: x, entityName: x, legalRepresentative: x, contact: { name: x, phone: x, email: x }, shops: [{ url: x, platform: x }], extra: x });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field).sort()).toEqual(['contact.email', 'contact.name', 'contact.phone', 'entityName', 'extra', 'legalRepresentative', 'shops[0].platform', 'shops[0].url', 'uscc'].sort());
    r = await post('/public/filings', filing(entity, [{ url: 'http://10.0.0.8/admin', platform: '自建网站' }, { url: 'http://192.168.1.1.', platform: '自建网站' }, { url: 'http://user:pw@example.cn/', platform: 'x' }]));
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field)).toEqual(['shops[0].url', 'shops[1].url', 'shops[2].url']);
    r = await post('/public/filings', filing(entity, Array.from({ length: 11 }, (_, i) => ({ url: `${site}/s${i}`, platform: 'x' }))));
    expect(r.body.errors).toEqual([{ field: 'shops', message: 'shops: at most 10' }]);
    r = await post('/public/filings', JSON.stringify({ ...filing(entity, []), pad: 'x'.repeat(40_000) }));
    expect(r.status).toBe(413);
    expect(r.body.errors[0].message).toMatch(/too large/);
    r = await post('/public/filings', '{"uscc": ');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].message).toBe('the request body is not valid JSON');
    const res = await fetch(`${p.url}/public/filings`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
    expect(await fingerprint()).toEqual(before);
  });

  let number: string;
  let key: string;
  let token: string;
  let token2: string;

  it('files once: 201 with number, key and tokens; the same submission again is the same filing (200), one row', async () => {
    const body = filing(entity, [{ url: `${site}/shop/one`, platform: '自建网站' }, { url: `${site.replace('http://', 'HTTP://')}/shop/two/#x`, platform: '淘宝' }]);
    const r = await post('/public/filings', body);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'awaiting_verification', reviewDueOn: null, shops: [{ url: `${site}/shop/one`, verified: false, badge: null }, { url: `${site}/shop/two`, verified: false }] });
    expect(r.body.number).toMatch(/^BA\d{16}$/);
    expect(JSON.stringify(r.body)).not.toContain('13900001111');
    ({ number, filingKey: key } = r.body);
    token = r.body.shops[0].verificationToken;
    token2 = r.body.shops[1].verificationToken;
    expect(token).toMatch(/^hongdun-verify-/);
    const again = await post('/public/filings', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
    const [n] = await sql<{ n: number }>(`select count(*)::int as n from self_filing where uscc = ?`, [entity.uscc]);
    expect(n.n).toBe(1);
    // the audit entry of the filing: written, but without the contact's personal data in clear
    const audits = await sql<{ after: Record<string, unknown> | null }>(
      `select a.after from audit_entry a join self_filing f on a.entity_id = f.id::text where a.entity_type = 'SelfFiling' and f.number = ?`,
      [number],
    );
    expect(audits.length).toBeGreaterThan(0);
    expect(audits[0].after).toMatchObject({ number, contactPhone: '[redacted]', contactEmail: '[redacted]', contactName: '[redacted]' });
    const logged = JSON.stringify(audits);
    expect(logged).not.toContain('13900001111');
    expect(logged).not.toContain('contact@example.cn');
    expect(logged).not.toContain('赵联系');
  });

  it('reads its status only with its key (404 alike for a wrong key and an unknown number)', async () => {
    expect((await get(`/public/filings/${number}`)).status).toBe(404);
    expect((await get(`/public/filings/${number}`, { 'x-filing-key': 'x'.repeat(24) })).status).toBe(404);
    expect((await get(`/public/filings/BA0000000000000000`, { 'x-filing-key': key })).status).toBe(404);
    const r = await get(`/public/filings/${number}`, { 'x-filing-key': key });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ number, status: 'awaiting_verification' });
  });

  it('verifies control by one guarded fetch per shop: token absent → not verified; a redirect elsewhere is not followed; spaced', async () => {
    sites.pages.set('/shop/one', { body: '<html><body><h1>店铺一</h1></body></html>' });
    sites.pages.set('/shop/two', { status: 302, body: '', location: `${other}/shop/two` });
    const before = sites.requests.length;
    let r = await post(`/public/filings/${number}/verify`, {}, { 'x-filing-key': key });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('awaiting_verification');
    expect(r.body.shops.map((s: any) => [s.verified, s.lastCheckResult])).toEqual([
      [false, expect.stringMatching(/未找到验证码/)],
      [false, expect.stringMatching(/无法读取该页面/)],
    ]);
    expect(sites.requests.slice(before).sort()).toEqual(['/shop/one', '/shop/two']);
    expect(elsewhere.requests).toEqual([]);
    r = await post(`/public/filings/${number}/verify`, {}, { 'x-filing-key': key });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('with the tokens on the pages (text, meta tag), the filing goes under review, due in 5 working days', async () => {
    sites.pages.set('/shop/one', { body: `<html><body><p>备案验证码：${token}</p></body></html>` });
    sites.pages.set('/shop/two', { body: `<html><head><meta name="hongdun-verification" content="${token2}"></head><body>店铺二</body></html>` });
    await sql(`update self_filing set last_verify_at = now() - interval '1 minute' where number = ?`, [number]);
    const r = await post(`/public/filings/${number}/verify`, {}, { 'x-filing-key': key });
    expect(r.status).toBe(200);
    const today = chinaDay();
    expect(r.body).toMatchObject({ status: 'under_review', reviewDueOn: addWorkingDays(today, 5), shops: [{ verified: true }, { verified: true }] });
    expect(workingDaysIn(today, r.body.reviewDueOn).filter((d) => d > today)).toHaveLength(5);
  });

  let filingId: string;
  let badge: { token: string; verifyUrl: string; imageUrl: string; qrPngUrl: string; embedHtml: string };

  it('appears for the station of its region; not for another county; accepted → badges, shops filed in the register', async () => {
    const token = await p.login(stationLogin);
    const list = ok(await p.gql(`{ selfFilings(filter: { statuses: [UNDER_REVIEW] }) { totalCount nodes { ${FIELDS} } } }`, {}, token)).selfFilings;
    const mine = list.nodes.find((n: any) => n.number === number);
    expect(mine).toMatchObject({ status: 'UNDER_REVIEW', uscc: entity.uscc, regionCode: entity.region_code, reviewOverdue: false, contactPhone: '13900001111', reviewUnit: { code: stationLogin.replace('-inspector', '').toUpperCase() } });
    filingId = mine.id;
    const outsider = await p.login(outsiderLogin);
    expect(ok(await p.gql(`{ selfFilings { totalCount nodes { id } } }`, {}, outsider)).selfFilings.nodes.map((n: any) => n.id)).not.toContain(filingId);
    await refused('NOT_FOUND', () => p.gql(`mutation($id: ID!) { acceptSelfFiling(id: $id) { id } }`, { id: filingId }, outsider));
    const leader = await p.login(stationLogin.replace('-inspector', '-leader'));
    await refused('FORBIDDEN', () => p.gql(`mutation($id: ID!) { acceptSelfFiling(id: $id) { id } }`, { id: filingId }, leader));
    const accepted = ok(await p.gql(`mutation($id: ID!) { acceptSelfFiling(id: $id) { ${FIELDS} } }`, { id: filingId }, token)).acceptSelfFiling;
    expect(accepted.status).toBe('ACCEPTED');
    expect(accepted.shops.every((s: any) => s.shop?.filingStatus === 'FILED' && s.badge)).toBe(true);
    badge = accepted.shops[0].badge;
    expect(badge.verifyUrl).toBe(`${p.url}/badge/${badge.token}`);
    expect(badge.embedHtml).toContain(`href="${badge.verifyUrl}"`);
    expect(badge.embedHtml).toContain(`data-hongdun-badge="${badge.token}"`);
    const [shop] = await sql<{ entity_id: number; region_code: string }>(`select entity_id, region_code from shop where url = ?`, [`${site}/shop/one`]);
    expect(shop).toMatchObject({ entity_id: entity.id, region_code: entity.region_code });
    await refused('BAD_USER_INPUT', () => p.gql(`mutation($id: ID!) { acceptSelfFiling(id: $id) { id } }`, { id: filingId }, token), /is accepted: only a filing under review/);
    // the business sees its badges with its key
    const view = JSON.parse((await get(`/public/filings/${number}`, { 'x-filing-key': key })).text);
    expect(view.shops[0].badge.token).toBe(badge.token);
  });

  it('the badge verifies publicly: the filing and nothing private; SVG; QR code as PNG', async () => {
    const page = await get(`/badge/${badge.token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-verdict="valid"');
    expect(page.text).toContain('已备案 · 有效');
    for (const shown of [entity.name, entity.uscc, number, `${site}/shop/one`]) expect(page.text).toContain(shown);
    for (const hidden of ['13900001111', '赵联系', 'contact@example.cn', entity.legal_representative]) expect(page.text).not.toContain(hidden);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const svg = await get(`/badge/${badge.token}.svg`);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.text).toContain('已备案 · 有效');
    const qr = await fetch(badge.qrPngUrl);
    expect(qr.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await qr.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('a forged or altered badge does not verify (404, plainly)', async () => {
    const [id, sig] = badge.token.split('.');
    const altered = `${id}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    for (const t of [altered, 'AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '<script>alert(1)</script>']) {
      const r = await get(`/badge/${encodeURIComponent(t)}`);
      expect(r.status).toBe(404);
      expect(r.text).toContain('data-verdict="bad-signature"');
      expect(r.text).toContain('无法验证');
      expect(r.text).not.toContain('<script>alert');
    }
    expect((await get(`/badge/${altered}/qr.png`)).status).toBe(404);
  });

  it('revoked → the page and the image say so; the entity deregistered → says so', async () => {
    const token = await p.login(stationLogin);
    await refused('BAD_USER_INPUT', () => p.gql(`mutation($id: ID!) { revokeSelfFiling(id: $id, reason: "  ") { id } }`, { id: filingId }, token), /reason: required/);
    await sql(`update online_entity set registration_status = 'cancelled' where id = ?`, [entity.id]);
    let page = await get(`/badge/${badge.token}`);
    expect(page.text).toContain('data-verdict="entity-inactive"');
    expect(page.text).toContain('主体已注销');
    await sql(`update online_entity set registration_status = 'active' where id = ?`, [entity.id]);
    const revoked = ok(await p.gql(`mutation($id: ID!) { revokeSelfFiling(id: $id, reason: "网店经营者申请注销备案") { ${FIELDS} } }`, { id: filingId }, token)).revokeSelfFiling;
    expect(revoked).toMatchObject({ status: 'REVOKED', revokeReason: '网店经营者申请注销备案' });
    page = await get(`/badge/${badge.token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-verdict="revoked"');
    expect(page.text).toContain('备案已撤销');
    expect((await get(`/badge/${badge.token}.svg`)).text).toContain('备案已撤销');
  });

  it('return with a reason: the business reads it', async () => {
    const r = await post('/public/filings', filing(second, [{ url: `${site}/shop/three`, platform: '京东' }]));
    expect(r.status).toBe(201);
    const [row] = await sql<{ id: number; region_code: string }>(`select id, region_code from self_filing where number = ?`, [r.body.number]);
    // the county bureau above the station reviews too
    const token = await p.login(`x${row.region_code.slice(0, 6)}-admin`);
    await refused('BAD_USER_INPUT', () => p.gql(`mutation($id: ID!) { returnSelfFiling(id: $id, reason: "") { id } }`, { id: String(row.id) }, token), /reason: required/);
    const returned = ok(await p.gql(`mutation($id: ID!) { returnSelfFiling(id: $id, reason: "网址与营业执照不一致") { status returnReason } }`, { id: String(row.id) }, token)).returnSelfFiling;
    expect(returned).toEqual({ status: 'RETURNED', returnReason: '网址与营业执照不一致' });
    const view = JSON.parse((await get(`/public/filings/${r.body.number}`, { 'x-filing-key': r.body.filingKey })).text);
    expect(view).toMatchObject({ status: 'returned', returnReason: '网址与营业执照不一致' });
  });

  it('limits submissions per address per hour (429 with Retry-After), replays excepted', async () => {
    const [row] = await sql<{ n: number }>(`select count(*)::int as n from self_filing`);
    const left = 6 - row.n;
    const extra = await sql<Entity>(`select id, uscc, name, legal_representative, region_code from online_entity where registration_status = 'active' and legal_representative is not null order by id offset 2 limit ?`, [left + 1]);
    for (let i = 0; i < left; i++) expect((await post('/public/filings', filing(extra[i], [{ url: `${site}/rate/${i}`, platform: 'x' }]))).status).toBe(201);
    const before = await fingerprint();
    const r = await post('/public/filings', filing(extra[left], [{ url: `${site}/rate/x`, platform: 'x' }]));
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(await fingerprint()).toEqual(before);
    // the same submission as before still answers with its filing
    expect((await post('/public/filings', filing(extra[0], [{ url: `${site}/rate/0`, platform: 'x' }]))).status).toBe(200);
  });
});
