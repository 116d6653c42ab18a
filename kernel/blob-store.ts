import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 of `bytes`, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a blob file holds compared with its name. */
export type BlobState = 'ok' | 'missing' | 'altered';

/** The blob is not in the store. */
export class BlobMissingError extends Error {
  constructor(readonly sha256: string) {
    super(`evidence blob ${sha256} is missing`);
    this.name = 'BlobMissingError';
  }
}

/** The blob's bytes no longer hash to its name. */
export class BlobAlteredError extends Error {
  constructor(
    readonly sha256: string,
    readonly actual: string,
  ) {
    super(`evidence blob ${sha256} is altered (its bytes hash to ${actual})`);
    this.name = 'BlobAlteredError';
  }
}

/**
 * The evidence store cannot take a blob (full, read-only, gone): names the store, its folder and the
 * system's reason, so a crawl run that stops on it says why.
 */
export class EvidenceStoreError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly root: string,
    cause: NodeJS.ErrnoException,
  ) {
    const code = cause?.code;
    const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'it is full' : code === 'EROFS' ? 'it is read-only' : code === 'EACCES' || code === 'EPERM' ? 'writing is not permitted' : 'it cannot be written';
    super(`evidence store ${root} cannot store a blob: ${why} (${cause?.message ?? String(cause)})`);
    this.name = 'EvidenceStoreError';
    this.code = code;
  }
}

export interface BlobStoreOptions {
  /** fsync each new blob before it becomes visible; default true (evidence must survive a crash) */
  fsync?: boolean;
}

/**
 * A content-addressed folder of immutable files: `<root>/sha256/<ab>/<cd>/<64 hex>`, named by the
 * SHA-256 of their bytes. The platform passes `<DATA_DIR>/evidence` as root; tests a temporary folder.
 *
 * Invariant: a blob file, once visible, holds exactly the bytes its name hashes to and is never
 * rewritten. Writes go to a temporary file in the same folder that is then hard-linked into place
 * (link fails when the name exists: an existing file, even an altered one, is left as it is; where
 * hard links are unsupported, rename, which replaces a file only with identical bytes). Files are
 * made read-only (0444) as a guard against accidents, not against an attacker: `verify` detects that.
 */
export class BlobStore {
  private readonly fsync: boolean;

  constructor(
    readonly root: string,
    options: BlobStoreOptions = {},
  ) {
    this.fsync = options.fsync ?? true;
  }

  /** The file path of a blob (whether it exists or not). */
  path(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error(`invalid sha256 "${sha256}"`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Stores `bytes` under their SHA-256; `created` is false when the blob was already there. */
  async put(bytes: Uint8Array): Promise<{ sha256: string; bytes: number; created: boolean }> {
    const sha256 = sha256Hex(bytes);
    const file = this.path(sha256);
    if (await exists(file)) return { sha256, bytes: bytes.byteLength, created: false };
    const dir = path.dirname(file);
    const tmp = path.join(dir, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.mkdir(dir, { recursive: true });
      const handle = await fs.open(tmp, 'wx', 0o444);
      try {
        await handle.writeFile(bytes);
        if (this.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => {}); // a partial file (disk full) is not left behind
      // a recursive mkdir on a read-only file system reports ENOENT: ask the folder itself for the reason
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? await fs.access(this.root, fsConstants.W_OK).then(() => e, (a) => a) : e;
      throw new EvidenceStoreError(this.root, reason as NodeJS.ErrnoException);
    }
    let created = true;
    try {
      await fs.link(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') created = false; // a concurrent writer was first: same bytes, keep theirs
      else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') await fs.rename(tmp, file).catch((r) => Promise.reject(new EvidenceStoreError(this.root, r)));
      else throw new EvidenceStoreError(this.root, e as NodeJS.ErrnoException);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { sha256, bytes: bytes.byteLength, created };
  }

  /** True when a file of that name exists (its content unchecked). */
  async has(sha256: string): Promise<boolean> {
    return exists(this.path(sha256));
  }

  /**
   * The bytes of a blob. With `verify` (default true) they are hashed and a mismatch throws
   * `BlobAlteredError`; a missing file throws `BlobMissingError`.
   */
  async read(sha256: string, options: { verify?: boolean } = {}): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.path(sha256));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobMissingError(sha256);
      throw e;
    }
    if (options.verify ?? true) {
      const actual = sha256Hex(bytes);
      if (actual !== sha256) throw new BlobAlteredError(sha256, actual);
    }
    return bytes;
  }

  /** Hashes the file (streamed, so a large screenshot is not held in memory) against its name. */
  async check(sha256: string): Promise<BlobState> {
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(this.path(sha256))) hash.update(chunk as Buffer);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw e;
    }
    return hash.digest('hex') === sha256 ? 'ok' : 'altered';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
