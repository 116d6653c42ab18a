/**
 * The demo province's history (issue 7): the twelve months before the current one — and the part of the
 * current month so far where the month's own loaders write nothing (register maintenance, findings, clues,
 * cases, prices) — of supervision data, so that metrics, assessment and the monthly report have a year to
 * show for every unit:
 * - patrol plans of each year (and each month's province-wide campaign: 618, Double 11, a price sweep), each month's tasks by the real
 *   generation (`generatePatrolTasks`), records filed by the stations at their own pace (some late, some
 *   never);
 * - complaints and reports received, decided within (or beyond) the 7 working days, mediated, resolved,
 *   closed, with their events;
 * - register maintenance marks; findings of the rule checks; clues assigned and handled on time or late;
 *   cases filed, decided with a fine and closed, with their events;
 * - price observations of a few listings per unit in the crawl store (listed, repriced, promoted and taken
 *   down over the year), the changes the store detects in them (price moves, new and removed listings), and
 *   its daily rollup;
 * then the metrics of every month of the window.
 *
 * Bulk, set-based SQL (history/*.ts), deterministic for a seed and a moment ("now": steps whose moment has
 * not come are not taken), one transaction per stage; each finished stage is recorded in
 * `demo_history_stage` (a demo-only table this loader creates), so a rerun adds nothing and an interrupted
 * load goes on where it stopped. Runs after the month's supervision work (load-demo-work.ts skips a
 * database that already holds complaints).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { refreshMetrics } from '../analytics/metrics/rollup';
import { executorFromEntityManager } from '../store';
import { PatrolPlanKind, runAs, User } from '../entities';
import { atTime, now as clockNow } from '../kernel/clock';
import { timeSeriesOf } from '../store';
import { logger } from '../kernel/logger';
import { actorForUser } from '../services/access/actors';
import { addDays, chinaDay, monthOf, startOfChinaDay } from '../services/calendar/working-days';
import { generatePatrolTasks } from '../services/patrols/patrol-generation';
import { createPatrolPlan } from '../services/patrols/patrol-plans';
import { UserInputError } from '../services/errors';
import { runAsSystem } from '../services/system-actor';
import { enforcementHistory } from './history/enforcement-history';
import { literal, prepareHistoryTables } from './history/history-sql';
import { historyListings, historyObservations } from './history/market-history';
import { complaintHistory, type HistoryMonth, maintenanceHistory, patrolHistory } from './history/supervision-history';
import { CAMPAIGN_CHECKLIST, demoCampaign } from './load-demo-work';
import { personName } from './names';
import { Random } from './random';

export interface DemoHistoryOptions {
  seed: string;
  /** the moment the history runs up to (default the workflow clock's now) */
  now?: Date;
  /** past months generated before the current one (default 12) */
  months?: number;
  /** complaints a month per 1,000 filed shops of a unit (default 6; at least one a unit) */
  complaintsPerThousandShops?: number;
  /** findings a month per 1,000 shops of a unit, on top of two to four (default 10) */
  findingsPerThousandShops?: number;
  /** shops of each unit that get listings with a price history (default 1) */
  listingShopsPerUnit?: number;
  /** listings of each such shop (default 2) */
  listingsPerShop?: number;
  /** price observations a day per listing (default 2): the volume knob of the crawl store */
  observationsPerDay?: number;
  /** refresh the metrics of every month generated (default true) */
  refreshMetrics?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** stops between two stages; the next run goes on */
  signal?: AbortSignal;
}

export interface DemoHistorySummary {
  /** true when the database is not a demo's (no units or no demo logins) */
  skipped: boolean;
  /** the months of the window, oldest first (the current one last) */
  months: string[];
  /** stages run now (not before) */
  stages: string[];
  /** rows written now, per table */
  rows: Record<string, number>;
  /** milliseconds per step */
  timings: Record<string, number>;
  millis: number;
}

/** The table recording the finished stages (demo only). */
export const HISTORY_STATE_TABLE = 'demo_history_stage';

/** Loads the history (see the file comment); a rerun adds nothing. */
export async function loadDemoHistory(orm: MikroORM, options: DemoHistoryOptions): Promise<DemoHistorySummary> {
  const started = performance.now();
  checkOptions(options);
  const progress = options.onProgress ?? (() => {});
  const at = options.now ?? clockNow();
  const today = chinaDay(at);
  const window = historyWindow(today, options.months ?? 12);
  const summary: DemoHistorySummary = { skipped: false, months: window.map((w) => w.month), stages: [], rows: {}, timings: {}, millis: 0 };
  const add = (table: string, n: number) => {
    summary.rows[table] = (summary.rows[table] ?? 0) + n;
    return n;
  };
  const seed = literal(options.seed);
  const sql = <T>(text: string, params: unknown[] = []) => runAsSystem('demo history: read', () => orm.em.fork().getConnection().execute<T[]>(text, params));

  const [{ n: units }] = await sql<{ n: number }>('select count(*)::int as n from unit');
  const users = await runAsSystem('demo history: users', () => orm.em.fork().find(User, { username: { $in: ['sd-admin', 'sd-leader'] } }, { populate: ['unit'] }));
  const admin = users.find((u) => u.username === 'sd-admin');
  const leader = users.find((u) => u.username === 'sd-leader');
  if (units === 0 || !admin || !leader) return { ...summary, skipped: true, millis: Math.round(performance.now() - started) };

  await sql(`create table if not exists ${HISTORY_STATE_TABLE} (stage varchar(64) primary key, rows int not null default 0, millis int not null default 0, done_at timestamptz not null default now())`);
  const done = new Set((await sql<{ stage: string }>(`select stage from ${HISTORY_STATE_TABLE}`)).map((r) => r.stage));
  const calendarFrom = addDays(window[0].first, -10);
  const calendarTo = addDays(today, 200);
  const names = Array.from({ length: 400 }, (_, i) => personName(new Random(`${options.seed}/history/name/${i}`)));
  const totalStages = 2 + window.length * 2;
  let stageNo = 0;

  /**
   * Runs a stage once, in one transaction with its state row — or, for a stage of commands (each its own
   * transaction, e.g. the plans), before recording it (the commands find what an interrupted run made).
   */
  const stage = async (name: string, fn: (em: EntityManager) => Promise<number>, commands = false) => {
    stageNo += 1;
    if (done.has(name)) return;
    options.signal?.throwIfAborted();
    const t0 = performance.now();
    const record = (em: EntityManager, rows: number) =>
      em.execute(`insert into ${HISTORY_STATE_TABLE} (stage, rows, millis) values (?, ?, ?)`, [name, rows, Math.round(performance.now() - t0)]);
    await runAsSystem(`demo history: ${name}`, async () => {
      if (commands) {
        const rows = await fn(orm.em.fork());
        await record(orm.em.fork(), rows);
        return;
      }
      await orm.em.fork().transactional(async (em) => {
        await prepareHistoryTables(em, calendarFrom, calendarTo);
        await record(em, await fn(em));
      });
    });
    summary.stages.push(name);
    summary.timings[name] = Math.round(performance.now() - t0);
    progress('history', stageNo, totalStages);
  };

  // the plans the tasks of the window belong to, made through the command at their first day
  await stage('plans', async () => ensurePlans(orm, window, today, actorForUser(admin), actorForUser(leader)), true);
  const historyStart = new Date(`${window[0].first}T00:00:00Z`);
  // the observations run up to today's first UTC instant (the store's daily buckets)
  const lastSeen = new Date(`${today}T00:00:00Z`);
  await stage('listings', async (em) => {
    const n = await historyListings(em, seed, historyStart, lastSeen, options.listingShopsPerUnit ?? 1, options.listingsPerShop ?? 2);
    add('listing', n);
    return n;
  });

  let observed = false;
  for (const w of window) {
    const m: HistoryMonth = { month: w.month, first: w.first, last: w.last, seed, now: at };
    if (!done.has(`supervision ${w.month}`) && !w.partial) {
      // the month's tasks, as the monthly job would have generated them on its first day
      options.signal?.throwIfAborted();
      const t0 = performance.now();
      await atTime(new Date(startOfChinaDay(w.first).getTime() + 8 * 3600_000), () =>
        runAsSystem('demo history: patrol tasks', () => generatePatrolTasks(orm.em.fork(), { month: w.month })),
      );
      summary.timings[`tasks ${w.month}`] = Math.round(performance.now() - t0);
    }
    await stage(`supervision ${w.month}`, async (em) => {
      let n = 0;
      if (!w.partial) {
        n += add('patrol_record', await patrolHistory(em, m));
        n += add('complaint', await complaintHistory(em, m, names, options.complaintsPerThousandShops ?? 6));
      }
      n += add('shop_event', await maintenanceHistory(em, m));
      const e = await enforcementHistory(em, m, options.findingsPerThousandShops ?? 10);
      n += add('finding', e.findings) + add('clue', e.clues) + add('legal_case', e.cases);
      return n;
    });
    await stage(`observations ${w.month}`, async (em) => {
      observed = true;
      const store = timeSeriesOf(orm)(executorFromEntityManager(em));
      const to = w.partial ? new Date(`${today}T00:00:00Z`) : new Date(`${addDays(w.last, 1)}T00:00:00Z`);
      const from = new Date(`${w.first}T00:00:00Z`);
      const n = add('listing_observation', await historyObservations(em, store, seed, from, to, options.observationsPerDay ?? 2));
      // the price moves, new and removed listings of the month, detected as after a crawl (the market's "biggest moves")
      const changes = await store.detectChanges({ from, to });
      return n + add('listing_change', Object.values(changes).reduce((a, b) => a + b, 0));
    });
  }
  if (observed) {
    const t0 = performance.now();
    await runAsSystem('demo history: price rollups', () =>
      timeSeriesOf(orm)(executorFromEntityManager(orm.em.fork())).refreshRollups({ from: historyStart, to: new Date(`${today}T00:00:00Z`) }),
    );
    summary.timings.rollups = Math.round(performance.now() - t0);
  }
  if (summary.stages.length > 0 && options.refreshMetrics !== false) {
    const t0 = performance.now();
    for (const w of window) await refreshMetrics(orm, w.month);
    const current = today.slice(0, 7);
    if (!window.some((w) => w.month === current)) await refreshMetrics(orm, current);
    summary.timings.metrics = Math.round(performance.now() - t0);
  }
  summary.millis = Math.round(performance.now() - started);
  logger.info({ stages: summary.stages.length, rows: summary.rows, millis: summary.millis }, 'loaded the demo history');
  return summary;
}

/** The numeric options, each a whole number in its range, else a UserInputError naming it (nothing written). */
function checkOptions(options: DemoHistoryOptions): void {
  const ranges: [keyof DemoHistoryOptions, number, number][] = [
    ['months', 1, 36],
    ['complaintsPerThousandShops', 0, 1000],
    ['findingsPerThousandShops', 0, 1000],
    ['listingShopsPerUnit', 0, 100],
    ['listingsPerShop', 0, 100],
    ['observationsPerDay', 1, 96],
  ];
  for (const [name, min, max] of ranges) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new UserInputError(`${name}: a whole number from ${min} to ${max}, got ${String(value)}`, name);
    }
  }
}

/** One month of the window: a whole past month, or the current one up to yesterday (partial). */
export interface HistoryWindowMonth {
  month: string;
  first: string;
  last: string;
  partial: boolean;
}

/** The `months` months before the month of `today`, then the current month up to yesterday (if begun). */
export function historyWindow(today: string, months: number): HistoryWindowMonth[] {
  if (!Number.isInteger(months) || months < 1 || months > 36) throw new RangeError(`months: 1 to 36, got ${months}`);
  const out: HistoryWindowMonth[] = [];
  const current = monthOf(today);
  let first = current.first;
  for (let i = 0; i < months; i++) first = monthOf(addDays(first, -1)).first;
  for (let i = 0; i < months; i++) {
    const { last } = monthOf(first);
    out.push({ month: first.slice(0, 7), first, last, partial: false });
    first = addDays(last, 1);
  }
  const yesterday = addDays(today, -1);
  if (yesterday >= current.first) out.push({ month: current.first.slice(0, 7), first: current.first, last: yesterday, partial: true });
  return out;
}

/**
 * The routine plan of every year of the window (a past year's ends on 31 December) and the 618 / Double 11
 * campaigns of its past months — province-wide, as load-demo-work.ts runs the current month's (`demoCampaign`) —
 * created through the command on their first day unless they exist.
 */
async function ensurePlans(orm: MikroORM, window: readonly HistoryWindowMonth[], today: string, admin: ReturnType<typeof actorForUser>, leader: ReturnType<typeof actorForUser>): Promise<number> {
  const existing = await runAsSystem('demo history: plans', () =>
    orm.em.fork().getConnection().execute<{ kind: string; name: string; starts_on: string }[]>(`select kind, name, starts_on::text as starts_on from patrol_plan`),
  );
  let created = 0;
  const atStart = (day: string) => new Date(startOfChinaDay(day).getTime() + 9 * 3600_000);
  const currentYear = today.slice(0, 4);
  for (const year of [...new Set(window.filter((w) => !w.partial).map((w) => w.first.slice(0, 4)))]) {
    const startsOn = `${year}-01-01`;
    if (existing.some((p) => p.kind === PatrolPlanKind.ROUTINE && p.starts_on === startsOn)) continue;
    await atTime(atStart(startsOn), () =>
      runAs(admin, () =>
        createPatrolPlan(orm.em.fork(), { kind: PatrolPlanKind.ROUTINE, name: `${year}年度网络交易日常巡查`, startsOn, endsOn: year === currentYear ? null : `${year}-12-31` }),
      ),
    );
    created += 1;
  }
  for (const w of window.filter((x) => !x.partial)) {
    const campaign = demoCampaign(w.month);
    if (existing.some((p) => p.kind === PatrolPlanKind.CAMPAIGN && p.name === campaign.name)) continue;
    await atTime(atStart(w.first), () =>
      runAs(leader, () =>
        createPatrolPlan(orm.em.fork(), {
          kind: PatrolPlanKind.CAMPAIGN,
          name: campaign.name,
          theme: campaign.theme,
          startsOn: w.first,
          endsOn: w.last,
          target: { classifications: [...campaign.target.classifications] },
          checklist: [...CAMPAIGN_CHECKLIST],
        }),
      ),
    );
    created += 1;
  }
  return created;
}
