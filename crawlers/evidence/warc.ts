import { createHash, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * A minimal WARC 1.1 writer (ISO 28500:2017): the `warcinfo`, `response` and `resource` records the
 * evidence export needs, each optionally its own gzip member (the `.warc.gz` convention, so readers can
 * seek to a record). Hand-written: the format is a header block and a byte block per record, and the
 * npm `warcio` package would bring yargs, tempy, pako and hash-wasm into the runtime for it.
 *
 * Digests are `sha256:<hex>` (the labelled form WARC 1.1 §5.8–5.9 allows; hex, like the evidence
 * table). The payload digest of a response is the SHA-256 of the body, i.e. the capture's `sha256`.
 */

const gzip = promisify(zlib.gzip);
const CRLF = '\r\n';

export interface WarcRecord {
  type: 'warcinfo' | 'response' | 'resource';
  /** `<urn:uuid:…>` */
  recordId: string;
  date: Date;
  targetUri?: string;
  contentType: string;
  block: Buffer;
  /** SHA-256 hex of the payload (response body / resource bytes), when known */
  payloadSha256?: string;
  /** further named fields, in order (e.g. WARC-Warcinfo-ID, WARC-Concurrent-To, Hongdun-…) */
  fields?: [string, string][];
}

/** `<urn:uuid:…>` from 32 hex digits, with the version (8: RFC 9562 custom) and variant bits set. */
export function uuidUrnFromHex(hex: string): string {
  const h = hex.slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `<urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}>`;
}

export function randomRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

/** WARC-Date: UTC, seconds, with milliseconds only when there are any. */
export function warcDate(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** A header field value cannot hold CR or LF. */
function fieldValue(v: string): string {
  return v.replace(/[\r\n]+/g, ' ');
}

/** A URI as a WARC-Target-URI: the WHATWG serialisation when it parses, percent-encoded otherwise. */
export function targetUri(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return encodeURI(url);
  }
}

/** Header lines the way HTTP carries them: latin-1 bytes (what Node decoded them from), else UTF-8. */
function headerBytes(text: string): Buffer {
  return /^[\x00-\xff]*$/.test(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/**
 * The block of a `response` record: status line, headers, blank line, body. The body is stored as
 * received after transfer and content decoding, so `Content-Encoding`, `Transfer-Encoding` and
 * `Content-Length` as sent would misdescribe it: they are kept as `X-Archive-Orig-*` (the Wayback
 * convention) and a true `Content-Length` is written.
 */
export function httpResponseBlock(status: number, headers: Record<string, string | string[]> | null, body: Buffer): Buffer {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const rewritten = /^(content-encoding|transfer-encoding|content-length)$/i.test(name) ? `X-Archive-Orig-${name}` : name;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${fieldValue(rewritten)}: ${fieldValue(v)}`);
  }
  lines.push(`Content-Length: ${body.byteLength}`);
  return Buffer.concat([headerBytes(lines.join(CRLF) + CRLF + CRLF), body]);
}

/** The block of the `warcinfo` record: `application/warc-fields`. */
export function warcFieldsBlock(fields: [string, string][]): Buffer {
  return Buffer.from(fields.map(([k, v]) => `${k}: ${fieldValue(v)}${CRLF}`).join(''), 'utf8');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One record as bytes: header, blank line, block, CRLF CRLF. */
export function serializeRecord(r: WarcRecord): Buffer {
  const fields: [string, string][] = [
    ['WARC-Type', r.type],
    ['WARC-Record-ID', r.recordId],
    ['WARC-Date', warcDate(r.date)],
  ];
  if (r.targetUri !== undefined) fields.push(['WARC-Target-URI', targetUri(r.targetUri)]);
  fields.push(...(r.fields ?? []));
  if (r.payloadSha256) fields.push(['WARC-Payload-Digest', `sha256:${r.payloadSha256}`]);
  fields.push(['WARC-Block-Digest', `sha256:${sha256(r.block)}`]);
  fields.push(['Content-Type', r.contentType]);
  fields.push(['Content-Length', String(r.block.byteLength)]);
  const head = `WARC/1.1${CRLF}${fields.map(([k, v]) => `${k}: ${fieldValue(v)}`).join(CRLF)}${CRLF}${CRLF}`;
  return Buffer.concat([Buffer.from(head, 'utf8'), r.block, Buffer.from(CRLF + CRLF)]);
}

/** A record as written to the file: as is, or as its own gzip member. */
export async function encodeRecord(r: WarcRecord, gzipped: boolean): Promise<Buffer> {
  const bytes = serializeRecord(r);
  return gzipped ? gzip(bytes) : bytes;
}
