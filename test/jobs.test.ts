import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session, User } from '../entities';
import { BullMqJobRunner } from '../server/jobs/bullmq-runner';
import { InProcessJobRunner } from '../server/jobs/in-process-runner';
import type { JobRunner } from '../kernel/job-runner';
import { loadConfig } from '../kernel/config';
import { JOBS, registerPlatformJobs } from '../server/jobs/platform-jobs';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase, type TestDatabase } from './support/database';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAvailable(): Promise<boolean> {
  const client = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

// vitest runs test files as ES modules, so top-level await is fine here
// @ts-ignore TS1309 (tsc sees the project as CommonJS)
const hasRedis: boolean = await redisAvailable();
if (!hasRedis && process.env.CI === 'true') throw new Error(`CI=true but Redis at ${REDIS_URL} does not answer: the BullMQ tests cannot be skipped in CI`);

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: 'jobs', entities: 10 });
});
afterAll(async () => {
  await db?.close();
});

async function seedSessions() {
  return runAsSystem('test', async () => {
    const em = db.orm.em.fork();
    const user = await em.findOneOrFail(User, { username: 'sd-admin' });
    const old = new Date(Date.now() - 3 * 24 * 3600_000);
    await em.insertMany(Session, [
      { tokenHash: randomBytes(32).toString('hex'), user: user.id, expiresAt: old, createdAt: old },
      { tokenHash: randomBytes(32).toString('hex'), user: user.id, expiresAt: new Date(Date.now() + 3600_000), createdAt: new Date() },
    ]);
    return em.count(Session, {});
  });
}

const sessionCount = () => runAsSystem('test', () => db.orm.em.fork().count(Session, {}));

function runnerContract(name: string, make: () => JobRunner, enabled: boolean) {
  describe.skipIf(!enabled)(name, () => {
    let runner: JobRunner;
    const givenUp: Array<{ data: Record<string, unknown>; message: string }> = [];
    beforeAll(async () => {
      runner = make();
      await registerPlatformJobs(runner, db.orm, loadConfig({ dataDir: 'memory://' }));
      let calls = 0;
      runner.define({
        name: 'flaky',
        attempts: 3,
        backoffMs: 20,
        handler: async (data) => {
          calls++;
          if (calls < 3) throw new Error(`flaky attempt ${calls}`);
          return { calls, echo: data.value };
        },
      });
      runner.define({
        name: 'always-fails',
        attempts: 2,
        backoffMs: 10,
        handler: async () => Promise.reject(new Error('broken on purpose')),
        onGivenUp: async (data, error) => void givenUp.push({ data, message: error.message }),
      });
      await runner.startWorker();
    });
    afterAll(async () => {
      await runner?.close();
    });

    it('runs the session cleanup job: expired sessions go, live ones stay', async () => {
      const before = await seedSessions();
      const id = await runner.enqueue(JOBS.SESSION_CLEANUP);
      const result = (await runner.waitFor(id, 20_000)) as { deleted: number };
      expect(result.deleted).toBeGreaterThanOrEqual(1);
      expect(await sessionCount()).toBe(before - result.deleted);
      const left = await runAsSystem('test', () => db.orm.em.fork().find(Session, {}));
      expect(left.every((s) => s.expiresAt > new Date(Date.now() - 24 * 3600_000))).toBe(true);
    });

    it('retries a failing job with backoff until it succeeds', async () => {
      const id = await runner.enqueue('flaky', { value: 42 });
      expect(await runner.waitFor(id, 20_000)).toEqual({ calls: 3, echo: 42 });
    });

    it('gives up after the attempts, reports the error, and tells the job once', async () => {
      const id = await runner.enqueue('always-fails', { runId: 7 });
      await expect(runner.waitFor(id, 20_000)).rejects.toThrow(/broken on purpose/);
      for (let i = 0; i < 50 && givenUp.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(givenUp).toEqual([{ data: { runId: 7 }, message: 'broken on purpose' }]);
    });

    it('refuses unknown jobs', async () => {
      await expect(runner.enqueue('no-such-job')).rejects.toThrow(/unknown job/);
    });

    it('counts jobs by state for /metrics: the ones done and the one given up, none left waiting', async () => {
      const counts = await runner.counts();
      expect(counts.completed).toBeGreaterThanOrEqual(2); // the cleanup and the flaky job
      expect(counts.failed).toBe(1); // always-fails, given up
      expect(counts.active).toBe(0);
      expect(counts.waiting ?? 0).toBe(0);
    });
  });
}

runnerContract('in-process job runner', () => new InProcessJobRunner(), true);

describe('in-process schedules', () => {
  it('waits for a run more than 24.8 days away (the 1st of next month seen from early this month) instead of firing it at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const runner = new InProcessJobRunner();
    try {
      let far = 0;
      let near = 0;
      runner.define({ name: 'far', handler: async () => void far++ });
      runner.define({ name: 'near', handler: async () => void near++ });
      const DAY = 86_400_000;
      await runner.schedule({ id: 'far-away', job: 'far', everyMs: 30 * DAY, data: {} });
      await runner.schedule({ id: 'hourly', job: 'near', everyMs: 3_600_000, data: {} });
      await runner.startWorker();
      await vi.advanceTimersByTimeAsync(1_000);
      expect([far, near]).toEqual([0, 0]);
      await vi.advanceTimersByTimeAsync(25 * DAY);
      expect(far).toBe(0); // past one timer's longest wait (2^31−1 ms), still five days early
      expect(near).toBe(25 * 24);
      await vi.advanceTimersByTimeAsync(5 * DAY);
      expect(far).toBe(1);
      await vi.advanceTimersByTimeAsync(30 * DAY);
      expect(far).toBe(2);
    } finally {
      await runner.close();
      vi.useRealTimers();
    }
  });
});

const prefix = `hongdun-test-${randomBytes(4).toString('hex')}`;
runnerContract('BullMQ job runner on Redis', () => new BullMqJobRunner(REDIS_URL, prefix), hasRedis);

describe.skipIf(!hasRedis)('BullMQ schedules', () => {
  it('declares the nightly cleanup, metrics refresh and assessment, the monthly reports and the monthly patrol generation as one job scheduler each, however often the platform starts', async () => {
    const a = new BullMqJobRunner(REDIS_URL, `${prefix}-sched`);
    const b = new BullMqJobRunner(REDIS_URL, `${prefix}-sched`);
    try {
      await registerPlatformJobs(a, db.orm, loadConfig({ dataDir: 'memory://' }));
      await registerPlatformJobs(b, db.orm, loadConfig({ dataDir: 'memory://' }));
      await registerPlatformJobs(a, db.orm, loadConfig({ dataDir: 'memory://' }));
      const schedulers = await a.schedulers();
      expect(schedulers.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
        { key: 'assessment-run-nightly', name: JOBS.ASSESSMENT_RUN },
        { key: 'metrics-refresh-nightly', name: JOBS.METRICS_REFRESH },
        { key: 'monthly-report-monthly', name: JOBS.MONTHLY_REPORT },
        { key: 'patrol-generate-monthly', name: JOBS.PATROL_GENERATE },
        { key: 'session-cleanup-nightly', name: JOBS.SESSION_CLEANUP },
      ]);
    } finally {
      await a.close();
      await b.close();
      const redis = new IORedis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
