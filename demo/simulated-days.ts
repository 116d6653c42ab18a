/**
 * Crawls the demo marketplace over simulated days, as the demo and the rule scoring do: on day 0 a
 * discovery, then every day a shop crawl stamped with that day's time, followed by the rule checks of
 * its moment.
 */
import { CrawlKind } from '../entities';
import { createCrawlRun } from '../services/crawl/crawl-runs';
import type { CrawlPolicy } from '../services/crawl/crawl-runs';
import { runAsSystem } from '../services/system-actor';
import type { Marketplace } from './marketplace';
import { checkRules, type RuleCheckOutcome } from '../crawlers/runs/check-rules';
import { type CrawlDeps, type CrawlRunOutcome, executeCrawlRun } from '../crawlers/runs/execute-run';

export interface SimulatedDay {
  day: number;
  /** the moment of the day's shop crawl (its snapshots, observations and findings) */
  observedAt: Date;
  runs: Array<{ kind: CrawlKind; outcome: CrawlRunOutcome; ms: number }>;
  rules: RuleCheckOutcome;
}

export interface SimulatedDaysOptions {
  days: number;
  /** the time simulated day `d` is stamped with; default: days ending today, 02:00 UTC */
  stamp?: (day: number) => Date;
  policy: CrawlPolicy;
  /** called after each day */
  onDay?: (day: SimulatedDay) => void;
}

export async function crawlSimulatedDays(deps: CrawlDeps, market: Marketplace, options: SimulatedDaysOptions): Promise<SimulatedDay[]> {
  const today = new Date();
  const stamp =
    options.stamp ?? ((d: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (options.days - 1 - d), 2)));
  const out: SimulatedDay[] = [];
  for (let day = 0; day < options.days; day++) {
    market.setDay(day);
    const observedAt = new Date(stamp(day).getTime() + 60_000);
    const runs: SimulatedDay['runs'] = [];
    for (const kind of day === 0 ? [CrawlKind.DISCOVERY, CrawlKind.SHOPS] : [CrawlKind.SHOPS]) {
      const run = await runAsSystem('simulated day', () =>
        createCrawlRun(deps.orm.em.fork(), { kind, observedAt: kind === CrawlKind.DISCOVERY ? stamp(day) : observedAt, trigger: 'demo' }, options.policy),
      );
      const started = Date.now();
      const outcome = await executeCrawlRun(deps, run.id);
      runs.push({ kind, outcome, ms: Date.now() - started });
    }
    const rules = await checkRules(deps.orm, { observedAt, regionCode: '37', runId: runs[runs.length - 1].outcome.runId });
    const result = { day, observedAt, runs, rules };
    options.onDay?.(result);
    out.push(result);
  }
  return out;
}
