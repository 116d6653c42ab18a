import { CronExpressionParser } from 'cron-parser';
import { logger } from '../../kernel/logger';
import type { JobDefinition, JobRunner, JobSchedule } from '../../kernel/job-runner';

/** The longest delay setTimeout honours (a signed 32-bit millisecond count). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

interface Pending {
  id: string;
  job: string;
  data: Record<string, unknown>;
  settled: Promise<unknown>;
}

/**
 * Jobs without Redis: run in this process as soon as they are queued, with retries and exponential
 * backoff; schedules as timers. Nothing survives a restart — the embedded default for one machine.
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly jobs = new Map<string, Pending>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;
  private closed = false;
  private seq = 0;
  /** jobs by state since start (this process only: nothing survives a restart) */
  private readonly tally = { waiting: 0, active: 0, failed: 0, completed: 0 };

  define(definition: JobDefinition): void {
    this.definitions.set(definition.name, definition);
  }

  async enqueue(job: string, data: Record<string, unknown> = {}): Promise<string> {
    if (this.closed) throw new Error('the job runner is closed');
    const definition = this.definitions.get(job);
    if (!definition) throw new Error(`unknown job "${job}"`);
    const id = `${job}:${++this.seq}`;
    const settled = this.execute(definition, id, data);
    settled.catch(() => undefined);
    this.jobs.set(id, { id, job, data, settled });
    return id;
  }

  private async execute(definition: JobDefinition, id: string, data: Record<string, unknown>): Promise<unknown> {
    const attempts = definition.attempts ?? 3;
    let delay = definition.backoffMs ?? 1000;
    this.tally.active++;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await definition.handler(data);
        logger.info({ job: definition.name, id, attempt }, 'job done');
        this.tally.active--;
        this.tally.completed++;
        return result;
      } catch (err) {
        if (attempt >= attempts || this.closed) {
          this.tally.active--;
          this.tally.failed++;
          logger.error({ job: definition.name, id, attempt, err }, 'job failed');
          await definition.onGivenUp?.(data, err as Error).catch((e) => logger.error({ job: definition.name, id, err: e }, 'onGivenUp failed'));
          throw err;
        }
        logger.warn({ job: definition.name, id, attempt, err }, 'job failed, retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
  }

  async schedule(schedule: JobSchedule): Promise<void> {
    const existing = this.timers.get(schedule.id);
    if (existing) clearTimeout(existing);
    const next = (): number => {
      if (schedule.everyMs) return schedule.everyMs;
      if (schedule.cron) return CronExpressionParser.parse(schedule.cron).next().getTime() - Date.now();
      throw new Error(`schedule ${schedule.id} needs everyMs or cron`);
    };
    const arm = () => {
      const due = Date.now() + Math.max(next(), 1);
      // a timer waits at most 2^31−1 ms (24.8 days; Node fires a longer one at once): a later run (the 1st of
      // next month seen from early this month) is waited for in steps
      const wait = () => {
        const timer = setTimeout(() => {
          if (this.closed) return;
          if (due - Date.now() > 0) return wait();
          this.enqueue(schedule.job, schedule.data).catch((err) => logger.error({ err, schedule: schedule.id }, 'scheduled job not queued'));
          arm();
        }, Math.min(Math.max(due - Date.now(), 1), MAX_TIMER_MS));
        timer.unref();
        this.timers.set(schedule.id, timer);
      };
      wait();
    };
    if (this.running) arm();
    else this.pendingSchedules.push(arm);
  }

  private pendingSchedules: (() => void)[] = [];

  async startWorker(): Promise<void> {
    this.running = true;
    for (const arm of this.pendingSchedules.splice(0)) arm();
  }

  async waitFor(jobId: string, timeoutMs = 60_000): Promise<unknown> {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`unknown job id ${jobId}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([job.settled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async counts(): Promise<Record<string, number>> {
    return { ...this.tally };
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.settled));
  }
}
