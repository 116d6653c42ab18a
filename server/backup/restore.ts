import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEvidenceStore } from '../../crawlers/evidence';
import { BlobStore } from '../../kernel/blob-store';
import { READER_ROLE } from '../../entities/jurisdiction';
import { runAsSystem } from '../../services/system-actor';
import { loadConfig } from '../../kernel/config';
import { openDatabase } from '../database';
import {
  type BackupManifest,
  BackupCheckError,
  type DatabaseKind,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type RawDatabase,
  appliedMigrations,
  blobNameOf,
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

export interface RestoreOptions {
  /** a backup made by createBackup: its `.tar.gz` or its folder */
  from: string;
  /** the target PostgreSQL server database; unset = the PGlite data directory `dataDir` */
  databaseUrl?: string;
  dataDir: string;
  evidenceDir: string;
  /** replace the contents of a non-empty target database */
  force?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface RestoreSummary {
  database: { kind: DatabaseKind; target: string; serverVersion: string; tables: number; rows: number; migrations: number };
  evidence: { blobs: number; written: number; alreadyThere: number; bytes: number };
  verify: { captures: number; intact: number; chains: number };
  backup: { createdAt: string; kind: DatabaseKind; serverVersion: string };
}

/**
 * Checks a backup folder against its manifest: the format, every listed file present with its SHA-256,
 * every blob named by its hash, nothing unlisted. Throws BackupCheckError with every mismatch.
 */
export async function checkBackup(dir: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as BackupManifest;
  } catch (e) {
    throw new BackupCheckError('not a Hongdun backup', [`${MANIFEST_FILE}: ${(e as Error).message}`]);
  }
  if (manifest?.format !== MANIFEST_FORMAT || manifest.version !== MANIFEST_VERSION) {
    throw new BackupCheckError('not a Hongdun backup', [`${MANIFEST_FILE}: format ${JSON.stringify(manifest?.format)} version ${manifest?.version}, expected ${MANIFEST_FORMAT} ${MANIFEST_VERSION}`]);
  }
  const failures: string[] = [];
  const listed = manifest.files ?? {};
  let actual: string[];
  try {
    actual = await listFiles(dir);
  } catch (e) {
    throw new BackupCheckError('the backup does not match its manifest', [(e as Error).message]);
  }
  const present = new Set(actual);
  for (const rel of actual) if (rel !== MANIFEST_FILE && !(rel in listed)) failures.push(`${rel}: not listed in the manifest`);
  let blobs = 0;
  for (const [rel, expected] of Object.entries(listed)) {
    if (rel.startsWith('evidence/')) {
      const name = blobNameOf(rel);
      if (name === null) failures.push(`${rel}: not a blob path (evidence/sha256/<ab>/<cd>/<sha256>)`);
      else if (name !== expected) failures.push(`${rel}: the manifest gives SHA-256 ${expected}, not the blob's name`);
      blobs++;
    }
    if (!present.has(rel)) {
      failures.push(`${rel}: listed in the manifest but missing`);
      continue;
    }
    const sha256 = await fileSha256(path.join(dir, rel));
    if (sha256 !== expected) failures.push(`${rel}: SHA-256 is ${sha256}, the manifest says ${expected}`);
  }
  if (!(manifest.database?.file in listed)) failures.push(`the database file ${JSON.stringify(manifest.database?.file)} is not listed in the manifest`);
  if (blobs !== manifest.evidence?.blobs) failures.push(`the manifest lists ${blobs} blobs but says evidence.blobs = ${manifest.evidence?.blobs}`);
  if (failures.length > 0) throw new BackupCheckError('the backup does not match its manifest; nothing was restored', failures);
  return manifest;
}

/** Opens the backup: a folder as it is, a .tar.gz extracted into a temporary folder (removed by `cleanup`). */
async function openBackup(from: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const stat = await fs.stat(from).catch(() => null);
  if (!stat) throw new Error(`no such backup: ${from}`);
  if (stat.isDirectory()) return { dir: from, cleanup: async () => {} };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hongdun-restore-'));
  try {
    await run('tar', ['-xzf', from, '-C', dir, '--no-same-owner', '--no-same-permissions']);
  } catch (e) {
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(`cannot read the backup archive ${from}: ${(e as Error).message}`);
  }
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The target PostgreSQL database: empty, or emptied with --force (its non-system schemas dropped). */
async function prepareServer(db: RawDatabase, url: string, force: boolean): Promise<void> {
  const schemas = (
    await db.query<{ schema: string }>(
      `select distinct n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`,
    )
  ).map((r) => r.schema);
  if (schemas.length > 0 && !force) {
    const [{ n }] = await db.query<{ n: string }>(
      `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p') and n.nspname = any($1)`,
      [schemas],
    );
    throw new Error(`refusing to restore: the target database ${new URL(url).pathname.slice(1)} is not empty (${n} tables); restore into an empty database, or pass --force to replace its contents`);
  }
  for (const schema of schemas) await db.query(`drop schema "${schema.replace(/"/g, '""')}" cascade`);
  if (schemas.includes('public')) await db.query('create schema public');
  // the reading role is cluster-wide (migration 20261213): a fresh cluster does not have it, and the dump grants to it
  await db.query(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${READER_ROLE}') then
        create role ${READER_ROLE} nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
}

/** The target PGlite data directory: absent or empty, or removed with --force. */
async function preparePglite(dataDir: string, force: boolean): Promise<void> {
  if (dataDir.startsWith('memory://')) throw new Error('restore needs a PGlite data directory on disk (DATA_DIR or --data-dir), not memory://');
  const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
  if (entries.length > 0) {
    if (!force) throw new Error(`refusing to restore: the target PGlite data directory ${dataDir} is not empty; restore into an empty one, or pass --force to replace it`);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  await fs.mkdir(dataDir, { recursive: true });
}

/** The blobs into the evidence store; one already there must be intact (content-addressed: same name, same bytes). */
async function restoreBlobs(dir: string, manifest: BackupManifest, evidenceDir: string, progress: RestoreOptions['onProgress'] & {}) {
  const store = new BlobStore(evidenceDir);
  const blobs = Object.keys(manifest.files).filter((rel) => rel.startsWith('evidence/'));
  const failures: string[] = [];
  let written = 0;
  let bytes = 0;
  for (let i = 0; i < blobs.length; i++) {
    const sha256 = blobNameOf(blobs[i])!;
    const content = await fs.readFile(path.join(dir, blobs[i]));
    bytes += content.byteLength;
    const put = await store.put(content);
    if (put.sha256 !== sha256) failures.push(`${blobs[i]}: changed while restoring (hashes to ${put.sha256})`);
    else if (put.created) written++;
    else if ((await store.check(sha256)) !== 'ok') failures.push(`blob ${sha256} already in ${evidenceDir} is altered; remove it and restore again`);
    progress('evidence blobs', i + 1, blobs.length);
  }
  if (failures.length > 0) throw new BackupCheckError('restoring the evidence blobs failed', failures);
  return { blobs: blobs.length, written, alreadyThere: blobs.length - written, bytes };
}

/**
 * Restores a backup: checks it against its manifest first (nothing is touched when a file is off),
 * refuses a non-empty target database unless `force`, restores the blobs, then the database (pg_restore
 * in one transaction, or PGlite's data directory), compares the migrations and every table's row count
 * with the manifest, and verifies every evidence hash chain (EvidenceStore.verify: every record and blob,
 * every link, and each chain's head as the manifest recorded it). Throws BackupCheckError listing what failed.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const progress = options.onProgress ?? (() => {});
  const opened = await openBackup(options.from);
  try {
    const dir = opened.dir;
    const manifest = await checkBackup(dir);
    const kind: DatabaseKind = options.databaseUrl ? 'postgresql' : 'pglite';
    if (manifest.database.kind !== kind) {
      throw new Error(
        manifest.database.kind === 'pglite'
          ? 'this backup is of an embedded PGlite database (a data directory); restore it without DATABASE_URL / --database-url, into DATA_DIR or --data-dir'
          : 'this backup is a pg_dump of a PostgreSQL server; restore it with --database-url (or DATABASE_URL) naming an empty database',
      );
    }
    let db: RawDatabase;
    if (kind === 'postgresql') {
      db = await connectServer(options.databaseUrl!);
      try {
        await prepareServer(db, options.databaseUrl!, Boolean(options.force));
      } catch (e) {
        await db.close();
        throw e;
      }
    } else {
      await preparePglite(options.dataDir, Boolean(options.force));
      db = undefined as unknown as RawDatabase;
    }

    // blobs first: a capture row never exists without its blob
    const evidence = await restoreBlobs(dir, manifest, options.evidenceDir, progress);

    progress('database', 0, 1);
    const dumpFile = path.join(dir, manifest.database.file);
    if (kind === 'postgresql') {
      const pgRestore = await findPgBinary('pg_restore');
      const target = libpqTarget(options.databaseUrl!);
      await run(pgRestore, ['--exit-on-error', '--single-transaction', '--no-owner', '--enable-row-security', '--no-password', `--dbname=${target.dbname}`, dumpFile], target.env);
    } else {
      db = await openPglite(options.dataDir, new Blob([await fs.readFile(dumpFile)]));
    }
    progress('database', 1, 1);

    const failures: string[] = [];
    let counts: Record<string, number>;
    let version: string;
    let migrations: string[];
    try {
      counts = await rowCounts(db);
      version = await serverVersion(db);
      migrations = await appliedMigrations(db);
    } finally {
      await db.close();
    }
    for (const [table, expected] of Object.entries(manifest.rowCounts)) {
      if (!(table in counts)) failures.push(`table ${table}: missing after the restore (the backup has ${expected} rows)`);
      else if (counts[table] !== expected) failures.push(`table ${table}: ${counts[table]} rows restored, the backup has ${expected}`);
    }
    for (const table of Object.keys(counts)) if (!(table in manifest.rowCounts)) failures.push(`table ${table}: not in the backup's manifest`);
    if (JSON.stringify(migrations) !== JSON.stringify(manifest.migrations)) {
      failures.push(`migrations: ${migrations.length} applied after the restore, the backup lists ${manifest.migrations.length}`);
    }
    if (failures.length > 0) throw new BackupCheckError('the restored database does not match the backup', failures);

    // every evidence hash chain, with the platform's own verification (the ORM opened as the platform opens it)
    const config = loadConfig({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, evidenceDir: options.evidenceDir, dbPoolMax: 2 });
    const orm = await openDatabase(config);
    let report;
    try {
      report = await runAsSystem('restore: evidence verify', () => openEvidenceStore(orm.em.fork(), options.evidenceDir).verify());
    } finally {
      await orm.close(true);
    }
    for (const c of report.captures.filter((x) => x.status !== 'intact').slice(0, 100)) failures.push(`evidence: shop ${c.shopId} #${c.seq} ${c.url}: ${c.problems.join(', ')}`);
    if (report.totals.captures !== manifest.evidence.captures) failures.push(`evidence: ${report.totals.captures} captures verified, the backup has ${manifest.evidence.captures}`);
    const heads = new Map(report.chains.map((c) => [String(c.shopId), c]));
    for (const [shop, head] of Object.entries(manifest.evidence.chainHeads)) {
      const chain = heads.get(shop);
      if (!chain) failures.push(`evidence: the chain of shop ${shop} is missing`);
      else if (chain.headSeq !== head.seq || chain.headHash !== head.hash) failures.push(`evidence: the chain of shop ${shop} ends at #${chain.headSeq} ${chain.headHash}, the backup's at #${head.seq} ${head.hash}`);
    }
    if (heads.size !== Object.keys(manifest.evidence.chainHeads).length) failures.push(`evidence: ${heads.size} chains restored, the backup has ${Object.keys(manifest.evidence.chainHeads).length}`);
    if (failures.length > 0) throw new BackupCheckError('the restored evidence does not verify', failures);

    return {
      database: {
        kind,
        target: kind === 'postgresql' ? `${new URL(options.databaseUrl!).host}${new URL(options.databaseUrl!).pathname}` : options.dataDir,
        serverVersion: version,
        tables: Object.keys(counts).length,
        rows: sum(counts),
        migrations: migrations.length,
      },
      evidence,
      verify: { captures: report.totals.captures, intact: report.totals.intact, chains: report.chains.length },
      backup: { createdAt: manifest.createdAt, kind: manifest.database.kind, serverVersion: manifest.database.serverVersion },
    };
  } finally {
    await opened.cleanup();
  }
}
