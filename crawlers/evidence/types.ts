import type { SqlExecutor } from '../../store/types';

export type { SqlExecutor };

/** What a capture holds: an HTTP response body, or a screenshot a browser took of the page. */
export type CaptureKind = 'response' | 'screenshot';
export const CAPTURE_KINDS: readonly CaptureKind[] = ['response', 'screenshot'];

/** Response headers as Node gives them (lower-case names, repeated headers as arrays). */
export type CaptureHeaders = Record<string, string | string[]>;

/** One thing a crawler saw, handed to `EvidenceStore.capture`. */
export interface CaptureInput {
  shopId: number;
  kind: CaptureKind;
  /** the URL of the page (for a screenshot: the page the browser showed) */
  url: string;
  /** when it was fetched or photographed */
  observedAt: Date;
  /** HTTP status; required for a response, null for a screenshot */
  status?: number | null;
  /** media type as sent, e.g. `text/html; charset=utf-8`; a screenshot defaults to `image/png` */
  contentType?: string | null;
  /** response headers as received; undefined values are dropped */
  headers?: Record<string, string | string[] | undefined> | null;
  /** the body as received (a string is stored as UTF-8), or the image bytes */
  body: Uint8Array | string;
  /** the crawler's identity, e.g. `hongdun-shop-spider/0.1 run 12` */
  crawler: string;
  /** the crawl run (crawl_run.id); no foreign key */
  runId?: number | null;
}

/** A stored capture (one `evidence_capture` row). */
export interface EvidenceCapture {
  id: number;
  shopId: number;
  regionCode: string;
  /** position in the shop's chain: 1, 2, 3 … */
  seq: number;
  kind: CaptureKind;
  url: string;
  observedAt: Date;
  status: number | null;
  contentType: string | null;
  headers: CaptureHeaders | null;
  /** SHA-256 of the blob (the body or image bytes), hex */
  sha256: string;
  bytes: number;
  crawler: string;
  runId: number | null;
  /** the previous capture's `recordHash` in this shop's chain; null for seq 1 */
  prevHash: string | null;
  /** SHA-256 of the canonical serialisation of the fields above (see record-hash.ts) */
  recordHash: string;
  createdAt: Date;
}

/** A capture as `capture`/`captureMany` return it: `created` is false when it already existed. */
export interface CaptureResult extends EvidenceCapture {
  created: boolean;
}

/** Which captures to read, verify or export (always within the current actor's jurisdiction). */
export interface CaptureFilter {
  shopId?: number;
  /** region-code prefix, e.g. `370102`; narrows the jurisdiction, never widens it */
  regionPrefix?: string;
  captureIds?: readonly number[];
  /** observed at or after */
  from?: Date;
  /** observed before */
  to?: Date;
}

/**
 * What `verify` found wrong with a capture:
 * - `record-altered`: the row no longer hashes to its `record_hash` (a field was edited);
 * - `chain-broken`: its `prev_hash` is not the previous row's `record_hash`, or a `seq` is missing
 *   before it (a capture was deleted, or a row was edited and re-hashed);
 * - `blob-missing`: the blob file is gone;
 * - `blob-altered`: the blob file's bytes do not hash to the recorded `sha256`.
 */
export type CaptureProblem = 'record-altered' | 'chain-broken' | 'blob-missing' | 'blob-altered';
export type CaptureStatus = 'intact' | CaptureProblem;

export interface CaptureVerification {
  id: number;
  shopId: number;
  seq: number;
  kind: CaptureKind;
  url: string;
  observedAt: Date;
  /** `intact`, or the first of `problems` */
  status: CaptureStatus;
  /** every problem found, in the order record, chain, blob; empty when intact */
  problems: CaptureProblem[];
}

/** One shop's chain as verified: its head can be recorded elsewhere to detect a truncated tail later. */
export interface ChainSummary {
  shopId: number;
  captures: number;
  problems: number;
  headSeq: number;
  headHash: string;
}

export interface VerifyReport {
  captures: CaptureVerification[];
  chains: ChainSummary[];
  totals: { captures: number; intact: number; problems: number } & Record<CaptureProblem, number>;
}

export interface VerifyOptions {
  shopId?: number;
  regionPrefix?: string;
  /** hash every blob file (default true); false checks rows and chains only */
  checkBlobs?: boolean;
}

export interface WarcExportResult {
  /** WARC records written, the warcinfo record included */
  records: number;
  /** bytes of the file */
  bytes: number;
  /** the captures exported, in file order */
  captureIds: number[];
}
