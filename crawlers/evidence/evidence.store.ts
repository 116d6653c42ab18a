import type { EntityManager } from '@mikro-orm/postgresql';
import fs from 'node:fs/promises';
import path from 'node:path';
import { executorFromEntityManager } from '../../store/sql-executor';
import { AccessDeniedError, currentActor, inJurisdiction, jurisdictionSql } from '../../entities/jurisdiction';
import { BlobAlteredError, BlobMissingError, type BlobState, BlobStore, type BlobStoreOptions, sha256Hex } from '../../kernel/blob-store';
import { recordHash } from './record-hash';
import {
  CAPTURE_KINDS,
  type CaptureFilter,
  type CaptureHeaders,
  type CaptureInput,
  type CaptureKind,
  type CaptureProblem,
  type CaptureResult,
  type CaptureVerification,
  type ChainSummary,
  type EvidenceCapture,
  type SqlExecutor,
  type VerifyOptions,
  type VerifyReport,
  type WarcExportResult,
} from './types';
import { type WarcRecord, encodeRecord, httpResponseBlock, randomRecordId, uuidUrnFromHex, warcFieldsBlock } from './warc';

/**
 * A SqlExecutor that can also run a function in one transaction on one connection. Chain appends need
 * it: the advisory lock, the read of the chain head and the insert must share a transaction.
 */
export interface EvidenceDatabase extends SqlExecutor {
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * An EvidenceDatabase on a MikroORM EntityManager (a fork; not one already inside a transaction that
 * other code uses concurrently). Each `transaction` is `em.transactional`: its own fork and connection.
 */
export function evidenceDatabase(em: EntityManager): EvidenceDatabase {
  const base = executorFromEntityManager(em);
  return {
    query: (sql, params) => base.query(sql, params),
    transaction: (fn) => em.transactional((tem) => fn(executorFromEntityManager(tem))),
  };
}

/** Namespace of the two-key advisory locks (`pg_advisory_xact_lock(ns, shop_id)`): 'EVID'. */
const LOCK_NAMESPACE = 0x45564944;

/** Shops verified per query (each query walks whole chains with a window function). */
const VERIFY_BATCH = 200;

const COLUMNS = `id, shop_id, region_code, seq, kind, url, observed_at, status, content_type, headers, sha256, bytes, crawler, run_id, prev_hash, record_hash, created_at`;

/** An invalid capture (the crawler's bug, not a database problem). */
export class EvidenceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceInputError';
  }
}

interface Prepared {
  index: number;
  shopId: number;
  kind: CaptureKind;
  url: string;
  observedAt: Date;
  status: number | null;
  contentType: string | null;
  headers: CaptureHeaders | null;
  sha256: string;
  bytes: number;
  crawler: string;
  runId: number | null;
}

const naturalKey = (c: { kind: string; url: string; observedAt: Date; sha256: string }) =>
  `${c.kind}\n${c.url}\n${c.observedAt.toISOString()}\n${c.sha256}`;

/**
 * The evidence of the crawlers: every captured response body and screenshot kept as a content-addressed
 * blob (SHA-256) with URL, time, status, headers and the crawler's identity in `evidence_capture`, each
 * row appended to its shop's hash chain.
 *
 * Invariants, enforced here:
 * - a row is written only after its blob is safely on disk (blob first, then row);
 * - per shop, `seq` runs 1, 2, 3 … without gaps and `prev_hash` is the previous row's `record_hash`:
 *   appends to one shop are serialised by `pg_advisory_xact_lock(ns, shop_id)` in the inserting
 *   transaction, across connections and processes;
 * - capturing the same (shop, kind, url, observed_at, sha256) again returns the existing capture (a
 *   retried crawl appends nothing).
 *
 * Access: writes need an actor whose jurisdiction holds the shop's region (crawlers run as system); the
 * capture takes the shop's region at capture time. Reads (`captures`, `verify`, `exportWarc`) are scoped
 * by `jurisdictionSql('region_code')`.
 */
export class EvidenceStore {
  readonly blobs: BlobStore;

  constructor(
    private readonly db: EvidenceDatabase,
    root: string,
    blobOptions: BlobStoreOptions = {},
  ) {
    this.blobs = new BlobStore(root, blobOptions);
  }

  /** Stores one capture; see `captureMany`. */
  async capture(input: CaptureInput): Promise<CaptureResult> {
    return (await this.captureMany([input]))[0];
  }

  /**
   * Stores the blobs, then appends the rows to their shops' chains (one transaction per shop, in input
   * order within a shop). Returns one result per input, in input order; `created` is false for a
   * capture that already existed (also for a repeat within `inputs`). A failure leaves blobs without
   * rows at worst (harmless: content-addressed, never referenced).
   */
  async captureMany(inputs: readonly CaptureInput[]): Promise<CaptureResult[]> {
    const prepared: Prepared[] = [];
    for (let i = 0; i < inputs.length; i++) prepared.push(prepare(inputs[i], i));
    currentActor(); // fail closed before touching the disk
    for (let i = 0; i < inputs.length; i++) {
      const body = inputs[i].body;
      await this.blobs.put(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
    }
    const byShop = new Map<number, Prepared[]>();
    for (const p of prepared) byShop.set(p.shopId, [...(byShop.get(p.shopId) ?? []), p]);
    const results: CaptureResult[] = new Array(inputs.length);
    for (const shopId of [...byShop.keys()].sort((a, b) => a - b)) {
      const appended = await this.db.transaction((tx) => this.append(tx, shopId, byShop.get(shopId)!));
      for (const [index, result] of appended) results[index] = result;
    }
    return results;
  }

  /** Appends to one shop's chain under its advisory lock (inside `tx`'s transaction). */
  private async append(tx: SqlExecutor, shopId: number, items: Prepared[]): Promise<Map<number, CaptureResult>> {
    await tx.query(`select pg_advisory_xact_lock(?::int, ?::int)`, [LOCK_NAMESPACE, shopId]);
    const [shop] = await tx.query<{ region_code: string }>(`select region_code from shop where id = ?`, [shopId]);
    if (!shop) throw new EvidenceInputError(`capture: shop ${shopId} does not exist`);
    if (!inJurisdiction(shop.region_code)) {
      throw new AccessDeniedError(`capture: shop ${shopId} (region ${shop.region_code}) lies outside the actor's jurisdiction`);
    }
    const existing = await tx.query<Record<string, unknown>>(
      `select ${COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')} from evidence_capture c
       join jsonb_to_recordset(?::jsonb) as k(kind text, url text, observed_at timestamptz, sha256 text)
         on c.kind = k.kind and c.url = k.url and c.observed_at = k.observed_at and c.sha256 = k.sha256
       where c.shop_id = ?`,
      [JSON.stringify(items.map((p) => ({ kind: p.kind, url: p.url, observed_at: p.observedAt.toISOString(), sha256: p.sha256 }))), shopId],
    );
    const known = new Map<string, EvidenceCapture>();
    for (const row of existing) {
      const c = toCapture(row);
      known.set(naturalKey(c), c);
    }
    const [head] = await tx.query<{ seq: number; record_hash: string }>(
      `select seq, record_hash from evidence_capture where shop_id = ? order by seq desc limit 1`,
      [shopId],
    );
    let seq = head ? Number(head.seq) : 0;
    let prevHash: string | null = head ? head.record_hash : null;
    const results = new Map<number, CaptureResult>();
    const pending = new Map<string, { index: number; row: Record<string, unknown> }>();
    const repeats: [number, string][] = [];
    for (const p of items) {
      const key = naturalKey(p);
      const found = known.get(key);
      if (found) {
        results.set(p.index, { ...found, created: false });
        continue;
      }
      if (pending.has(key)) {
        repeats.push([p.index, key]);
        continue;
      }
      seq += 1;
      const fields = { ...p, seq, prevHash };
      const hash = recordHash(fields);
      pending.set(key, {
        index: p.index,
        row: {
          shop_id: shopId, region_code: shop.region_code, seq, kind: p.kind, url: p.url, observed_at: p.observedAt.toISOString(),
          status: p.status, content_type: p.contentType, headers: p.headers, sha256: p.sha256, bytes: p.bytes, crawler: p.crawler,
          run_id: p.runId, prev_hash: prevHash, record_hash: hash,
        },
      });
      prevHash = hash;
    }
    if (pending.size > 0) {
      const inserted = await tx.query<Record<string, unknown>>(
        `insert into evidence_capture (shop_id, region_code, seq, kind, url, observed_at, status, content_type, headers, sha256, bytes, crawler, run_id, prev_hash, record_hash)
         select shop_id, region_code, seq, kind, url, observed_at, status, content_type, headers, sha256, bytes, crawler, run_id, prev_hash, record_hash
         from jsonb_to_recordset(?::jsonb) as x(shop_id int, region_code varchar, seq int, kind text, url varchar, observed_at timestamptz,
           status int, content_type text, headers jsonb, sha256 text, bytes bigint, crawler text, run_id int, prev_hash text, record_hash text)
         order by seq
         returning ${COLUMNS}`,
        [JSON.stringify([...pending.values()].map((v) => v.row))],
      );
      const bySeq = new Map(inserted.map((r) => [Number(r.seq), toCapture(r)]));
      for (const [key, { index, row }] of pending) {
        const c = bySeq.get(row.seq as number)!;
        results.set(index, { ...c, created: true });
        known.set(key, c);
      }
    }
    for (const [index, key] of repeats) results.set(index, { ...known.get(key)!, created: false });
    return results;
  }

  /** Captures matching `filter` within the current actor's jurisdiction, by shop and seq. */
  async captures(filter: CaptureFilter = {}): Promise<EvidenceCapture[]> {
    const where = filterSql(filter);
    const rows = await this.db.query<Record<string, unknown>>(
      `select ${COLUMNS} from evidence_capture where ${where.sql} order by shop_id, seq`,
      where.params,
    );
    return rows.map(toCapture);
  }

  /** The bytes of a capture, checked against its `sha256` (throws BlobMissingError / BlobAlteredError). */
  async body(capture: Pick<EvidenceCapture, 'sha256'>): Promise<Buffer> {
    return this.blobs.read(capture.sha256);
  }

  /**
   * Walks every chain in scope (the actor's jurisdiction, narrowed by `shopId` / `regionPrefix`) in seq
   * order and says of each capture whether it is intact. A capture's predecessor is looked up in the
   * whole chain, so a chain partly outside the actor's jurisdiction (a shop that moved) is not reported
   * broken; nothing of the invisible captures is returned.
   *
   * Limits: a deleted *last* capture leaves no trace in the chain (record `chains[].headHash`
   * elsewhere to detect that), and whoever can rewrite every later row and its hash can rewrite history:
   * the chain makes tampering evident, anchoring its heads outside the database makes it provable.
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    const checkBlobs = options.checkBlobs ?? true;
    const scope = filterSql({ shopId: options.shopId, regionPrefix: options.regionPrefix });
    const shops = await this.db.query<{ shop_id: number }>(
      `select distinct shop_id from evidence_capture where ${scope.sql} order by shop_id`,
      scope.params,
    );
    const outer = filterSql({ regionPrefix: options.regionPrefix }, 'x.region_code');
    const blobStates = new Map<string, BlobState>();
    const captures: CaptureVerification[] = [];
    const chains: ChainSummary[] = [];
    for (let i = 0; i < shops.length; i += VERIFY_BATCH) {
      const ids = shops.slice(i, i + VERIFY_BATCH).map((s) => Number(s.shop_id));
      const rows = await this.db.query<Record<string, unknown>>(
        `select x.* from (
           select ${COLUMNS}, lag(seq) over w as lag_seq, lag(record_hash) over w as lag_hash
           from evidence_capture
           where shop_id in (select (jsonb_array_elements_text(?::jsonb))::int)
           window w as (partition by shop_id order by seq)
         ) x
         where ${outer.sql}
         order by x.shop_id, x.seq`,
        [JSON.stringify(ids), ...outer.params],
      );
      for (const row of rows) {
        const c = toCapture(row);
        const problems: CaptureProblem[] = [];
        if (recordHash(c) !== c.recordHash) problems.push('record-altered');
        const lagSeq = row.lag_seq == null ? null : Number(row.lag_seq);
        const lagHash = row.lag_hash == null ? null : String(row.lag_hash);
        const linked = lagSeq === null ? c.seq === 1 && c.prevHash === null : c.seq === lagSeq + 1 && c.prevHash === lagHash;
        if (!linked) problems.push('chain-broken');
        if (checkBlobs) {
          let state = blobStates.get(c.sha256);
          if (state === undefined) {
            state = await this.blobs.check(c.sha256);
            blobStates.set(c.sha256, state);
          }
          if (state === 'missing') problems.push('blob-missing');
          if (state === 'altered') problems.push('blob-altered');
        }
        captures.push({
          id: c.id, shopId: c.shopId, seq: c.seq, kind: c.kind, url: c.url, observedAt: c.observedAt,
          status: problems[0] ?? 'intact', problems,
        });
        const chain = chains.at(-1);
        if (chain && chain.shopId === c.shopId) {
          chain.captures += 1;
          chain.problems += problems.length > 0 ? 1 : 0;
          chain.headSeq = c.seq;
          chain.headHash = c.recordHash;
        } else {
          chains.push({ shopId: c.shopId, captures: 1, problems: problems.length > 0 ? 1 : 0, headSeq: c.seq, headHash: c.recordHash });
        }
      }
    }
    const totals = { captures: captures.length, intact: 0, problems: 0, 'record-altered': 0, 'chain-broken': 0, 'blob-missing': 0, 'blob-altered': 0 };
    for (const c of captures) {
      if (c.problems.length === 0) totals.intact += 1;
      else totals.problems += 1;
      for (const p of c.problems) totals[p] += 1;
    }
    return { captures, chains, totals };
  }

  /**
   * Writes the captures matching `filter` (within the actor's jurisdiction) to a WARC 1.1 file: a
   * `warcinfo` record, then per capture a `response` record (HTTP status line, headers, body) or a
   * `resource` record (a screenshot, linked by WARC-Concurrent-To to the response of the same page and
   * moment when exported with it), by shop and seq. A path ending in `.gz` gets one gzip member per
   * record. Record ids derive from the record hashes (the same capture always gets the same id); the
   * `Hongdun-*` fields carry shop, seq, record hash and crawler so a record can be checked against the
   * chain. Every blob is checked on the way: a missing or altered one aborts the export (no file).
   */
  async exportWarc(filter: CaptureFilter, out: string): Promise<WarcExportResult> {
    const captures = await this.captures(filter);
    const gzipped = out.endsWith('.gz');
    const partial = `${out}.partial`;
    await fs.mkdir(path.dirname(path.resolve(out)), { recursive: true });
    const handle = await fs.open(partial, 'w');
    let bytes = 0;
    let records = 0;
    const write = async (r: WarcRecord) => {
      const buf = await encodeRecord(r, gzipped);
      await handle.write(buf);
      bytes += buf.byteLength;
      records += 1;
    };
    try {
      const infoId = randomRecordId();
      await write({
        type: 'warcinfo',
        recordId: infoId,
        date: new Date(),
        contentType: 'application/warc-fields',
        block: warcFieldsBlock([
          ['software', 'hongdun evidence store (crawlers/evidence)'],
          ['format', 'WARC File Format 1.1'],
          ['conformsTo', 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/'],
          ['description', 'Crawler evidence of the Hongdun market-regulator platform: captured responses and screenshots with their hash chain fields'],
          ['operator', currentActor().name],
          ['hongdun-captures', String(captures.length)],
        ]),
        fields: [['WARC-Filename', path.basename(out)]],
      });
      const responseIds = new Map<string, string>();
      for (const c of captures) {
        if (c.kind === 'response') responseIds.set(`${c.shopId}\n${c.url}\n${c.observedAt.toISOString()}`, uuidUrnFromHex(c.recordHash));
      }
      for (const c of captures) {
        const body = await this.blobs.read(c.sha256);
        const fields: [string, string][] = [['WARC-Warcinfo-ID', infoId]];
        const concurrent = c.kind === 'screenshot' ? responseIds.get(`${c.shopId}\n${c.url}\n${c.observedAt.toISOString()}`) : undefined;
        if (concurrent) fields.push(['WARC-Concurrent-To', concurrent]);
        fields.push(
          ['Hongdun-Shop-Id', String(c.shopId)],
          ['Hongdun-Capture-Seq', String(c.seq)],
          ['Hongdun-Record-Hash', c.recordHash],
          ['Hongdun-Crawler', c.crawler],
        );
        await write({
          type: c.kind === 'response' ? 'response' : 'resource',
          recordId: uuidUrnFromHex(c.recordHash),
          date: c.observedAt,
          targetUri: c.url,
          contentType: c.kind === 'response' ? 'application/http;msgtype=response' : (c.contentType ?? 'application/octet-stream'),
          block: c.kind === 'response' ? httpResponseBlock(c.status ?? 200, c.headers, body) : body,
          payloadSha256: c.sha256,
          fields,
        });
      }
      await handle.sync();
      await handle.close();
      await fs.rename(partial, out);
    } catch (e) {
      await handle.close().catch(() => undefined);
      await fs.rm(partial, { force: true });
      throw e;
    }
    return { records, bytes, captureIds: captures.map((c) => c.id) };
  }
}

export { BlobAlteredError, BlobMissingError };

/** Checks and normalises one input (nothing is written for a batch with an invalid input). */
function prepare(input: CaptureInput, index: number): Prepared {
  const where = `capture ${index}`;
  if (!Number.isSafeInteger(input.shopId) || input.shopId < 1) throw new EvidenceInputError(`${where}: invalid shopId ${input.shopId}`);
  if (!CAPTURE_KINDS.includes(input.kind)) throw new EvidenceInputError(`${where}: invalid kind ${input.kind}`);
  if (typeof input.url !== 'string' || input.url.length === 0 || input.url.length > 2000) throw new EvidenceInputError(`${where}: url must be 1–2000 characters`);
  if (!(input.observedAt instanceof Date) || Number.isNaN(input.observedAt.getTime())) throw new EvidenceInputError(`${where}: invalid observedAt`);
  if (typeof input.crawler !== 'string' || input.crawler.trim() === '') throw new EvidenceInputError(`${where}: crawler identity required`);
  const status = input.status ?? null;
  if (input.kind === 'response' && (status === null || !Number.isInteger(status) || status < 100 || status > 599)) {
    throw new EvidenceInputError(`${where}: a response needs an HTTP status (100–599), got ${status}`);
  }
  const runId = input.runId ?? null;
  if (runId !== null && !Number.isSafeInteger(runId)) throw new EvidenceInputError(`${where}: invalid runId ${runId}`);
  if (input.body == null) throw new EvidenceInputError(`${where}: body required`);
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  let headers: CaptureHeaders | null = null;
  if (input.headers) {
    headers = {};
    for (const [name, value] of Object.entries(input.headers)) {
      if (value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.map(String) : String(value);
    }
  }
  return {
    index,
    shopId: input.shopId,
    kind: input.kind,
    url: input.url,
    observedAt: new Date(input.observedAt.getTime()),
    status: input.kind === 'response' ? status : null,
    contentType: input.contentType ?? (input.kind === 'screenshot' ? 'image/png' : null),
    headers,
    sha256: sha256Hex(body),
    bytes: body.byteLength,
    crawler: input.crawler,
    runId,
  };
}

/** The WHERE clause of a read: the actor's jurisdiction (on `column`), narrowed by the filter. */
function filterSql(filter: CaptureFilter, column = 'region_code'): { sql: string; params: unknown[] } {
  const j = jurisdictionSql(column);
  const parts = [j.sql];
  const params: unknown[] = [...j.params];
  if (filter.regionPrefix !== undefined && filter.regionPrefix !== '') {
    if (!/^\d{1,12}$/.test(filter.regionPrefix)) throw new EvidenceInputError(`invalid region prefix ${filter.regionPrefix}`);
    parts.push(`${column} like ?`);
    params.push(`${filter.regionPrefix}%`);
  }
  if (filter.shopId !== undefined) {
    if (!Number.isSafeInteger(filter.shopId)) throw new EvidenceInputError(`invalid shopId ${filter.shopId}`);
    parts.push('shop_id = ?');
    params.push(filter.shopId);
  }
  if (filter.captureIds !== undefined) {
    if (!filter.captureIds.every((id) => Number.isSafeInteger(id))) throw new EvidenceInputError('invalid capture ids');
    parts.push('id in (select (jsonb_array_elements_text(?::jsonb))::bigint)');
    params.push(JSON.stringify(filter.captureIds));
  }
  if (filter.from !== undefined) {
    parts.push('observed_at >= ?::timestamptz');
    params.push(filter.from.toISOString());
  }
  if (filter.to !== undefined) {
    parts.push('observed_at < ?::timestamptz');
    params.push(filter.to.toISOString());
  }
  return { sql: parts.join(' and '), params };
}

function parseHeaders(v: unknown): CaptureHeaders | null {
  if (v == null) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as CaptureHeaders;
}

function toCapture(r: Record<string, unknown>): EvidenceCapture {
  return {
    id: Number(r.id),
    shopId: Number(r.shop_id),
    regionCode: String(r.region_code),
    seq: Number(r.seq),
    kind: r.kind as CaptureKind,
    url: String(r.url),
    observedAt: new Date(r.observed_at as string),
    status: r.status == null ? null : Number(r.status),
    contentType: r.content_type == null ? null : String(r.content_type),
    headers: parseHeaders(r.headers),
    sha256: String(r.sha256),
    bytes: Number(r.bytes),
    crawler: String(r.crawler),
    runId: r.run_id == null ? null : Number(r.run_id),
    prevHash: r.prev_hash == null ? null : String(r.prev_hash),
    recordHash: String(r.record_hash),
    createdAt: new Date(r.created_at as string),
  };
}
