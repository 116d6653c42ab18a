/**
 * Scores the findings of a moment against the demo marketplace's ground truth: per rule, the violations it
 * found (true positives), the ones it missed, and the ones it raised that are not violations — with the
 * look-alike negatives counted separately (a finding on one is a false positive that matters most).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GroundTruth } from './marketplace';
import { runAsSystem } from '../services/system-actor';

export interface RuleScore {
  rule: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** findings on the marketplace's look-alike negatives (included in falsePositives) */
  lookAlikesFlagged: number;
  lookAlikes: number;
  precision: number;
  recall: number;
  /** a few examples of each kind of error, for the report */
  missed: string[];
  wrong: string[];
}

/** Scores findings at `observedAt` against `truth` (the same day); rules the truth does not know are skipped. */
export async function scoreFindings(orm: MikroORM, truth: GroundTruth, observedAt: Date): Promise<RuleScore[]> {
  const rows = await runAsSystem('score rule findings', () =>
    orm.em.fork().getConnection().execute<Array<{ rule_id: string; url: string; detail: string }>>(
      `select f.rule_id, coalesce(l.url, s.watch_url, s.url) as url, f.detail
       from finding f join shop s on s.id = f.shop_id left join listing l on l.id = f.listing_id
       where f.observed_at = ?::timestamptz`,
      [observedAt.toISOString()],
    ),
  );
  const rules = [...new Set([...truth.violations.map((v) => v.rule), ...truth.negatives.map((n) => n.rule)])].sort();
  return rules.map((rule) => {
    const expected = new Set(truth.violations.filter((v) => v.rule === rule).map((v) => v.url));
    const lookAlikes = new Set(truth.negatives.filter((n) => n.rule === rule).map((n) => n.url));
    const found = new Set(rows.filter((r) => r.rule_id === rule).map((r) => r.url));
    const tp = [...found].filter((u) => expected.has(u));
    const fp = [...found].filter((u) => !expected.has(u));
    const fn = [...expected].filter((u) => !found.has(u));
    return {
      rule,
      truePositives: tp.length,
      falsePositives: fp.length,
      falseNegatives: fn.length,
      lookAlikesFlagged: fp.filter((u) => lookAlikes.has(u)).length,
      lookAlikes: lookAlikes.size,
      precision: found.size === 0 ? (expected.size === 0 ? 1 : 0) : tp.length / found.size,
      recall: expected.size === 0 ? 1 : tp.length / expected.size,
      missed: fn.slice(0, 5),
      wrong: fp.slice(0, 5).map((u) => `${u}: ${rows.find((r) => r.rule_id === rule && r.url === u)?.detail ?? ''}`),
    };
  });
}
