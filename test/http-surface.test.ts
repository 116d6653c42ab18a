import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHongdunSchema } from '../server/graphql';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
let token: string;

beforeAll(async () => {
  p = await startTestPlatform({ entities: 60 });
  token = await p.login('sd-analyst');
});
afterAll(async () => {
  await p?.shutdown();
});

describe('GraphQL over HTTP', () => {
  it('passes every audit (MUST, SHOULD and MAY) of the graphql-http suite', async () => {
    const results = await auditServer({ url: `${p.url}/graphql` });
    expect(results.length).toBeGreaterThan(50);
    const notOk = results.filter((r) => r.status !== 'ok');
    expect(notOk.map((r) => `${r.status} ${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
  });

  it('keeps 4xx for a failing document when the client accepts application/graphql-response+json, 200 for application/json', async () => {
    const send = (accept: string) =>
      fetch(`${p.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query: '{ nope' }) });
    expect((await send('application/graphql-response+json')).status).toBe(400);
    expect((await send('application/json')).status).toBe(200);
  });

  it('answers queries over GET and refuses mutations over GET with 405', async () => {
    const q = encodeURIComponent('{ me { name } }');
    const get = await fetch(`${p.url}/graphql?query=${q}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { me: { name: 'sd-analyst' } } });
    const m = encodeURIComponent('mutation { logout }');
    const mut = await fetch(`${p.url}/graphql?query=${m}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect(mut.status).toBe(405);
  });

  it('reports malformed JSON as a 400 with a GraphQL-shaped error', async () => {
    const res = await fetch(`${p.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'the request body is not valid JSON' }] });
  });

  it('refuses a query deeper than the limit before running it', async () => {
    let selection = 'code';
    for (let i = 0; i < 12; i++) selection = `children { ${selection} }`;
    const r = await p.gql(`{ regions { ${selection} } }`, {}, token);
    expect(r.status).toBe(400);
    expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0].message).toMatch(/exceeds maximum operation depth of 10/);
  });

  it('refuses a query whose cost (fields × page sizes) is above the limit', async () => {
    const r = await p.gql(
      `{ entities(first: 100) { nodes { shops(first: 100) { nodes { id name url history { kind note at } entity { name uscc } } } } } }`,
      {},
      token,
    );
    expect(r.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(r.data ?? null).toBeNull();
    const fine = await p.gql(`{ shops(first: 100) { nodes { id name entity { name } } } }`, {}, token);
    expect(fine.errors).toBeUndefined();
  });

  it('prices one document anew for each page size and @include it is sent with (the estimate is remembered per such variables)', async () => {
    const doc = `query($n: Int, $after: String, $deep: Boolean!) { entities(first: $n, after: $after) { nodes { id
      shops(first: 100) @include(if: $deep) { nodes { id name url history { kind note at } entity { name uscc } } } } } }`;
    const verdict = async (vars: Record<string, unknown>) => (await p.gql(doc, vars, token)).errors?.[0]?.extensions?.code ?? 'ok';
    expect(await verdict({ n: 1, deep: true })).toBe('ok');
    expect(await verdict({ n: 100, deep: true })).toBe('QUERY_TOO_COMPLEX');
    expect(await verdict({ n: 100, deep: false })).toBe('ok');
    expect(await verdict({ n: 1, deep: true, after: null })).toBe('ok');
    expect(await verdict({ n: 100, deep: true, after: null })).toBe('QUERY_TOO_COMPLEX');
    // a variable the schema refuses is still refused on a document already priced
    expect(await verdict({ n: 'ten', deep: true })).toBe('BAD_USER_INPUT');
  });

  it('answers a variable the schema refuses (an unknown enum value, text for an Int) as BAD_USER_INPUT, not a server error', async () => {
    const enumValue = await p.gql(
      `query($g: MetricGranularity) { metrics(keys: ["shops_filed"], from: "2026-01", to: "2026-01", granularity: $g) { value } }`,
      { g: 'WEEK' },
      token,
    );
    expect(enumValue.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(enumValue.errors?.[0].message).toContain('WEEK');
    const int = await p.gql(`query($n: Int) { shops(first: $n) { totalCount } }`, { n: 'ten' }, token);
    expect(int.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(int.data ?? null).toBeNull();
  });

  it('says UNAUTHENTICATED to anonymous callers and 401 to a bad token', async () => {
    const anon = await p.gql(`{ shops(first: 1) { totalCount } }`);
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await p.gql(`{ me { name } }`, {}, 'hds_forged');
    expect(bad.status).toBe(401);
    expect(bad.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('schema snapshot', () => {
  it('schema/schema.graphql is the printed schema of the code (run `npm run schema` after changing the API)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-schema-')), 'schema.graphql');
    await buildHongdunSchema(file);
    const printed = fs.readFileSync(file, 'utf8');
    const committed = fs.readFileSync(path.resolve(__dirname, '../schema/schema.graphql'), 'utf8');
    expect(committed).toBe(printed);
  });
});

describe('operations endpoints', () => {
  it('serves GraphiQL to browsers from the project\'s own files, no CDN', async () => {
    const page = await fetch(`${p.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const src of sources) {
      expect(src.startsWith('/')).toBe(true);
      const asset = await fetch(`${p.url}${src}`);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('/healthz, /readyz and /metrics answer', async () => {
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${p.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true, jobs: true } });
    await p.gql(`query Probe { me { name } }`, {}, token);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toMatch(/hongdun_graphql_operations_total\{type="query",name="Probe",outcome="ok"\} \d+/);
    expect(metrics).toContain('hongdun_http_request_duration_seconds_bucket');
    // the job queue to watch: depth and failures by state
    expect(metrics).toMatch(/hongdun_jobs\{runner="in-process",state="failed"\} \d+/);
    expect(metrics).toMatch(/hongdun_jobs\{runner="in-process",state="active"\} \d+/);
  });
});
