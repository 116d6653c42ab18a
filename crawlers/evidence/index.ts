/**
 * The crawlers' evidence store: raw responses and screenshots kept content-addressed (SHA-256) with URL,
 * time, headers and crawler identity, each capture appended to its shop's hash chain; `verify` says
 * which captures are intact, `exportWarc` writes them as WARC 1.1 (ISO 28500). See evidence.store.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BlobStoreOptions } from '../../kernel/blob-store';
import { type EvidenceDatabase, EvidenceStore, evidenceDatabase } from './evidence.store';

export * from './types';
export { BlobAlteredError, BlobMissingError, type BlobState, BlobStore, EvidenceStoreError, type BlobStoreOptions, sha256Hex } from '../../kernel/blob-store';
export { type EvidenceDatabase, EvidenceInputError, EvidenceStore, evidenceDatabase } from './evidence.store';
export { evidenceSink, type RawResponseItem } from './sink';
export { canonicalJson, recordHash, RECORD_HASH_VERSION, type HashedFields } from './record-hash';

/**
 * Opens the evidence store on a database and a blob folder (the platform passes `<DATA_DIR>/evidence`).
 * Give it a forked EntityManager (`orm.em.fork()`) or an EvidenceDatabase. Creates nothing in the
 * database (the table comes from migration 20261201-evidence); the folder is created on first write.
 */
export function openEvidenceStore(db: EntityManager | EvidenceDatabase, root: string, options: BlobStoreOptions = {}): EvidenceStore {
  const database = 'transaction' in db && typeof db.transaction === 'function' ? (db as EvidenceDatabase) : evidenceDatabase(db as EntityManager);
  return new EvidenceStore(database, root, options);
}
