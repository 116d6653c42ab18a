/**
 * The annual assessment engine (analytics/assessment/): each scoring rule's arithmetic at its edges,
 * the default scheme (weights, categories, indicators), schemes refused with the path of the problem,
 * explanations that add up to the total, competition ranking with ties, and versioned re-scoring.
 * Pure functions: no database.
 */
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_INDICATORS,
  type AssessmentItem,
  type AssessmentLevel,
  type AssessmentResult,
  type AssessmentScheme,
  checkScheme,
  checkSchemeHistory,
  DEFAULT_SCHEME_2026,
  DEFAULT_SCHEMES,
  type IndicatorValues,
  rank,
  schemeFingerprint,
  schemeFor,
  score,
} from '../analytics/assessment';
import { metricByKey } from '../analytics/metrics';
import { UserInputError } from '../services/errors';

const LEVELS: AssessmentLevel[] = ['province', 'city', 'county', 'station'];
/** The indicator keys of the metrics catalog the assessment may use (from the brief). */
const CATALOG_KEYS = [
  'staffing_met', 'equipment_met', 'work_plan_on_time', 'training_sessions', 'publicity_activities',
  'consumer_warnings', 'login_compliance', 'filing_coverage', 'patrol_coverage', 'patrol_tasks_overdue', 'cases_filed',
  'clues_on_time', 'reports_submitted', 'reports_approved', 'complaints_on_time', 'complaints_resolved_rate',
];
const NORM_CATEGORIES = ['organisation', 'equipment', 'work_plan', 'training', 'publicity', 'system_use', 'filing', 'patrol', 'cases', 'reporting', 'complaints'];

/** Independent half-up rounding to the hundredth, in integer hundredths (the test's own arithmetic). */
const hundredths = (x: number): number => Math.round(x * 100 + 1e-7);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A scheme whose every level scores the same items (weights must sum to 100). */
function schemeOf(items: AssessmentItem[], bonus: AssessmentScheme['levels']['county']['bonus'] = []): AssessmentScheme {
  const level = () => ({ items: clone(items), bonus: clone(bonus) });
  return checkScheme({ id: 'test', version: 1, name: '测试方案', fromYear: 2026, levels: { province: level(), city: level(), county: level(), station: level() } });
}
/** The rest of the 100 points, on an item the test leaves without value (scores 0). */
const filler = (weight: number): AssessmentItem => ({
  key: 'filler', nameZh: '其他', nameEn: 'Other', category: 'reporting', indicator: 'reports_submitted', weight, rule: { kind: 'linear', target: 1 },
});
function itemScore(scheme: AssessmentScheme, key: string, values: IndicatorValues) {
  const r = score(scheme, 'county', values);
  const item = r.items.find((i) => i.key === key);
  if (!item) throw new Error(`no item ${key}`);
  return { result: r, item };
}
function refusal(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserInputError);
    return e as UserInputError;
  }
  throw new Error('expected a UserInputError, nothing was thrown');
}

describe('scoring rules', () => {
  const linear = schemeOf([
    { key: 'patrol', nameZh: '巡查覆盖率', nameEn: 'Patrol coverage', category: 'patrol', indicator: 'patrol_coverage', weight: 15, rule: { kind: 'linear', target: 0.9 } },
    { key: 'training', nameZh: '业务培训', nameEn: 'Training sessions', category: 'training', indicator: 'training_sessions', weight: 6, rule: { kind: 'linear', target: 4 } },
    filler(79),
  ]);

  it('linear: value/target × weight, capped at the weight; 0, below, at, above target and no value', () => {
    expect(itemScore(linear, 'patrol', { patrol_coverage: 0 }).item.points).toBe(0);
    const below = itemScore(linear, 'patrol', { patrol_coverage: 0.86 }).item;
    expect(below.points).toBe(14.33); // 86/90 × 15 = 14.333…
    expect(below.explanation).toBe('巡查覆盖率 86.0%，目标 90%，线性计分：86.0/90×15 = 14.33 分');
    expect(below.explanationEn).toBe('Patrol coverage 86.0%, target 90%, linear: 86.0/90×15 = 14.33 points');
    expect(below).toMatchObject({ value: 0.86, target: 0.9, max: 15, missing: false });
    expect(itemScore(linear, 'patrol', { patrol_coverage: 0.9 }).item.points).toBe(15);
    const above = itemScore(linear, 'patrol', { patrol_coverage: 0.95 }).item;
    expect(above.points).toBe(15);
    expect(above.explanation).toBe('巡查覆盖率 95.0%，目标 90%，线性计分：95.0/90×15 = 15.83，超过目标按满分计 = 15.00 分');
    expect(itemScore(linear, 'patrol', { patrol_coverage: 1 }).item.points).toBe(15);
    const none = itemScore(linear, 'patrol', { patrol_coverage: null });
    expect(none.item).toMatchObject({ points: 0, value: null, missing: true, explanation: '巡查覆盖率 无数据，按 0 分计 = 0.00 分' });
    expect(none.result.missing).toContain('patrol_coverage');
    expect(itemScore(linear, 'patrol', {}).item).toMatchObject({ points: 0, missing: true }); // absent = no value
    // counts: 3 of 4 sessions × 6
    const training = itemScore(linear, 'training', { training_sessions: 3 }).item;
    expect(training.points).toBe(4.5);
    expect(training.explanation).toBe('业务培训 3 次，目标 4 次，线性计分：3/4×6 = 4.50 分');
    expect(itemScore(linear, 'training', { training_sessions: 9 }).item.points).toBe(6);
  });

  it('a rate is scored at 0.1 percentage point, as shown in the explanation', () => {
    const item = itemScore(linear, 'patrol', { patrol_coverage: 0.86047 }).item;
    expect(item).toMatchObject({ value: 0.86, rawValue: 0.86047, points: 14.33 }); // not 86.047/90×15 = 14.34
    expect(item.explanation).toContain('86.0/90×15 = 14.33');
    expect(itemScore(linear, 'patrol', { patrol_coverage: 0.8995 }).item.value).toBe(0.9); // half up
  });

  const thresholds = schemeOf([
    {
      key: 'accepted', nameZh: '投诉按时受理率', nameEn: 'Complaints accepted on time', category: 'complaints', indicator: 'complaints_on_time', weight: 10,
      rule: { kind: 'thresholds', steps: [{ atLeast: 0.8, points: 5 }, { atLeast: 0.9, points: 8 }, { atLeast: 0.95, points: 10 }] },
    },
    filler(90),
  ]);

  it('thresholds: the points of the highest step reached; 0 below the first; each boundary inclusive', () => {
    const at = (v: number | null) => itemScore(thresholds, 'accepted', { complaints_on_time: v }).item.points;
    expect([at(0), at(0.79), at(0.8), at(0.899), at(0.9), at(0.949), at(0.95), at(1), at(null)]).toEqual([0, 0, 5, 5, 8, 8, 10, 10, 0]);
    expect(itemScore(thresholds, 'accepted', { complaints_on_time: 0.92 }).item.explanation).toBe(
      '投诉按时受理率 92.0%，阶梯计分（≥80% 得 5 分，≥90% 得 8 分，≥95% 得 10 分）：达到 ≥90% 档 = 8.00 分',
    );
    expect(itemScore(thresholds, 'accepted', { complaints_on_time: 0.5 }).item.explanation).toContain('未达最低档 ≥80% = 0.00 分');
  });

  const deduction = schemeOf([
    { key: 'overdue', nameZh: '逾期巡查任务', nameEn: 'Overdue patrol tasks', category: 'patrol', indicator: 'patrol_tasks_overdue', weight: 4, rule: { kind: 'deduction', perUnit: 0.5 } },
    filler(96),
  ]);

  it('deduction: weight − perUnit × value, never below 0; no value scores 0, not full marks', () => {
    const at = (v: number | null) => itemScore(deduction, 'overdue', { patrol_tasks_overdue: v }).item;
    expect(at(0).points).toBe(4);
    expect(at(3).points).toBe(2.5);
    expect(at(3).explanation).toBe('逾期巡查任务 3 件，扣分计分：每 1 扣 0.5 分，4−3×0.5 = 2.50 分');
    expect(at(8).points).toBe(0);
    expect(at(10).points).toBe(0);
    expect(at(10).explanation).toBe('逾期巡查任务 10 件，扣分计分：每 1 扣 0.5 分，4−10×0.5 = -1.00，扣完为止 = 0.00 分');
    expect(at(null)).toMatchObject({ points: 0, missing: true });
  });

  const boolean = schemeOf([
    { key: 'plan', nameZh: '年度工作部署按时印发率', nameEn: 'Work plan issued on time', category: 'work_plan', indicator: 'work_plan_on_time', weight: 5, rule: { kind: 'boolean' } },
    { key: 'cases', nameZh: '立案', nameEn: 'Cases filed', category: 'cases', indicator: 'cases_filed', weight: 5, rule: { kind: 'boolean' } },
    filler(90),
  ]);

  it('boolean: the weight when the value is ≥ 1 (a rate of 100 %, a count of one or more), else 0', () => {
    const at = (v: number | null) => itemScore(boolean, 'plan', { work_plan_on_time: v }).item.points;
    expect([at(0), at(0.5), at(0.9994), at(0.9995), at(1), at(null)]).toEqual([0, 0, 0, 5, 5, 0]); // 99.95 % shows as 100.0 %
    expect(itemScore(boolean, 'plan', { work_plan_on_time: 1 }).item.explanation).toBe('年度工作部署按时印发率 100.0%，达标计分：达标得 5 分 = 5.00 分');
    expect(itemScore(boolean, 'plan', { work_plan_on_time: 0.8 }).item.explanation).toBe('年度工作部署按时印发率 80.0%，达标计分：未达标 = 0.00 分');
    const cases = (v: number) => itemScore(boolean, 'cases', { cases_filed: v }).item.points;
    expect([cases(0), cases(1), cases(7)]).toEqual([0, 5, 5]);
  });

  it('points round half up to the hundredth (1.005 → 1.01, where Math.round(1.005 × 100) / 100 gives 1)', () => {
    const s = schemeOf([
      { key: 'overdue', nameZh: '逾期巡查任务', nameEn: 'Overdue patrol tasks', category: 'patrol', indicator: 'patrol_tasks_overdue', weight: 2, rule: { kind: 'deduction', perUnit: 0.995 } },
      filler(98),
    ]);
    expect(2 - 0.995).toBe(1.005);
    expect(Math.round((2 - 0.995) * 100) / 100).toBe(1); // the naive rounding this guards against
    expect(itemScore(s, 'overdue', { patrol_tasks_overdue: 1 }).item.points).toBe(1.01);
  });

  it('bonus: points per occurrence up to the maximum', () => {
    const s = schemeOf([filler(100)], [{ key: 'typical_experience', nameZh: '典型经验被推广', nameEn: 'Typical experience promoted', points: 2, max: 5 }]);
    const at = (n: number) => score(s, 'city', {}, { typical_experience: n });
    expect([0, 1, 2, 3, 10].map((n) => at(n).bonusTotal)).toEqual([0, 2, 4, 5, 5]);
    expect(at(3).bonus[0].explanation).toBe('典型经验被推广 3 次，每次加 2 分，最多加 5 分：3×2 = 6.00，按上限计 = 5.00 分');
    expect(at(3)).toMatchObject({ itemsTotal: 0, total: 5, maxTotal: 105 });
    expect(score(s, 'city', {}).bonusTotal).toBe(0);
  });

  it('refuses bad values, bonuses and levels, naming the field', () => {
    const s = DEFAULT_SCHEME_2026;
    const cases: [() => unknown, string][] = [
      [() => score(s, 'county', { patrol_coverage: 1.2 }), 'values.patrol_coverage'],
      [() => score(s, 'county', { patrol_coverage: -0.1 }), 'values.patrol_coverage'],
      [() => score(s, 'county', { patrol_coverage: Number.NaN }), 'values.patrol_coverage'],
      [() => score(s, 'county', { patrol_coverage: true as unknown as number }), 'values.patrol_coverage'],
      [() => score(s, 'county', { training_sessions: -1 }), 'values.training_sessions'],
      [() => score(s, 'county', { training_sessions: 2.5 }), 'values.training_sessions'],
      [() => score(s, 'county', { work_plan_on_time: 2 }), 'values.work_plan_on_time'], // a rate above 100 %
      [() => score(s, 'county', { training_sessions: '3' as unknown as number }), 'values.training_sessions'],
      [() => score(s, 'county', {}, { no_such_bonus: 1 }), 'bonuses.no_such_bonus'],
      [() => score(s, 'station', {}, { major_case: 1 }), 'bonuses.major_case'], // a county bonus, not a station one
      [() => score(s, 'county', {}, { typical_experience: -1 }), 'bonuses.typical_experience'],
      [() => score(s, 'county', {}, { typical_experience: 1.5 }), 'bonuses.typical_experience'],
      [() => score(s, 'town' as AssessmentLevel, {}), 'level'],
    ];
    for (const [fn, field] of cases) {
      const e = refusal(fn);
      expect(e.field, field).toBe(field);
      expect(e.code).toBe('BAD_USER_INPUT');
      expect(e.message).toContain(field);
    }
  });
});

describe('indicators', () => {
  it('are indicators of the metrics catalog: rates are catalog rates in %, counts are catalog sums', () => {
    for (const [key, def] of Object.entries(ASSESSMENT_INDICATORS)) {
      const m = metricByKey(key);
      expect(m, key).toBeDefined();
      if (def.kind === 'rate') expect([m!.aggregation, m!.unit], key).toEqual(['rate', '%']);
      else expect(m!.aggregation, key).toBe('sum');
    }
    expect(Object.keys(ASSESSMENT_INDICATORS).sort()).toEqual([...CATALOG_KEYS].sort());
  });
});

describe('the default scheme (2026, version 1)', () => {
  it('is a valid scheme, also after a JSON round trip, with weights summing to exactly 100 per level', () => {
    expect(checkScheme(clone(DEFAULT_SCHEME_2026))).toEqual(DEFAULT_SCHEME_2026);
    expect(DEFAULT_SCHEME_2026).toMatchObject({ version: 1, fromYear: 2026 });
    for (const level of LEVELS) {
      const sum = DEFAULT_SCHEME_2026.levels[level].items.reduce((s, i) => s + hundredths(i.weight), 0);
      expect(sum, level).toBe(10000);
    }
  });

  it('covers every category of the norm at every level, with indicators of the metrics catalog only', () => {
    for (const level of LEVELS) {
      const items = DEFAULT_SCHEME_2026.levels[level].items;
      expect(new Set(items.map((i) => i.category)), level).toEqual(new Set(NORM_CATEGORIES));
      for (const i of items) expect(CATALOG_KEYS, `${level}.${i.key}`).toContain(i.indicator);
      expect(DEFAULT_SCHEME_2026.levels[level].bonus.map((b) => b.key)).toContain('typical_experience');
    }
    const te = DEFAULT_SCHEME_2026.levels.county.bonus.find((b) => b.key === 'typical_experience');
    expect(te).toMatchObject({ nameZh: '典型经验被推广', points: 2, max: 5 });
    // the targets the norm sets
    const target = (level: AssessmentLevel, indicator: string) => DEFAULT_SCHEME_2026.levels[level].items.find((i) => i.indicator === indicator)?.rule;
    expect(target('county', 'patrol_coverage')).toEqual({ kind: 'linear', target: 0.9 });
    expect(target('station', 'login_compliance')).toEqual({ kind: 'linear', target: 0.95 });
    expect(target('city', 'filing_coverage')).toEqual({ kind: 'linear', target: 0.95 });
    expect(target('county', 'training_sessions')).toMatchObject({ kind: 'thresholds', steps: expect.arrayContaining([{ atLeast: 4, points: 6 }]) });
  });

  it('cannot be altered in place (a version is immutable)', () => {
    expect(() => {
      (DEFAULT_SCHEME_2026.levels.county.items[0] as { weight: number }).weight = 50;
    }).toThrow(TypeError);
    expect(() => {
      (DEFAULT_SCHEMES as AssessmentScheme[]).push(DEFAULT_SCHEME_2026);
    }).toThrow(TypeError);
    expect(DEFAULT_SCHEME_2026.levels.county.items[0].weight).toBe(5);
  });

  it('scores a county item by item, total = sum of rounded items (82.90, not the unrounded 82.91) + bonus', () => {
    const r = score(
      DEFAULT_SCHEME_2026,
      'county',
      {
        staffing_met: 1, equipment_met: 0.5, work_plan_on_time: 1, training_sessions: 3, publicity_activities: 3,
        consumer_warnings: 2, login_compliance: 0.8123, filing_coverage: 0.97, patrol_coverage: 0.86, patrol_tasks_overdue: 3,
        clues_on_time: 0.75, cases_filed: 4, reports_submitted: 10, reports_approved: null, complaints_on_time: 0.92,
        complaints_resolved_rate: 0.88, some_other_metric: 7,
      },
      { typical_experience: 3, commendation: 1 },
    );
    expect(Object.fromEntries(r.items.map((i) => [i.key, i.points]))).toEqual({
      staffing: 5, // 1/1 × 5
      equipment: 1.5, // 0.5/1 × 3
      work_plan: 5,
      training: 4, // 3 sessions ≥ 2
      publicity: 3.75, // 3/4 × 5
      consumer_warnings: 3, // 2/2 × 3
      login: 6.84, // 81.2/95 × 8 = 6.8378
      filing: 14, // 97/95 capped
      patrol: 11.47, // 86/90 × 12 = 11.4667
      patrol_overdue: 2.5, // 4 − 3 × 0.5
      clues: 6.67, // 75/90 × 8 = 6.6667
      cases_filed: 4, // 4 ≥ 3
      reports_submitted: 3.33, // 10/12 × 4
      reports_approved: 0, // no value
      complaints_accepted: 5, // 92% ≥ 90%
      complaints_resolved: 6.84, // 88/90 × 7 = 6.8444
    });
    expect(r).toMatchObject({ schemeId: 'hongdun-annual', schemeVersion: 1, level: 'county', itemsTotal: 82.9, bonusTotal: 6, total: 88.9, maxTotal: 112 });
    expect(r.missing).toEqual(['reports_approved']);
    expect(r.explanation).toBe('基础得分 82.90 分 + 加分 6.00 分 = 88.90 分');
  });

  it('scores a unit without any value as 0, listing every indicator as missing', () => {
    const r = score(DEFAULT_SCHEME_2026, 'station', {});
    expect(r.total).toBe(0);
    expect(r.missing).toEqual(DEFAULT_SCHEME_2026.levels.station.items.map((i) => i.indicator));
  });
});

/** Deterministic pseudo-random values (mulberry32), so the explanation check covers many cases. */
function randomValues(seed: number): { values: IndicatorValues; bonuses: Record<string, number> } {
  let a = seed;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const values: IndicatorValues = {};
  for (const k of CATALOG_KEYS) {
    if (rnd() < 0.1) values[k] = null;
    else if (/_(met|compliance|coverage|on_time|rate)$/.test(k)) values[k] = rnd() < 0.1 ? 1 : rnd();
    else values[k] = Math.floor(rnd() * 15);
  }
  return { values, bonuses: { typical_experience: Math.floor(rnd() * 4), commendation: Math.floor(rnd() * 5) } };
}

describe('explanations', () => {
  const num = (s: string) => Number(s.replace('−', '-'));

  it('every item explanation reproduces its points from the numbers it shows, and all add up to the total', () => {
    let checkedLinear = 0;
    let checkedDeduction = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const level = LEVELS[seed % 4];
      const { values, bonuses } = randomValues(seed);
      const r = score(DEFAULT_SCHEME_2026, level, values, bonuses);
      let sum = 0;
      for (const i of [...r.items, ...r.bonus]) {
        const m = /= (\d+\.\d\d) 分$/.exec(i.explanation);
        expect(m, i.explanation).not.toBeNull();
        expect(hundredths(num(m![1])), i.explanation).toBe(hundredths(i.points));
        expect(i.explanationEn.endsWith(`= ${m![1]} points`), i.explanationEn).toBe(true);
        sum += hundredths(num(m![1]));
        const lin = /线性计分：([\d.]+)\/([\d.]+)×([\d.]+)/.exec(i.explanation);
        if (lin) {
          const [a, b, w] = [num(lin[1]), num(lin[2]), num(lin[3])];
          expect(hundredths(Math.min((a / b) * w, w)), i.explanation).toBe(hundredths(i.points));
          checkedLinear++;
        }
        const ded = /，(\d+(?:\.\d+)?)−(\d+)×([\d.]+)/.exec(i.explanation);
        if (ded) {
          const [w, v, p] = [num(ded[1]), num(ded[2]), num(ded[3])];
          expect(hundredths(Math.max(0, w - v * p)), i.explanation).toBe(hundredths(i.points));
          checkedDeduction++;
        }
      }
      expect(sum).toBe(hundredths(r.total));
      const t = /^基础得分 ([\d.]+) 分 \+ 加分 ([\d.]+) 分 = ([\d.]+) 分$/.exec(r.explanation);
      expect(t, r.explanation).not.toBeNull();
      expect(hundredths(num(t![1])) + hundredths(num(t![2]))).toBe(hundredths(num(t![3])));
      expect(num(t![3])).toBe(r.total);
      expect(r.missing).toEqual([...new Set(r.items.filter((i) => values[i.indicator] === null).map((i) => i.indicator))]);
    }
    expect(checkedLinear).toBeGreaterThan(200);
    expect(checkedDeduction).toBeGreaterThan(10);
  });
});

describe('ranking among peers', () => {
  it('competition ranking: ties share a rank and the next skips (1, 2, 2, 4); ties ordered by unit id', () => {
    expect(rank([{ unitId: 'd', total: 80 }, { unitId: 'c', total: 85.5 }, { unitId: 'a', total: 90 }, { unitId: 'b', total: 85.5 }])).toEqual([
      { unitId: 'a', total: 90, rank: 1 },
      { unitId: 'b', total: 85.5, rank: 2 },
      { unitId: 'c', total: 85.5, rank: 2 },
      { unitId: 'd', total: 80, rank: 4 },
    ]);
    expect(rank([{ unitId: 3, total: 70 }, { unitId: 2, total: 70 }, { unitId: 1, total: 70 }, { unitId: 4, total: 60 }]).map((r) => [r.unitId, r.rank])).toEqual([
      [1, 1], [2, 1], [3, 1], [4, 4],
    ]);
    // numeric ids given as text sort as numbers; totals equal to the hundredth tie
    expect(rank([{ unitId: '10', total: 85.5 }, { unitId: '9', total: 85.50000000001 }, { unitId: '11', total: 85.49 }]).map((r) => [r.unitId, r.rank])).toEqual([
      ['9', 1], ['10', 1], ['11', 3],
    ]);
    expect(rank([])).toEqual([]);
  });

  it('is independent of input order', () => {
    const peers = [{ unitId: 5, total: 60 }, { unitId: 1, total: 75 }, { unitId: 4, total: 75 }, { unitId: 2, total: 90 }, { unitId: 3, total: 60 }];
    const expected = rank(peers);
    expect(expected.map((r) => r.rank)).toEqual([1, 2, 2, 4, 4]);
    expect(rank([...peers].reverse())).toEqual(expected);
    expect(rank([peers[3], peers[0], peers[4], peers[1], peers[2]])).toEqual(expected);
  });

  it('ranks scored units; refuses a unit twice or a total that is not a number', () => {
    const results = [1, 2, 3, 4, 5, 6].map((seed) => ({ unitId: seed, total: score(DEFAULT_SCHEME_2026, 'county', randomValues(seed).values).total }));
    results.push({ unitId: 7, total: results[2].total }); // a tie with unit 3
    const ranked = rank(results);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i].total).toBeLessThanOrEqual(ranked[i - 1].total);
    expect(ranked.find((r) => r.unitId === 7)!.rank).toBe(ranked.find((r) => r.unitId === 3)!.rank);
    expect(refusal(() => rank([{ unitId: 1, total: 5 }, { unitId: 1, total: 6 }])).field).toBe('results[1].unitId');
    expect(refusal(() => rank([{ unitId: 1, total: Number.NaN }])).field).toBe('results[0].total');
  });
});

describe('checkScheme refuses a bad scheme, naming the path', () => {
  type Mutation = [string, (s: any) => void, string, string];
  const mutations: Mutation[] = [
    ['weights not summing to 100', (s) => (s.levels.county.items[0].weight = 6), 'levels.county.items', 'weights must sum to 100 (got 101)'],
    ['weights summing to 99.99', (s) => (s.levels.city.items[0].weight = 4.99), 'levels.city.items', 'weights must sum to 100 (got 99.99)'],
    ['unknown rule', (s) => (s.levels.city.items[2].rule = { kind: 'quadratic' }), 'levels.city.items[2].rule.kind', 'must be one of linear, thresholds, deduction, boolean'],
    ['negative weight', (s) => { s.levels.station.items[1].weight = -4; s.levels.station.items[0].weight += 8; }, 'levels.station.items[1].weight', 'must be at least 0'],
    ['duplicate item key', (s) => (s.levels.station.items[3].key = 'staffing'), 'levels.station.items[3].key', 'duplicates levels.station.items[0].key "staffing"'],
    ['duplicate bonus key', (s) => s.levels.province.bonus.push(clone(s.levels.province.bonus[0])), 'levels.province.bonus[2].key', 'duplicates levels.province.bonus[0].key'],
    ['unknown indicator', (s) => (s.levels.county.items[4].indicator = 'happiness'), 'levels.county.items[4].indicator', 'must be an indicator of the metrics catalog'],
    ['unknown category', (s) => (s.levels.county.items[4].category = 'misc'), 'levels.county.items[4].category', 'must be one of organisation'],
    ['a level missing', (s) => delete s.levels.station, 'levels.station', 'is missing'],
    ['an unknown level', (s) => (s.levels.town = s.levels.station), 'levels.town', 'is not a known field'],
    ['a misspelt field', (s) => (s.levels.province.items[8].rule = { kind: 'linear', tagret: 0.95 }), 'levels.province.items[8].rule.tagret', 'is not a known field'],
    ['a linear target of 0', (s) => (s.levels.province.items[8].rule.target = 0), 'levels.province.items[8].rule.target', 'must be greater than 0'],
    ['a rate target above 1', (s) => (s.levels.province.items[8].rule.target = 95), 'levels.province.items[8].rule.target', 'must be at most 1'],
    ['threshold steps out of order', (s) => s.levels.county.items[3].rule.steps.reverse(), 'levels.county.items[3].rule.steps[1].atLeast', 'must be greater than the previous step'],
    ['a step above its weight', (s) => (s.levels.county.items[3].rule.steps[2].points = 7), 'levels.county.items[3].rule.steps[2].points', 'must be at most 6'],
    ['no steps', (s) => (s.levels.county.items[3].rule.steps = []), 'levels.county.items[3].rule.steps', 'at least one step'],
    ['a deduction of 0', (s) => (s.levels.county.items[9].rule.perUnit = 0), 'levels.county.items[9].rule.perUnit', 'must be greater than 0'],
    ['a fractional version', (s) => (s.version = 1.5), 'version', 'must be an integer'],
    ['a year as text', (s) => (s.fromYear = '2026'), 'fromYear', 'must be a finite number'],
    ['no name', (s) => (s.name = ' '), 'name', 'must be a non-empty text'],
    ['a bonus max below its points', (s) => (s.levels.city.bonus[0].max = 1), 'levels.city.bonus[0].max', 'must be at least 2'],
    ['a key with capitals', (s) => (s.levels.city.items[0].key = 'Staffing'), 'levels.city.items[0].key', 'must be a lower-case key'],
  ];

  it.each(mutations)('%s → %s', (_name, mutate, path, problem) => {
    const bad = clone(DEFAULT_SCHEME_2026);
    mutate(bad);
    const e = refusal(() => checkScheme(bad));
    expect(e.field).toBe(path);
    expect(e.message).toContain(`${path} `);
    expect(e.message).toContain(problem);
  });

  it('refuses what is not a scheme at all', () => {
    expect(refusal(() => checkScheme(null)).field).toBe('scheme');
    expect(refusal(() => checkScheme([])).field).toBe('scheme');
  });
});

describe('versioned schemes', () => {
  /** v2 applies from 2027 and weighs patrol more and filing less at county level. */
  function version2(): AssessmentScheme {
    const v2 = clone(DEFAULT_SCHEME_2026);
    v2.version = 2;
    v2.fromYear = 2027;
    v2.name = '2027 年度网络市场监管工作考核方案';
    v2.levels.county.items.find((i) => i.key === 'patrol')!.weight = 16;
    v2.levels.county.items.find((i) => i.key === 'filing')!.weight = 10;
    return checkScheme(v2);
  }
  const units = [1, 2, 3, 4, 5].map((seed) => ({ unitId: seed, ...randomValues(seed) }));
  const scoreYear = (scheme: AssessmentScheme): AssessmentResult[] => units.map((u) => score(scheme, 'county', u.values, u.bonuses));

  it('re-scoring 2026 after adding a 2027 version gives the same results; 2027 is scored differently', () => {
    const before = scoreYear(schemeFor(2026, [DEFAULT_SCHEME_2026]));
    const stored = clone(before); // as persisted
    const v2 = version2();
    const history = [DEFAULT_SCHEME_2026, v2];
    expect(schemeFor(2026, history)).toBe(DEFAULT_SCHEME_2026);
    expect(schemeFor(2026, [v2, DEFAULT_SCHEME_2026])).toBe(DEFAULT_SCHEME_2026);
    expect(scoreYear(schemeFor(2026, history))).toEqual(stored);
    // the scheme read back from JSON (as stored) scores identically
    expect(scoreYear(checkScheme(clone(DEFAULT_SCHEME_2026)))).toEqual(stored);
    expect(schemeFor(2027, history)).toBe(v2);
    expect(schemeFor(2030, history)).toBe(v2);
    const later = scoreYear(schemeFor(2027, history));
    expect(later.map((r) => r.schemeVersion)).toEqual([2, 2, 2, 2, 2]);
    expect(later.map((r) => r.total)).not.toEqual(before.map((r) => r.total)); // v2 really differs
  });

  it('refuses a changed copy of a used version, a version applying before its predecessor, and a year no version covers', () => {
    const changed = clone(DEFAULT_SCHEME_2026);
    changed.levels.county.items[0].weight = 4;
    changed.levels.county.items[1].weight = 4;
    expect(refusal(() => checkSchemeHistory([DEFAULT_SCHEME_2026, checkScheme(changed)])).message).toContain('hongdun-annual version 1 is immutable');
    expect(checkSchemeHistory([DEFAULT_SCHEME_2026, clone(DEFAULT_SCHEME_2026)])).toHaveLength(1); // the same version twice is fine
    const early = version2();
    early.fromYear = 2025;
    expect(refusal(() => schemeFor(2026, [DEFAULT_SCHEME_2026, early])).message).toContain('applies from 2025, before version 1 (2026)');
    expect(refusal(() => schemeFor(2025, [DEFAULT_SCHEME_2026])).message).toBe('no assessment scheme applies to 2025');
    expect(refusal(() => schemeFor(2026.5, [DEFAULT_SCHEME_2026])).field).toBe('year');
    const other = { ...version2(), id: 'other' };
    expect(refusal(() => schemeFor(2027, [DEFAULT_SCHEME_2026, other])).message).toContain('one history holds one scheme id');
    const bad = clone(DEFAULT_SCHEME_2026);
    bad.levels.city.items[0].weight = 99;
    expect(refusal(() => checkSchemeHistory([DEFAULT_SCHEME_2026, bad])).field).toBe('schemes[1].levels.city.items');
  });

  it('the fingerprint ignores key order and changes with any weight', () => {
    const copy = clone(DEFAULT_SCHEME_2026);
    const flipped = Object.fromEntries(Object.entries(copy).reverse()) as unknown as AssessmentScheme;
    expect(Object.keys(flipped)[0]).toBe('levels');
    expect(schemeFingerprint(flipped)).toBe(schemeFingerprint(DEFAULT_SCHEME_2026));
    expect(schemeFingerprint(version2())).not.toBe(schemeFingerprint(DEFAULT_SCHEME_2026));
    const tweaked = clone(DEFAULT_SCHEME_2026);
    tweaked.levels.station.items[0].weight = 5;
    tweaked.levels.station.items[1].weight = 5;
    expect(schemeFingerprint(tweaked)).not.toBe(schemeFingerprint(DEFAULT_SCHEME_2026));
  });
});
