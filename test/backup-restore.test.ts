/**
 * `hongdun backup` and `hongdun restore` (issue 17) on the back end the suite runs on: a small demo
 * province with evidence (hash-chained captures of some shops, a screenshot, a non-capture file in the
 * store), backed up through the command line, restored into a fresh database and a fresh evidence store;
 * every table's row count equals the source's, every evidence chain verifies with the source's heads,
 * and a tampered backup (a blob byte, a manifest hash, a missing blob, an altered capture record) is
 * refused with a message saying what failed.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureInput, type VerifyReport, BlobStore, openEvidenceStore } from '../crawlers/evidence';
import type { BackupManifest } from '../server/backup';
import { type RawDatabase, connectServer, findPgBinary, openPglite, rowCounts, tableCount } from '../server/backup/common';
import { loadConfig } from '../kernel/config';
import { openDatabase } from '../server/database';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { BACKEND, createScratchDatabase } from './support/database';

const CLI = path.resolve(__dirname, '../server/cli.ts');
const ROOT = path.resolve(__dirname, '..');
const BASE_URL = process.env.DATABASE_URL;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where a database lives: a server database URL, or a PGlite data directory. */
interface Target {
  url?: string;
  dataDir: string;
  evidenceDir: string;
  drop(): Promise<void>;
}

let dir: string;
const targets: Target[] = [];

async function newTarget(name: string): Promise<Target> {
  const t: Target = { dataDir: path.join(dir, `${name}-db`), evidenceDir: path.join(dir, `${name}-evidence`), drop: async () => {} };
  if (BASE_URL) {
    const scratch = await createScratchDatabase(BASE_URL, 'hongdun_bk');
    t.url = scratch.url;
    t.drop = scratch.drop;
  }
  targets.push(t);
  return t;
}

function hongdun(target: Target, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'error', DEMO: 'false', DATA_DIR: target.dataDir, EVIDENCE_DIR: target.evidenceDir };
  if (target.url) env.DATABASE_URL = target.url;
  else delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', CLI, ...args], { cwd: ROOT, env, timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The restore arguments that name `target` explicitly (not through the environment). */
const into = (target: Target) => [...(target.url ? ['--database-url', target.url] : ['--data-dir', target.dataDir]), '--evidence-dir', target.evidenceDir];

async function raw(target: Target): Promise<RawDatabase> {
  return target.url ? connectServer(target.url) : openPglite(target.dataDir);
}

async function countsOf(target: Target): Promise<Record<string, number>> {
  const db = await raw(target);
  try {
    return await rowCounts(db);
  } finally {
    await db.close();
  }
}

async function isEmpty(target: Target): Promise<boolean> {
  if (!target.url) return !fs.existsSync(path.join(target.dataDir, 'PG_VERSION'));
  const db = await raw(target);
  try {
    return (await tableCount(db)) === 0;
  } finally {
    await db.close();
  }
}

async function withOrm<T>(target: Target, fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await openDatabase(loadConfig({ databaseUrl: target.url, dataDir: target.dataDir, evidenceDir: target.evidenceDir, dbPoolMax: 2 }));
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

const verify = (target: Target): Promise<VerifyReport> =>
  withOrm(target, (orm) => runAsSystem('backup test: verify', () => openEvidenceStore(orm.em.fork(), target.evidenceDir).verify()));

/** A fresh copy of the backup as a folder, to tamper with. */
function extracted(archive: string, name: string): string {
  const out = path.join(dir, name);
  fs.mkdirSync(out);
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  return out;
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe(`backup and restore on ${BACKEND}`, () => {
  let source: Target;
  let archive: string;
  let sourceCounts: Record<string, number>;
  let sourceReport: VerifyReport;
  const CAPTURES = 4 * 3 + 1;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-backup-'));
    source = await newTarget('source');
    await withOrm(source, async (orm) => {
      await loadDemoProvince(orm.em.fork(), { seed: 'backup', entities: 120 });
      const shops = (await orm.em.fork().getConnection().execute<{ id: number }[]>('select id from shop order by id limit 4')).map((r) => Number(r.id));
      expect(shops).toHaveLength(4);
      const store = openEvidenceStore(orm.em.fork(), source.evidenceDir, { fsync: false });
      const inputs: CaptureInput[] = [];
      for (const shopId of shops)
        for (let n = 1; n <= 3; n++)
          inputs.push({
            shopId, kind: 'response', url: `http://127.0.0.1:1/shop/${shopId}/p/${n}`, observedAt: new Date(Date.UTC(2026, 11, 1, 8, n)), status: 200,
            contentType: 'text/html; charset=utf-8', headers: { 'content-type': 'text/html; charset=utf-8' },
            body: `<html><body>店铺 ${shopId} 第 ${n} 页 亮照</body></html>`, crawler: 'backup-test/1', runId: null,
          });
      inputs.push({ shopId: shops[0], kind: 'screenshot', url: `http://127.0.0.1:1/shop/${shops[0]}/p/1`, observedAt: new Date(Date.UTC(2026, 11, 1, 8, 1)), body: PNG, crawler: 'backup-test/1' });
      await runAsSystem('backup test: captures', () => store.captureMany(inputs));
      // a file of the store no capture names (as a case file or a report is)
      await new BlobStore(source.evidenceDir).put(Buffer.from('案件材料 case file'));
    });
    sourceCounts = await countsOf(source);
    sourceReport = await verify(source);
    archive = path.join(dir, 'backup.tar.gz');
  });

  afterAll(async () => {
    for (const t of targets) await t.drop().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backs up the database and the evidence store into one .tar.gz with a manifest', async () => {
    expect(sourceReport.totals).toMatchObject({ captures: CAPTURES, intact: CAPTURES, problems: 0 });
    const r = await hongdun(source, 'backup', '--out', archive);
    expect(r.stderr).not.toContain('hongdun:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^backup written to ${archive}: ${BACKEND} `));
    expect(r.stdout).toContain(BACKEND === 'postgresql' ? '(pg_dump -Fc)' : '(pglite dumpDataDir)');
    // 12 pages and a screenshot (13 distinct blobs) plus the case file
    expect(r.stdout).toContain(`14 blobs`);
    expect(r.stdout).toContain(`${CAPTURES} captures in 4 chains`);
    const manifest = JSON.parse(fs.readFileSync(path.join(extracted(archive, 'look'), 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.database.kind).toBe(BACKEND);
    expect(manifest.rowCounts).toEqual(sourceCounts);
    expect(manifest.rowCounts['public.shop']).toBeGreaterThan(0);
    expect(manifest.migrations.length).toBeGreaterThanOrEqual(20);
    expect(manifest.evidence).toMatchObject({ captures: CAPTURES, referencedBlobs: 13, blobs: 14 });
    expect(Object.keys(manifest.files)).toHaveLength(15);
    for (const chain of sourceReport.chains) expect(manifest.evidence.chainHeads[String(chain.shopId)]).toEqual({ seq: chain.headSeq, hash: chain.headHash });
  }, 180_000);

  it('restores into a fresh database and evidence store: every table\'s row count and every evidence chain as backed up', async () => {
    const target = await newTarget('restored');
    const r = await hongdun(target, 'restore', '--from', archive, ...into(target));
    expect(r.stderr).not.toContain('hongdun:');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('row counts match the manifest');
    expect(r.stdout).toContain(`verified: ${CAPTURES} captures in 4 chains, ${CAPTURES} intact`);
    // checked here independently of the command's own checks: the restored database against the source
    const restored = await countsOf(target);
    expect(Object.keys(restored).length).toBeGreaterThan(50);
    expect(restored).toEqual(sourceCounts);
    const report = await verify(target);
    expect(report.totals).toMatchObject({ captures: CAPTURES, intact: CAPTURES, problems: 0 });
    expect(report.chains).toEqual(sourceReport.chains);
    const blobs = new BlobStore(target.evidenceDir);
    const names = fs.readdirSync(path.join(target.evidenceDir, 'sha256'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(names).toHaveLength(14);
    for (const name of names) expect(await blobs.check(name)).toBe('ok');

    // a second restore into the now non-empty database is refused, and --force replaces it
    const again = await hongdun(target, 'restore', '--from', archive, ...into(target));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^hongdun: refusing to restore: the target (database|PGlite data directory) .* is not empty.*--force/);
    const forced = await hongdun(target, 'restore', '--from', archive, ...into(target), '--force');
    expect(forced.stderr).not.toContain('hongdun:');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`${CAPTURES} intact`);
  }, 300_000);

  it('refuses a backup with one blob byte changed, and touches nothing', async () => {
    const backup = extracted(archive, 'tampered-blob');
    const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as BackupManifest;
    const blob = Object.keys(manifest.files).find((f) => f.startsWith('evidence/'))!;
    const file = path.join(backup, blob);
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes[0] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const target = await newTarget('tampered-blob');
    const r = await hongdun(target, 'restore', '--from', backup, ...into(target));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hongdun: restore failed: the backup does not match its manifest; nothing was restored');
    expect(r.stderr).toContain(`- ${blob}: SHA-256 is `);
    expect(r.stdout).toBe('');
    expect(await isEmpty(target)).toBe(true);
    expect(fs.existsSync(target.evidenceDir)).toBe(false);
  }, 180_000);

  it('refuses a backup whose manifest hash is off, or that lacks a blob', async () => {
    const backup = extracted(archive, 'tampered-manifest');
    const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as BackupManifest;
    const db = manifest.database.file;
    manifest.files[db] = manifest.files[db].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    fs.writeFileSync(path.join(backup, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const blob = Object.keys(manifest.files).find((f) => f.startsWith('evidence/'))!;
    fs.rmSync(path.join(backup, blob));
    const target = await newTarget('tampered-manifest');
    const r = await hongdun(target, 'restore', '--from', backup, ...into(target));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`- ${db}: SHA-256 is `);
    expect(r.stderr).toContain(`, the manifest says ${manifest.files[db]}`);
    expect(r.stderr).toContain(`- ${blob}: listed in the manifest but missing`);
    expect(await isEmpty(target)).toBe(true);
  }, 180_000);

  it('names the missing PostgreSQL client binary', async () => {
    const saved = process.env.PG_DUMP;
    process.env.PG_DUMP = path.join(dir, 'no-such', 'pg_dump');
    try {
      await expect(findPgBinary('pg_dump')).rejects.toThrow(`pg_dump not found at ${process.env.PG_DUMP} (PG_DUMP)`);
    } finally {
      if (saved === undefined) delete process.env.PG_DUMP;
      else process.env.PG_DUMP = saved;
    }
    expect(await findPgBinary('pg_restore')).toMatch(/pg_restore$/);
  });

  it('restores a database with an altered capture record but says so and exits 1 (the chains are verified)', async () => {
    // someone with owner rights rewrites a capture's URL (the append-only trigger switched off)
    await withOrm(source, async (orm) => {
      const conn = orm.em.fork().getConnection();
      await conn.execute('alter table evidence_capture disable trigger evidence_capture_no_update_delete');
      await conn.execute(`update evidence_capture set url = url || '?forged' where id = (select min(id) from evidence_capture)`);
      await conn.execute('alter table evidence_capture enable trigger evidence_capture_no_update_delete');
    });
    const backup = path.join(dir, 'altered-backup');
    const b = await hongdun(source, 'backup', '--out', backup);
    expect(b.code).toBe(0);
    const target = await newTarget('altered');
    const r = await hongdun(target, 'restore', '--from', backup, ...into(target));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hongdun: restore failed: the restored evidence does not verify');
    expect(r.stderr).toMatch(/- evidence: shop \d+ #1 http:\/\/127\.0\.0\.1:1\/shop\/\d+\/p\/1\?forged: record-altered/);
  }, 300_000);
});
