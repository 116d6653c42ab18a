/**
 * Faults: the evidence store full or read-only during a crawl of the demo marketplace. The EVIDENCE_DIR
 * is a tiny tmpfs (64 KiB, fills up after a few pages: ENOSPC) or a read-only bind mount (EROFS; tests
 * run as root, where chmod would not stop writes). The run must stop as failed with a reason naming the
 * evidence store, and nothing may be recorded without its evidence: every evidence_capture row's blob is
 * in the store with the bytes its name hashes to.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { BlobStore } from '../kernel/blob-store';
import { runAsSystem } from '../services/system-actor';
import { BACKEND } from './support/database';
import { startTestPlatform, type TestPlatform } from './support/platform';

const SEED = 'hongdun';
let market: Marketplace;
const mounts: string[] = [];
const dirs: string[] = [];

function mount(...args: string[]) {
  execFileSync('mount', args, { stdio: 'pipe' });
}

async function crawlWith(evidenceDir: string) {
  const p = await startTestPlatform({
    seed: SEED,
    entities: 50,
    config: {
      crawlAllowedOrigins: [market.url],
      crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
      crawlTimeoutSecs: 5,
      crawlConcurrency: 4,
      crawlPerHost: 4,
      crawlSchedules: false,
      evidenceDir,
    },
  });
  try {
    const token = await p.login('sd-analyst');
    const started = await p.gql(`mutation($i: StartCrawlInput!) { startCrawl(input: $i) { id status } }`, { i: { kind: 'DISCOVERY' } }, token);
    expect(started.errors).toBeUndefined();
    const id = started.data.startCrawl.id;
    const deadline = Date.now() + 90_000;
    let run: any;
    for (;;) {
      run = (await p.gql(`query($id: ID!) { crawlRun(id: $id) { id status pagesOk pagesFailed captures snapshotsWritten observationsWritten message errors } }`, { id }, token)).data.crawlRun;
      if (run.status === 'SUCCEEDED' || run.status === 'FAILED' || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const captures = await runAsSystem('faults evidence test', () =>
      p.orm.em.fork().getConnection().execute<{ sha256: string }[]>(`select sha256 from evidence_capture where run_id = ?`, [Number(id)]),
    );
    const store = new BlobStore(evidenceDir);
    const missing: string[] = [];
    for (const c of captures) if ((await store.check(c.sha256.trim())) !== 'ok') missing.push(c.sha256);
    return { run, captures: captures.length, missing };
  } finally {
    await p.shutdown();
  }
}

beforeAll(async () => {
  market = await startMarketplace({ seed: SEED, entities: 60, day: 0 });
}, 60_000);

afterAll(async () => {
  await market?.close();
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'pipe' });
    } catch {
      /* already gone */
    }
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe(`a crawl whose evidence store is full or read-only (${BACKEND})`, () => {
  it('a full store (64 KiB tmpfs): the run fails naming the evidence store, and no capture row lacks its blob', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-evidence-full-'));
    dirs.push(dir);
    mount('-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir);
    mounts.push(dir);
    const { run, captures, missing } = await crawlWith(dir);
    console.log(`[faults] evidence store full on ${BACKEND}: run ${run.status}, ${run.pagesOk} pages ok, ${run.snapshotsWritten} snapshots, ${run.observationsWritten} observations, ${captures} captures recorded, ${missing.length} without blob; message: ${run.message}`);
    expect(missing).toEqual([]);
    if (captures === 0) expect({ snapshots: run.snapshotsWritten, observations: run.observationsWritten }).toEqual({ snapshots: 0, observations: 0 });
    expect(run.status).toBe('FAILED');
    expect(run.message).toMatch(/evidence store/i);
    expect(run.message).toMatch(/ENOSPC|no space|full/i);
  }, 150_000);

  it('a read-only store (read-only bind mount): the run fails naming the evidence store, and nothing is recorded without its evidence', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-evidence-ro-'));
    dirs.push(dir);
    mount('--bind', dir, dir);
    mounts.push(dir);
    mount('-o', 'remount,ro,bind', dir);
    const { run, captures, missing } = await crawlWith(dir);
    console.log(`[faults] evidence store read-only on ${BACKEND}: run ${run.status}, ${run.pagesOk} pages ok, ${run.snapshotsWritten} snapshots, ${run.observationsWritten} observations, ${captures} captures recorded, ${missing.length} without blob; message: ${run.message}`);
    expect(captures).toBe(0);
    expect(missing).toEqual([]);
    expect({ pages: run.pagesOk, snapshots: run.snapshotsWritten, observations: run.observationsWritten }).toEqual({ pages: 0, snapshots: 0, observations: 0 });
    expect(run.status).toBe('FAILED');
    expect(run.message).toMatch(/evidence store/i);
    expect(run.message).toMatch(/EROFS|read-only/i);
  }, 150_000);
});
