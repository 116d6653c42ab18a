import type { MikroORM } from '@mikro-orm/postgresql';
import { Session } from '../../entities';
import { runAsSystem } from '../../services/system-actor';
import type { JobRunner } from './job-runner';

/** Job names of the platform. */
export const JOBS = {
  /** deletes sessions that expired or were revoked more than a day ago */
  SESSION_CLEANUP: 'session-cleanup',
} as const;

/** Registers the platform's job handlers and schedules on a runner. */
export async function registerPlatformJobs(runner: JobRunner, orm: MikroORM): Promise<void> {
  runner.define({
    name: JOBS.SESSION_CLEANUP,
    attempts: 3,
    handler: () =>
      runAsSystem('job: session cleanup', async () => {
        const em = orm.em.fork();
        const cutoff = new Date(Date.now() - 24 * 3600_000);
        const deleted = await em.nativeDelete(Session, { $or: [{ expiresAt: { $lt: cutoff } }, { revokedAt: { $lt: cutoff } }] });
        return { deleted };
      }),
  });
  await runner.schedule({ id: 'session-cleanup-nightly', job: JOBS.SESSION_CLEANUP, cron: '17 3 * * *' });
}
