import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqlExecutor, executorFromEntityManager } from '../store';
import {
  BlobAlteredError,
  BlobStore,
  type CaptureInput,
  type EvidenceStore,
  evidenceSink,
  openEvidenceStore,
  recordHash,
} from '../crawlers/evidence';
import { type Actor, AccessDeniedError, runAs } from '../entities';
import { runAsSystem } from '../services/system-actor';
import { BACKEND, type TestDatabase, openTestDatabase } from './support/database';

const sys = <T>(fn: () => T) => runAsSystem('evidence test', fn);
const analyst = (prefix: string): Actor => ({
  kind: 'user', id: 1, name: `x${prefix}-analyst`, unitId: null, role: 'analyst', permissions: new Set(), prefixes: [prefix],
});
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 8, minute, 0, minute % 2 === 0 ? 0 : 250));
const CRAWLER = 'hongdun-shop-spider/0.1 run 12';
/** A one-pixel PNG (screenshot stand-in). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function page(shopId: number, n: number, extra: Partial<CaptureInput> = {}): CaptureInput {
  return {
    shopId, kind: 'response', url: `https://shop.demo.test/s/${shopId}/p/${n}`, observedAt: at(n), status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'], server: 'demo', 'x-none': undefined },
    body: `<html><body>店铺 ${shopId} 第 ${n} 页 亮照</body></html>`, crawler: CRAWLER, runId: 12, ...extra,
  };
}

interface WarcRec {
  fields: [string, string][];
  get(name: string): string | undefined;
  all(name: string): string[];
  block: Buffer;
}

/** A small WARC reader for the assertions: version line, fields, Content-Length block, CRLF CRLF. */
function parseWarc(buf: Buffer): WarcRec[] {
  const records: WarcRec[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw new Error(`no header end after byte ${pos}`);
    const [version, ...lines] = buf.subarray(pos, headEnd).toString('utf8').split('\r\n');
    if (version !== 'WARC/1.1') throw new Error(`bad version line ${JSON.stringify(version)} at ${pos}`);
    const fields = lines.map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
    });
    const all = (name: string) => fields.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    const length = Number(all('Content-Length')[0]);
    const start = headEnd + 4;
    const block = buf.subarray(start, start + length);
    if (block.length !== length) throw new Error('truncated block');
    if (buf.subarray(start + length, start + length + 4).toString('latin1') !== '\r\n\r\n') throw new Error('record not followed by CRLF CRLF');
    records.push({ fields, all, get: (n) => all(n)[0], block });
    pos = start + length + 4;
  }
  return records;
}

/** The HTTP message of a response block: status line, header lines, body. */
function parseHttp(block: Buffer): { statusLine: string; headers: string[]; body: Buffer } {
  const end = block.indexOf('\r\n\r\n');
  const [statusLine, ...headers] = block.subarray(0, end).toString('latin1').split('\r\n');
  return { statusLine, headers, body: block.subarray(end + 4) };
}

describe(`evidence store on ${BACKEND}`, () => {
  let t: TestDatabase;
  let db: SqlExecutor;
  let root: string;
  let store: EvidenceStore;
  const shops: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'qd', number> = { a: 0, b: 0, c: 0, d: 0, e: 0, qd: 0 };

  /** Tampering as someone with table-owner rights would: the append-only trigger switched off. */
  async function tamper(sql: string, params: unknown[] = []): Promise<void> {
    await db.query(`alter table evidence_capture disable trigger evidence_capture_no_update_delete`);
    try {
      await db.query(sql, params);
    } finally {
      await db.query(`alter table evidence_capture enable trigger evidence_capture_no_update_delete`);
    }
  }

  beforeAll(async () => {
    t = await openTestDatabase();
    db = executorFromEntityManager(t.orm.em.fork());
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-evidence-'));
    store = openEvidenceStore(t.orm.em.fork(), root);
    const region: Record<keyof typeof shops, string> = { a: '370102', b: '370102', c: '370102', d: '370102', e: '370102', qd: '370203' };
    for (const key of Object.keys(shops) as (keyof typeof shops)[]) {
      const [row] = await db.query<{ id: number }>(
        `insert into shop (name, platform, url, domain, classification, region_code) values (?, 'demo', ?, 'shop.demo.test', 'platform_merchant', ?) returning id`,
        [`店铺${key}`, `https://shop.demo.test/s/${key}`, region[key]],
      );
      shops[key] = row.id;
    }
  });
  afterAll(async () => {
    await t?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('addresses blobs by the SHA-256 of their bytes and stores each content once, read-only', async () => {
    const blobs = new BlobStore(path.join(root, 'own'));
    const bytes = Buffer.from('同一内容 same content');
    const first = await blobs.put(bytes);
    const second = await blobs.put(Buffer.from(bytes));
    expect(first).toEqual({ sha256: sha(bytes), bytes: bytes.length, created: true });
    expect(second).toEqual({ sha256: sha(bytes), bytes: bytes.length, created: false });
    const file = path.join(root, 'own', 'sha256', sha(bytes).slice(0, 2), sha(bytes).slice(2, 4), sha(bytes));
    expect(blobs.path(sha(bytes))).toBe(file);
    expect(fs.readFileSync(file)).toEqual(bytes);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    const all = fs.readdirSync(path.join(root, 'own'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(all.map((e) => e.name)).toEqual([sha(bytes)]); // no temporary files left
    expect(await blobs.read(sha(bytes))).toEqual(bytes);
    expect(await blobs.check(sha(bytes))).toBe('ok');
    expect(await blobs.check(sha('absent'))).toBe('missing');
    // an existing file is never rewritten, even when it no longer matches its name
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, 'tampered');
    expect((await blobs.put(bytes)).created).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('tampered');
    await expect(blobs.read(sha(bytes))).rejects.toThrow(BlobAlteredError);
    expect(await blobs.read(sha(bytes), { verify: false })).toEqual(Buffer.from('tampered'));
  });

  it('appends captures to the shop chain: seq 1, 2, 3 with each prev_hash the previous record_hash', async () => {
    const results = await sys(() => store.captureMany([page(shops.a, 1), page(shops.a, 2), page(shops.a, 3)]));
    expect(results.map((r) => [r.seq, r.created])).toEqual([[1, true], [2, true], [3, true]]);
    expect(results[0].prevHash).toBeNull();
    expect(results[1].prevHash).toBe(results[0].recordHash);
    expect(results[2].prevHash).toBe(results[1].recordHash);
    for (const r of results) {
      expect(r.regionCode).toBe('370102');
      expect(r.sha256).toBe(sha(page(shops.a, r.seq).body as string));
      expect(r.bytes).toBe(Buffer.byteLength(page(shops.a, r.seq).body as string));
      expect(r.recordHash).toBe(recordHash(r));
      expect(r.headers).toEqual({ 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', 'set-cookie': ['a=1', 'b=2'], server: 'demo' });
      expect(r.observedAt.getTime()).toBe(at(r.seq).getTime());
      expect(r).toMatchObject({ kind: 'response', status: 200, crawler: CRAWLER, runId: 12 });
      expect(fs.readFileSync(store.blobs.path(r.sha256), 'utf8')).toBe(page(shops.a, r.seq).body);
    }
    // a screenshot of page 1 at the same moment
    const shot = await sys(() =>
      store.capture({ shopId: shops.a, kind: 'screenshot', url: page(shops.a, 1).url, observedAt: at(1), body: PNG, crawler: 'hongdun-browser/0.1 run 12', runId: 12 }),
    );
    expect(shot).toMatchObject({ seq: 4, kind: 'screenshot', status: null, contentType: 'image/png', headers: null, prevHash: results[2].recordHash, sha256: sha(PNG) });
    // the stored row hashes the same when read back
    const rows = await sys(() => store.captures({ shopId: shops.a }));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    for (const r of rows) expect(recordHash(r)).toBe(r.recordHash);
    const report = await sys(() => store.verify({ shopId: shops.a }));
    expect(report.totals).toMatchObject({ captures: 4, intact: 4, problems: 0 });
    expect(report.chains).toEqual([{ shopId: shops.a, captures: 4, problems: 0, headSeq: 4, headHash: shot.recordHash }]);
  });

  it('returns the existing capture when the same capture comes again (retried crawl)', async () => {
    const before = await sys(() => store.captures({ shopId: shops.a }));
    const again = await sys(() => store.capture(page(shops.a, 2)));
    expect(again.created).toBe(false);
    expect(again.id).toBe(before[1].id);
    expect(again.seq).toBe(2);
    // a repeat inside one batch, next to a new capture
    const batch = await sys(() => store.captureMany([page(shops.a, 5), page(shops.a, 5), page(shops.a, 3)]));
    expect(batch.map((r) => [r.seq, r.created])).toEqual([[5, true], [5, false], [3, false]]);
    expect(batch[0].id).toBe(batch[1].id);
    // same URL and time but different bytes is a different capture
    const changed = await sys(() => store.capture(page(shops.a, 2, { body: 'other bytes' })));
    expect(changed).toMatchObject({ seq: 6, created: true, prevHash: batch[0].recordHash });
    const [n] = await db.query<{ n: number }>(`select count(*)::int as n from evidence_capture where shop_id = ?`, [shops.a]);
    expect(n.n).toBe(6);
  });

  it('keeps one gap-free chain under concurrent appends from several stores', async () => {
    const stores = [store, openEvidenceStore(t.orm.em.fork(), root), openEvidenceStore(t.orm.em.fork(), root)];
    const n = 30;
    const results = await sys(() => Promise.all(Array.from({ length: n }, (_, i) => stores[i % 3].capture(page(shops.b, i + 1)))));
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const rows = await sys(() => store.captures({ shopId: shops.b }));
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].recordHash);
    // the same captures again, concurrently: nothing appended
    const again = await sys(() => Promise.all(Array.from({ length: n }, (_, i) => stores[(i + 1) % 3].capture(page(shops.b, i + 1)))));
    expect(again.every((r) => !r.created)).toBe(true);
    expect((await sys(() => store.verify({ shopId: shops.b }))).totals).toMatchObject({ captures: n, intact: n, problems: 0 });
  });

  it('serves the crawl ingest as its evidence sink (final URL, the run’s moment, SHA-256 per body in order)', async () => {
    const sink = evidenceSink(store, { crawler: 'hongdun-shop-spider/0.1 run 13', runId: 13 });
    const response = (n: number) => ({
      url: `https://shop.demo.test/r/${n}`, finalUrl: `https://shop.demo.test/r/${n}/`, status: 200, headers: { 'content-type': 'text/html' },
      contentType: 'text/html', body: Buffer.from(`<p>${n}</p>`), fetchedAt: at(40 + n),
    });
    const items = [1, 2].map((n) => ({ shopId: shops.d, observedAt: at(0), response: response(n) }));
    expect(await sys(() => sink.capture(items))).toEqual([sha('<p>1</p>'), sha('<p>2</p>')]);
    expect(await sys(() => sink.capture(items))).toEqual([sha('<p>1</p>'), sha('<p>2</p>')]); // re-ingest: nothing appended
    const rows = await sys(() => store.captures({ shopId: shops.d }));
    expect(rows.map((r) => [r.seq, r.url, r.observedAt.getTime(), r.runId, r.crawler])).toEqual([
      [1, 'https://shop.demo.test/r/1/', at(0).getTime(), 13, 'hongdun-shop-spider/0.1 run 13'],
      [2, 'https://shop.demo.test/r/2/', at(0).getTime(), 13, 'hongdun-shop-spider/0.1 run 13'],
    ]);
    // a retried run fetches the pages again (a later fetch time, same bytes): still nothing appended
    const retried = items.map((i) => ({ ...i, response: { ...i.response, fetchedAt: at(90) } }));
    await sys(() => sink.capture(retried));
    expect(await sys(() => store.captures({ shopId: shops.d }))).toHaveLength(2);
  });

  it('refuses edits and deletions in the database, and the deletion of a shop with evidence', async () => {
    await expect(db.query(`update evidence_capture set url = 'x' where shop_id = ?`, [shops.a])).rejects.toThrow(/evidence_capture is append-only \(UPDATE refused\)/);
    await expect(db.query(`delete from evidence_capture where shop_id = ?`, [shops.a])).rejects.toThrow(/evidence_capture is append-only \(DELETE refused\)/);
    await expect(db.query(`truncate evidence_capture`)).rejects.toThrow(/evidence_capture is append-only \(TRUNCATE refused\)/);
    await expect(db.query(`delete from shop where id = ?`, [shops.a])).rejects.toThrow(/evidence_capture_shop_id_foreign/);
  });

  it('detects an altered blob, a missing blob, an edited row and a deleted row', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => page(shops.c, i + 1));
    const c = await sys(() => store.captureMany(inputs));
    expect((await sys(() => store.verify({ shopId: shops.c }))).totals).toMatchObject({ captures: 6, intact: 6 });
    // seq 1: blob edited
    const f1 = store.blobs.path(c[0].sha256);
    fs.chmodSync(f1, 0o644);
    fs.writeFileSync(f1, '<html>改过的</html>');
    // seq 2: blob deleted
    fs.rmSync(store.blobs.path(c[1].sha256));
    // seq 3: a field edited in the row
    await tamper(`update evidence_capture set url = ? where id = ?`, ['https://elsewhere.test/', c[2].id]);
    // seq 5: deleted, so seq 6 no longer links
    await tamper(`delete from evidence_capture where id = ?`, [c[4].id]);
    const report = await sys(() => store.verify({ shopId: shops.c }));
    expect(report.captures.map((v) => [v.seq, v.status])).toEqual([
      [1, 'blob-altered'],
      [2, 'blob-missing'],
      [3, 'record-altered'],
      [4, 'intact'],
      [6, 'chain-broken'],
    ]);
    expect(report.totals).toEqual({ captures: 5, intact: 1, problems: 4, 'record-altered': 1, 'chain-broken': 1, 'blob-missing': 1, 'blob-altered': 1 });
    // an edited row re-hashed to look consistent still breaks the link of the next one
    const e = await sys(() => store.captureMany([page(shops.e, 1), page(shops.e, 2), page(shops.e, 3)]));
    const forged = { ...e[1], crawler: 'forged' };
    await tamper(`update evidence_capture set crawler = 'forged', record_hash = ? where id = ?`, [recordHash(forged), e[1].id]);
    const again = await sys(() => store.verify({ shopId: shops.e }));
    expect(again.captures.map((v) => [v.seq, v.problems])).toEqual([[1, []], [2, []], [3, ['chain-broken']]]);
    // a deleted first capture shows at the new first one
    await tamper(`delete from evidence_capture where id = ?`, [e[0].id]);
    const headless = await sys(() => store.verify({ shopId: shops.e }));
    expect(headless.captures.map((v) => [v.seq, v.problems])).toEqual([[2, ['chain-broken']], [3, ['chain-broken']]]);
    // export refuses tampered bytes and leaves no file behind
    const out = path.join(root, 'tampered.warc');
    await expect(sys(() => store.exportWarc({ shopId: shops.c }, out))).rejects.toThrow(BlobAlteredError);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
    // the other chains are untouched
    expect((await sys(() => store.verify({ shopId: shops.b }))).totals.problems).toBe(0);
  });

  it('reads and verifies within the actor’s jurisdiction only', async () => {
    await sys(() => store.captureMany([page(shops.qd, 1), page(shops.qd, 2)]));
    const all = await sys(() => store.verify({ checkBlobs: false }));
    expect(all.chains.map((ch) => ch.shopId).sort((x, y) => x - y)).toEqual([shops.a, shops.b, shops.c, shops.d, shops.e, shops.qd].sort((x, y) => x - y));
    const jinan = await runAs(analyst('3701'), () => store.verify({ checkBlobs: false }));
    expect(new Set(jinan.captures.map((v) => v.shopId))).toEqual(new Set([shops.a, shops.b, shops.c, shops.d, shops.e]));
    const qingdao = await runAs(analyst('3702'), () => store.verify());
    expect(qingdao.captures.map((v) => [v.shopId, v.seq, v.status])).toEqual([[shops.qd, 1, 'intact'], [shops.qd, 2, 'intact']]);
    const other = await runAs(analyst('370103'), () => store.verify());
    expect(other.totals).toMatchObject({ captures: 0, intact: 0, problems: 0 });
    expect(other.chains).toEqual([]);
    expect(await runAs(analyst('370103'), () => store.captures({ shopId: shops.a }))).toEqual([]);
    expect(await runAs(analyst('3701'), () => store.captures({ regionPrefix: '370203' }))).toEqual([]);
    // writes too: a shop outside the actor's jurisdiction is refused; no actor at all is refused
    await expect(runAs(analyst('3702'), () => store.capture(page(shops.d, 9)))).rejects.toThrow(AccessDeniedError);
    await expect(store.capture(page(shops.d, 9))).rejects.toThrow(/no actor in context/);
    expect((await sys(() => store.captures({ shopId: shops.d }))).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('exports captures as WARC 1.1, plain and gzipped per record', async () => {
    const captures = await sys(() => store.captures({ shopId: shops.a }));
    expect(captures.length).toBe(6);
    for (const name of ['a.warc', 'a.warc.gz']) {
      const out = path.join(root, 'export', name);
      const result = await sys(() => store.exportWarc({ shopId: shops.a }, out));
      const file = fs.readFileSync(out);
      expect(result).toEqual({ records: 7, bytes: file.length, captureIds: captures.map((c) => c.id) });
      if (name.endsWith('.gz')) expect(file.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const records = parseWarc(name.endsWith('.gz') ? zlib.gunzipSync(file) : file);
      expect(records.length).toBe(7);
      const [info, ...rest] = records;
      expect(info.get('WARC-Type')).toBe('warcinfo');
      expect(info.get('Content-Type')).toBe('application/warc-fields');
      expect(info.get('WARC-Filename')).toBe(name);
      expect(info.block.toString()).toMatch(/^software: hongdun evidence store/);
      expect(rest.map((r) => r.get('WARC-Type'))).toEqual(captures.map((c) => (c.kind === 'response' ? 'response' : 'resource')));
      expect(rest.map((r) => r.get('WARC-Target-URI'))).toEqual(captures.map((c) => c.url));
      expect(new Set(records.map((r) => r.get('WARC-Record-ID'))).size).toBe(7);
      for (const [i, r] of rest.entries()) {
        const c = captures[i];
        expect(r.get('WARC-Record-ID')).toMatch(/^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/);
        expect(r.get('WARC-Warcinfo-ID')).toBe(info.get('WARC-Record-ID'));
        expect(new Date(r.get('WARC-Date')!).getTime()).toBe(c.observedAt.getTime());
        expect(r.get('WARC-Block-Digest')).toBe(`sha256:${sha(r.block)}`);
        expect(r.get('Hongdun-Record-Hash')).toBe(c.recordHash);
        expect(r.get('Hongdun-Capture-Seq')).toBe(String(c.seq));
        const payload = c.kind === 'response' ? parseHttp(r.block).body : r.block;
        expect(r.get('WARC-Payload-Digest')).toBe(`sha256:${sha(payload)}`);
        expect(sha(payload)).toBe(c.sha256);
        if (c.kind === 'response') {
          expect(r.get('Content-Type')).toBe('application/http;msgtype=response');
          const http = parseHttp(r.block);
          expect(http.statusLine).toBe('HTTP/1.1 200 OK');
          expect(http.headers).toEqual(expect.arrayContaining(['set-cookie: a=1', 'set-cookie: b=2', 'X-Archive-Orig-content-encoding: gzip', `Content-Length: ${payload.length}`]));
          expect(http.headers.some((h) => /^content-encoding:/i.test(h))).toBe(false);
        } else {
          expect(r.get('Content-Type')).toBe('image/png');
          expect(payload).toEqual(PNG);
          // linked to the response of the same page and moment
          expect(r.get('WARC-Concurrent-To')).toBe(rest[0].get('WARC-Record-ID'));
        }
      }
    }
    // a time window and an id list narrow the export
    const window = await sys(() => store.exportWarc({ shopId: shops.a, from: at(2), to: at(4) }, path.join(root, 'export', 'window.warc')));
    expect(window.captureIds).toEqual(captures.filter((c) => c.observedAt >= at(2) && c.observedAt < at(4)).map((c) => c.id));
    const ids = await sys(() => store.exportWarc({ captureIds: [captures[1].id] }, path.join(root, 'export', 'one.warc')));
    expect(ids).toMatchObject({ records: 2, captureIds: [captures[1].id] });
    // another jurisdiction exports nothing but the warcinfo record
    const outside = await runAs(analyst('370103'), () => store.exportWarc({ shopId: shops.a }, path.join(root, 'export', 'none.warc')));
    expect(outside).toMatchObject({ records: 1, captureIds: [] });
  });
});
