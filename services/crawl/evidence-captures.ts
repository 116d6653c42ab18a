/**
 * Crawl evidence as the API shows it: the captures behind a finding (shop, licence and listing pages as
 * fetched, screenshots) and a capture's bytes as a downloadable file. Every read goes through the
 * jurisdiction rule on the capture's own region (its shop's region when it was captured), so a caller
 * sees exactly the captures `EvidenceStore.captures` would give them.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { jurisdictionSql, type StoredFile } from '../../entities';

/** One `evidence_capture` row as the API shows it (no chain fields, no headers). */
export interface EvidenceCaptureView {
  id: number;
  shopId: number;
  regionCode: string;
  /** `response` (a fetched page) or `screenshot` */
  kind: string;
  url: string;
  observedAt: Date;
  contentType: string | null;
  sha256: string;
  bytes: number | null;
  crawler: string | null;
}

/** What names evidence: a finding's shop, moment and evidence hashes. */
export interface EvidenceRef {
  shopId: number;
  observedAt: Date;
  /** SHA-256 of the captures (the finding's `evidence`) */
  evidence: readonly string[];
}

interface CaptureRow {
  i?: number;
  id: number | string;
  shop_id: number | string;
  region_code: string;
  kind: string;
  url: string;
  observed_at: Date | string;
  content_type: string | null;
  sha256: string;
  bytes: number | string | null;
  crawler: string | null;
}

const COLUMNS = ['id', 'shop_id', 'region_code', 'kind', 'url', 'observed_at', 'content_type', 'sha256', 'bytes', 'crawler'];

function toView(r: CaptureRow): EvidenceCaptureView {
  return {
    id: Number(r.id),
    shopId: Number(r.shop_id),
    regionCode: r.region_code,
    kind: r.kind,
    url: r.url,
    observedAt: r.observed_at instanceof Date ? r.observed_at : new Date(r.observed_at),
    contentType: r.content_type,
    sha256: r.sha256,
    bytes: r.bytes == null ? null : Number(r.bytes),
    crawler: r.crawler,
  };
}

/**
 * The captures each ref names, in one query for all refs, oldest first within a ref. A hash names one
 * capture: content-addressed bytes recur (an unchanged page on every crawl, an identical error page on
 * two shops), so of the captures in the caller's jurisdiction with that hash the one of the ref's shop
 * nearest the ref's moment is taken (check-rules names the captures of the finding's own moment). A hash
 * with no capture in the jurisdiction yields nothing.
 */
export async function capturesOfEvidence(em: EntityManager, refs: readonly EvidenceRef[]): Promise<EvidenceCaptureView[][]> {
  const keys = refs.flatMap((ref, i) => [...new Set(ref.evidence)].map((sha256) => ({ i, shop_id: ref.shopId, observed_at: ref.observedAt.toISOString(), sha256 })));
  const out: EvidenceCaptureView[][] = refs.map(() => []);
  if (keys.length === 0) return out;
  const scope = jurisdictionSql('c.region_code');
  const rows = await em.execute<CaptureRow[]>(
    `select distinct on (k.i, k.sha256) k.i, ${COLUMNS.map((c) => `c.${c}`).join(', ')}
     from jsonb_to_recordset(?::jsonb) as k(i int, shop_id int, observed_at timestamptz, sha256 text)
     join evidence_capture c on c.sha256 = k.sha256
     where ${scope.sql}
     order by k.i, k.sha256, (c.shop_id = k.shop_id) desc, abs(extract(epoch from c.observed_at - k.observed_at)), c.id`,
    [JSON.stringify(keys), ...scope.params],
  );
  for (const row of rows) out[Number(row.i)].push(toView(row));
  for (const list of out) list.sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime() || a.id - b.id);
  return out;
}

/** File name extensions of the media types crawlers capture; anything else is `bin`. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'txt',
  'text/css': 'css',
  'text/csv': 'csv',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'text/javascript': 'js',
  'application/javascript': 'js',
  'application/json': 'json',
  'application/ld+json': 'json',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/svg+xml': 'svg',
};

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
/** A media type as RFC 9110 allows it (type/subtype, parameters with token or quoted values). */
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\r\\n]*"))*\\s*$`, 'i');

/**
 * The media type to send a capture's bytes with: its `content_type` as the site sent it when that is a
 * well-formed media type, else `application/octet-stream` (a crawled site's header is untrusted input).
 */
export function captureMediaType(contentType: string | null): string {
  const value = contentType?.trim() ?? '';
  return value.length > 0 && value.length <= 200 && MEDIA_TYPE.test(value) ? value : 'application/octet-stream';
}

/** `<kind>-<shopId>-<observed at, UTC, yyyyMMddTHHmmssZ>.<ext>`, e.g. `response-42-20261201T080000Z.html`. */
export function captureFileName(capture: Pick<EvidenceCaptureView, 'kind' | 'shopId' | 'observedAt' | 'contentType'>): string {
  const stamp = capture.observedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const essence = captureMediaType(capture.contentType).split(';')[0].trim().toLowerCase();
  return `${capture.kind}-${capture.shopId}-${stamp}.${EXTENSIONS[essence] ?? 'bin'}`;
}

/**
 * The capture `sha256` as a file, when a capture with those bytes lies in the current actor's
 * jurisdiction (the earliest such capture names it); null otherwise. The caller checks the permission
 * (market:read) and the hash's shape.
 */
export async function readableCaptureFile(em: EntityManager, sha256: string): Promise<StoredFile | null> {
  const scope = jurisdictionSql('region_code');
  const [row] = await em.execute<CaptureRow[]>(
    `select ${COLUMNS.join(', ')} from evidence_capture where sha256 = ? and ${scope.sql} order by observed_at, id limit 1`,
    [sha256, ...scope.params],
  );
  if (!row) return null;
  const capture = toView(row);
  return { sha256, fileName: captureFileName(capture), mediaType: captureMediaType(capture.contentType), sizeBytes: capture.bytes ?? 0 };
}
