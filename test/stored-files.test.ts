/**
 * Uploaded files read back over HTTP (`GET /files/<sha256>`): a patrol photo and a complaint attachment
 * for exactly the callers who may read the row naming them — the jurisdiction rule, the permission of
 * the kind of row, and for complaint attachments the personal-data rule (handling unit and above).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsSystem } from '../services/system-actor';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let station: string; // username prefix of the station holding the shop
let sibling: string; // another station of the same county
let county: string;
let otherCounty: string;
let apiKey: string;
let shopId: string;

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('stored files test', () => p.orm.em.fork().getConnection().execute<T[]>(text, params));
}

async function get(sha256: string, token?: string) {
  const res = await fetch(`${p.url}/files/${sha256}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: Buffer.from(await res.arrayBuffer()) };
}

function ok(r: { data?: any; errors?: unknown }) {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

beforeAll(async () => {
  p = await startTestPlatform({ entities: 300, config: { evidenceDir: `/tmp/hongdun-files-${process.pid}` } });
  const [shop] = await sql<{ id: number; code: string; county: string }>(
    `select s.id, u.code, left(s.region_code, 6) as county from shop s join unit u on u.id = s.responsible_unit_id
     where s.filing_status = 'filed' and u.level = 'station'
       and (select count(*) from unit x where x.parent_id = u.parent_id) > 1 order by s.id limit 1`,
  );
  const [other] = await sql<{ code: string }>(`select code from unit where level = 'station' and code like ? and code <> ? order by code limit 1`, [`${shop.county}-%`, shop.code]);
  const [far] = await sql<{ code: string }>(`select code from unit where level = 'county' and code <> ? order by code limit 1`, [shop.county]);
  station = shop.code.toLowerCase();
  sibling = other.code.toLowerCase();
  county = shop.county;
  otherCounty = far.code;
  shopId = String(shop.id);
  const [province] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
  apiKey = ok(
    await p.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { unitId: String(province.id), scopes: ['complaints:read', 'patrols:read'], name: 'files test' } }, await p.login('sd-admin')),
  ).createApiKey.secret;
}, 120_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('GET /files/<sha256>', () => {
  it('serves a patrol photo to those who may read the record, and to no one else', async () => {
    const token = await p.login(`${station}-inspector`);
    ok(
      await p.gql(
        `mutation($input: FilePatrolRecordInput!) { filePatrolRecord(input: $input) { id } }`,
        {
          input: {
            shopId,
            mode: 'ON_SITE',
            outcome: 'COMPLIANT',
            siteAddress: '经营场所',
            peopleMet: '负责人',
            checklist: ['licence-shown', 'subject-consistent', 'prohibited-goods', 'advertising-terms', 'price-marking', 'food-licence'].map((key) => ({ key, result: 'PASS' })),
            photos: [{ fileName: '门头照片.png', contentBase64: PNG.toString('base64') }],
          },
        },
        token,
      ),
    );
    const mine = await get(sha(PNG), token);
    expect(mine.status).toBe(200);
    expect(mine.type).toBe('image/png');
    expect(mine.body.equals(PNG)).toBe(true);
    expect(mine.disposition).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('门头照片.png')}`);
    expect((await get(sha(PNG), await p.login(`x${county}-leader`))).status).toBe(200);
    expect((await get(sha(PNG), await p.login('sd-analyst'))).status).toBe(200);
    expect((await get(sha(PNG), apiKey)).status).toBe(200);
    // outside the jurisdiction: as if absent
    expect((await get(sha(PNG), await p.login(`x${otherCounty}-inspector`))).status).toBe(404);
    expect((await get(sha(PNG), await p.login(`${sibling}-inspector`))).status).toBe(404);
    expect((await get(sha(PNG))).status).toBe(401);
    expect((await get(sha(PNG), 'not-a-token')).status).toBe(401);
    expect((await get('abc', token)).status).toBe(400);
    expect((await get('0'.repeat(64), token)).status).toBe(404);
  });

  it('serves a complaint attachment only to the handling unit and the units above it', async () => {
    const token = await p.login(`${station}-inspector`);
    ok(
      await p.gql(
        `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`,
        { input: { kind: 'COMPLAINT', complainant: { name: '王小明', phone: '13812345678' }, shopId, title: '商品与描述不符', description: '附订单截图。', attachments: [{ fileName: '订单.pdf', contentBase64: PDF.toString('base64') }] } },
        token,
      ),
    );
    const mine = await get(sha(PDF), token);
    expect(mine.status).toBe(200);
    expect(mine.type).toBe('application/pdf');
    expect(mine.body.equals(PDF)).toBe(true);
    expect((await get(sha(PDF), await p.login(`x${county}-leader`))).status).toBe(200);
    expect((await get(sha(PDF), await p.login('sd-leader'))).status).toBe(200);
    // may read the complaint, but not the complainant's personal data: nor the attachment
    expect((await get(sha(PDF), apiKey)).status).toBe(404);
    expect((await get(sha(PDF), await p.login(`${sibling}-inspector`))).status).toBe(404);
    expect((await get(sha(PDF), await p.login(`x${otherCounty}-leader`))).status).toBe(404);
  });
});
