import { PGlite } from '@electric-sql/pglite';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

/** The manifest's format name and version; restore refuses anything else. */
export const MANIFEST_FORMAT = 'hongdun-backup';
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
/** The database part of a backup: a pg_dump custom-format archive, or PGlite's data directory as tar.gz. */
export const SERVER_DUMP_FILE = 'database.pgdump';
export const PGLITE_DUMP_FILE = 'pgdata.tar.gz';
/** The blobs keep the evidence store's layout under this folder: evidence/sha256/<ab>/<cd>/<64 hex>. */
export const EVIDENCE_FOLDER = 'evidence';

export type DatabaseKind = 'postgresql' | 'pglite';

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  createdAt: string;
  database: {
    kind: DatabaseKind;
    serverVersion: string;
    /** how the database part was made: `pg_dump -Fc` or `pglite dumpDataDir` */
    method: string;
    file: string;
  };
  /** names of the applied migrations (mikro_orm_migrations), in order */
  migrations: string[];
  /** rows per table ("schema.table") as the dump holds them */
  rowCounts: Record<string, number>;
  evidence: {
    captures: number;
    /** distinct blobs the dumped evidence_capture rows name (all of them are in the backup) */
    referencedBlobs: number;
    /** every blob copied (the referenced ones and the store's other files: case files, reports, uploads) */
    blobs: number;
    bytes: number;
    /** per shop: seq and record hash of the last capture in the dump (detects a truncated chain) */
    chainHeads: Record<string, { seq: number; hash: string }>;
  };
  /** SHA-256 of every file in the backup but this manifest, by path relative to the backup root */
  files: Record<string, string>;
}

/** A check of a backup or a restore failed; `failures` says what, one line each. */
export class BackupCheckError extends Error {
  constructor(
    message: string,
    readonly failures: string[],
  ) {
    super(`${message}:\n${failures.slice(0, 50).map((f) => `  - ${f}`).join('\n')}${failures.length > 50 ? `\n  … and ${failures.length - 50} more` : ''}`);
    this.name = 'BackupCheckError';
  }
}

/** A plain connection to the database: `$1` placeholders, rows back. */
export interface RawDatabase {
  kind: DatabaseKind;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
  /** PGlite only: the open instance */
  pglite?: PGlite;
}

export async function connectServer(url: string): Promise<RawDatabase> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    kind: 'postgresql',
    query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    close: () => client.end(),
  };
}

export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<RawDatabase> {
  const pglite = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
  return {
    kind: 'pglite',
    pglite,
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query(sql, params)).rows as T[],
    close: () => pglite.close(),
  };
}

/** The tables counted: every ordinary and partitioned table outside PostgreSQL's and TimescaleDB's own schemas. */
const TABLES_SQL = `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
    and n.nspname not like 'pg\\_%' and n.nspname not like '\\_timescaledb%' and n.nspname not like 'timescaledb%'
  order by 1, 2`;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Rows per table ("schema.table"), sorted by name. */
export async function rowCounts(db: RawDatabase): Promise<Record<string, number>> {
  const tables = await db.query<{ schema: string; name: string }>(TABLES_SQL);
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const [row] = await db.query<{ n: string }>(`select count(*) as n from ${ident(t.schema)}.${ident(t.name)}`);
    counts[`${t.schema}.${t.name}`] = Number(row.n);
  }
  return counts;
}

/** How many tables the database has (0 = empty, a restore may go ahead). */
export async function tableCount(db: RawDatabase): Promise<number> {
  return (await db.query(TABLES_SQL)).length;
}

export async function appliedMigrations(db: RawDatabase): Promise<string[]> {
  const [exists] = await db.query<{ t: string | null }>(`select to_regclass('public.mikro_orm_migrations')::text as t`);
  if (!exists?.t) return [];
  return (await db.query<{ name: string }>(`select name from mikro_orm_migrations order by id`)).map((r) => r.name);
}

export async function serverVersion(db: RawDatabase): Promise<string> {
  const [row] = await db.query<{ server_version: string }>('show server_version');
  return row.server_version;
}

export async function chainHeads(db: RawDatabase): Promise<Record<string, { seq: number; hash: string }>> {
  const rows = await db.query<{ shop_id: number; seq: number; record_hash: string }>(
    `select distinct on (shop_id) shop_id, seq, record_hash from evidence_capture order by shop_id, seq desc`,
  );
  const heads: Record<string, { seq: number; hash: string }> = {};
  for (const r of rows) heads[String(r.shop_id)] = { seq: Number(r.seq), hash: r.record_hash };
  return heads;
}

/** SHA-256 of a file, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `root`, as paths relative to it with `/`; a symlink or special file throws. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, rel: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), r);
      else if (entry.isFile()) out.push(r);
      else throw new Error(`${r}: not a regular file (a backup holds only files and folders)`);
    }
  }
  await walk(root, '');
  return out.sort();
}

/** Runs a program, resolves with its output; rejects with its stderr. */
export function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} failed: ${(stderr || err.message).trim()}`));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * The path of a PostgreSQL client program: $PG_DUMP / $PG_RESTORE, else on PATH, else the Debian
 * layout (/usr/lib/postgresql/<major>/bin). Throws a clear error naming the missing binary.
 */
export async function findPgBinary(name: 'pg_dump' | 'pg_restore'): Promise<string> {
  const override = process.env[name.toUpperCase()];
  if (override) {
    try {
      await fs.access(override, fs.constants.X_OK);
      return override;
    } catch {
      throw new Error(`${name} not found at ${override} (${name.toUpperCase()}): point ${name.toUpperCase()} at the PostgreSQL client binary, or unset it to look on PATH`);
    }
  }
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) candidates.push(path.join(dir, name));
  candidates.push(`/usr/bin/${name}`);
  try {
    for (const v of (await fs.readdir('/usr/lib/postgresql')).sort().reverse()) candidates.push(`/usr/lib/postgresql/${v}/bin/${name}`);
  } catch {
    // no Debian layout
  }
  for (const c of candidates) {
    try {
      await fs.access(c, fs.constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error(
    `${name} not found (looked on PATH, /usr/bin and /usr/lib/postgresql/*/bin): install the PostgreSQL client programs of the server's major version (e.g. postgresql-client-15) or set ${name.toUpperCase()} to the binary`,
  );
}

/** A connection URL without its password, and the environment passing the password (not on the command line). */
export function libpqTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env };
}

export const HEX64 = /^[0-9a-f]{64}$/;

/** `evidence/sha256/ab/cd/<hex>` → the hex, or null for any other path. */
export function blobNameOf(rel: string): string | null {
  const m = /^evidence\/sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(rel);
  return m && m[3].startsWith(m[1] + m[2]) ? m[3] : null;
}
