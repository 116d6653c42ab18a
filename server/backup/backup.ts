import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type BackupManifest,
  BackupCheckError,
  EVIDENCE_FOLDER,
  HEX64,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  PGLITE_DUMP_FILE,
  type RawDatabase,
  SERVER_DUMP_FILE,
  appliedMigrations,
  chainHeads,
  connectServer,
  fileSha256,
  findPgBinary,
  libpqTarget,
  listFiles,
  openPglite,
  rowCounts,
  run,
  serverVersion,
} from './common';

export interface BackupOptions {
  /** the PostgreSQL server database (DATABASE_URL); unset = the PGlite data directory `dataDir` */
  databaseUrl?: string;
  /** PGlite's data directory (DATA_DIR); must not be in use by a running platform */
  dataDir: string;
  /** the evidence store (EVIDENCE_DIR) */
  evidenceDir: string;
  /** a `.tar.gz` / `.tgz` file, or a folder (new or empty) */
  out: string;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface BackupSummary {
  out: string;
  manifest: BackupManifest;
}

/** What the database part of a backup says, read in the dump's own snapshot. */
interface DumpFacts {
  serverVersion: string;
  migrations: string[];
  rowCounts: Record<string, number>;
  captures: number;
  referenced: string[];
  chainHeads: BackupManifest['evidence']['chainHeads'];
}

async function facts(db: RawDatabase, version: string): Promise<DumpFacts> {
  const migrations = await appliedMigrations(db);
  const counts = await rowCounts(db);
  const hasEvidence = 'public.evidence_capture' in counts;
  const referenced = hasEvidence ? (await db.query<{ sha256: string }>(`select distinct sha256 from evidence_capture order by 1`)).map((r) => r.sha256) : [];
  return {
    serverVersion: version,
    migrations,
    rowCounts: counts,
    captures: counts['public.evidence_capture'] ?? 0,
    referenced,
    chainHeads: hasEvidence ? await chainHeads(db) : {},
  };
}

/**
 * PostgreSQL server: `pg_dump -Fc` in a snapshot exported by a repeatable-read transaction that also
 * reads the row counts, migrations and the blobs the captures name, so all of them describe the same
 * moment while the platform keeps running.
 */
async function dumpServer(url: string, file: string): Promise<DumpFacts> {
  const pgDump = await findPgBinary('pg_dump');
  const db = await connectServer(url);
  try {
    await db.query('begin isolation level repeatable read read only');
    const [{ snapshot }] = await db.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const f = await facts(db, await serverVersion(db));
    const target = libpqTarget(url);
    // --enable-row-security: the jurisdiction tables force row-level security; their application policy
    // admits the platform's own role, so a non-superuser owner dumps every row (the counts above check it)
    await run(pgDump, ['--format=custom', `--snapshot=${snapshot}`, '--enable-row-security', '--no-password', `--file=${file}`, `--dbname=${target.dbname}`], target.env);
    await db.query('commit');
    return f;
  } finally {
    await db.close();
  }
}

/**
 * PGlite: its data directory as PGlite's own `dumpDataDir` tarball (gzip), after a checkpoint. PGlite is
 * one process's embedded database, so nothing else writes while this process holds it: the counts read
 * before the dump describe it exactly.
 */
async function dumpPglite(dataDir: string, file: string): Promise<DumpFacts> {
  try {
    await fs.access(path.join(dataDir, 'PG_VERSION'));
  } catch {
    throw new Error(`no PGlite database in ${dataDir} (DATA_DIR); set DATA_DIR, or DATABASE_URL for a PostgreSQL server`);
  }
  const db = await openPglite(dataDir);
  try {
    const f = await facts(db, await serverVersion(db));
    await db.query('checkpoint');
    const tarball = await db.pglite!.dumpDataDir('gzip');
    await fs.writeFile(file, Buffer.from(await tarball.arrayBuffer()));
    return f;
  } finally {
    await db.close();
  }
}

/** Copies one blob, hashing the bytes on the way; resolves with their SHA-256 and size. */
async function copyHashed(from: string, to: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await fs.mkdir(path.dirname(to), { recursive: true });
  await pipeline(
    createReadStream(from),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
    createWriteStream(to, { flags: 'wx' }),
  );
  return { sha256: hash.digest('hex'), bytes };
}

/** The blobs of the evidence store (its `sha256/<ab>/<cd>/<hex>` files; temporary files left out). */
async function storeBlobs(evidenceDir: string): Promise<string[]> {
  const root = path.join(evidenceDir, 'sha256');
  try {
    await fs.access(root);
  } catch {
    return [];
  }
  return (await listFiles(root))
    .map((rel) => rel.split('/'))
    .filter((p) => p.length === 3 && HEX64.test(p[2]) && p[2].startsWith(p[0] + p[1]))
    .map((p) => p[2]);
}

/**
 * Backs up the database and the evidence store: the database first (see dumpServer / dumpPglite), then
 * every blob of the store, each hashed as it is copied (every blob a dumped capture names must be there
 * and intact; blobs written after the dump come along harmlessly), then the manifest with the SHA-256 of
 * every file. Written to `<out>.partial…` and moved into place at the end: a failed backup leaves nothing
 * that looks like a backup.
 */
export async function createBackup(options: BackupOptions): Promise<BackupSummary> {
  const progress = options.onProgress ?? (() => {});
  const out = path.resolve(options.out);
  const archive = /\.(tar\.gz|tgz)$/.test(out);
  if (archive) {
    if (await exists(out)) throw new Error(`${options.out} exists already; a backup never overwrites one`);
  } else if (await exists(out)) {
    if (!(await fs.stat(out)).isDirectory() || (await fs.readdir(out)).length > 0) throw new Error(`${options.out} exists and is not an empty folder`);
  }
  await fs.mkdir(path.dirname(out), { recursive: true });
  const staging = `${out}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  try {
    const server = Boolean(options.databaseUrl);
    const dumpFile = server ? SERVER_DUMP_FILE : PGLITE_DUMP_FILE;
    progress('database', 0, 1);
    const f = server ? await dumpServer(options.databaseUrl!, path.join(staging, dumpFile)) : await dumpPglite(options.dataDir, path.join(staging, dumpFile));
    progress('database', 1, 1);

    const files: Record<string, string> = { [dumpFile]: await fileSha256(path.join(staging, dumpFile)) };
    const inStore = await storeBlobs(options.evidenceDir);
    const present = new Set(inStore);
    const failures = f.referenced.filter((h) => !present.has(h)).map((h) => `blob ${h} is named by a dumped capture but missing from ${options.evidenceDir}`);
    let bytes = 0;
    let done = 0;
    for (const sha256 of inStore) {
      const rel = `${EVIDENCE_FOLDER}/sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
      const copied = await copyHashed(path.join(options.evidenceDir, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256), path.join(staging, rel));
      if (copied.sha256 !== sha256) failures.push(`blob ${sha256} in ${options.evidenceDir} is altered (its bytes hash to ${copied.sha256})`);
      files[rel] = copied.sha256;
      bytes += copied.bytes;
      progress('evidence blobs', ++done, inStore.length);
    }
    if (failures.length > 0) throw new BackupCheckError('backup failed: the evidence store does not match the database', failures);

    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      createdAt: new Date().toISOString(),
      database: { kind: server ? 'postgresql' : 'pglite', serverVersion: f.serverVersion, method: server ? 'pg_dump -Fc' : 'pglite dumpDataDir', file: dumpFile },
      migrations: f.migrations,
      rowCounts: f.rowCounts,
      evidence: { captures: f.captures, referencedBlobs: f.referenced.length, blobs: inStore.length, bytes, chainHeads: f.chainHeads },
      files,
    };
    await fs.writeFile(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

    if (archive) {
      const partial = `${out}.partial`;
      await run('tar', ['-czf', partial, '-C', staging, '.']);
      await fs.rename(partial, out);
      await fs.rm(staging, { recursive: true, force: true });
    } else {
      await fs.rm(out, { recursive: true, force: true }); // the empty folder, if any
      await fs.rename(staging, out);
    }
    return { out, manifest };
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true });
    await fs.rm(`${out}.partial`, { force: true });
    throw e;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
