import { createHash } from 'node:crypto';
import type { CaptureHeaders, CaptureKind } from './types';

/** The fields a record hash covers; `id`, `region_code` and `created_at` are bookkeeping, not evidence. */
export interface HashedFields {
  shopId: number;
  seq: number;
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
  prevHash: string | null;
}

/** Version of the serialisation below; part of the hashed text so it can change without ambiguity. */
export const RECORD_HASH_VERSION = 1;

/**
 * JSON with object keys sorted (recursively) and no whitespace: the same value always gives the same
 * text, whatever order the keys were written or read back in (jsonb reorders them). Only what records
 * hold is accepted: strings, safe integers, booleans, null, arrays and plain objects.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`canonicalJson: only safe integers, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot serialise ${typeof value}`);
}

/** SHA-256 (hex) of the canonical serialisation of every hashed field of a capture. */
export function recordHash(f: HashedFields): string {
  const text = canonicalJson({
    v: RECORD_HASH_VERSION,
    shopId: f.shopId,
    seq: f.seq,
    kind: f.kind,
    url: f.url,
    observedAt: f.observedAt.toISOString(),
    status: f.status,
    contentType: f.contentType,
    headers: f.headers,
    sha256: f.sha256,
    bytes: f.bytes,
    crawler: f.crawler,
    runId: f.runId,
    prevHash: f.prevHash,
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
