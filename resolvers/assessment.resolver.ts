import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { UnitLevel } from '../entities';
import {
  AssessmentBonusRecordType,
  AssessmentRunType,
  AssessmentSchemeVersionType,
  RecordAssessmentBonusInput,
  UnitAssessmentType,
} from '../schema/assessment.types';
import { Permission } from '../services/access/permissions';
import { type SchemeVersion, saveAssessmentScheme, schemeVersions } from '../analytics/assessment/assessment-schemes';
import { assessmentResult, assessmentResults, assessmentYears, recordAssessmentBonus, type UnitAssessment } from '../analytics/assessment/assessment.queries';
import { runAssessment } from '../analytics/assessment/run-assessment';
import type { Context } from './context';

/** What leaves the API of a stored result. */
function present(a: UnitAssessment): UnitAssessmentType {
  const r = a.result;
  return {
    unit: a.unit,
    year: a.year,
    level: a.level as UnitLevel,
    schemeId: a.schemeId,
    schemeVersion: a.schemeVersion,
    schemeFingerprint: a.schemeFingerprint,
    total: a.total,
    itemsTotal: a.itemsTotal,
    bonusTotal: a.bonusTotal,
    maxTotal: r.maxTotal,
    rank: a.rank,
    peerCount: a.peerCount,
    siblingRank: a.siblingRank,
    siblingCount: a.siblingCount,
    explanation: r.explanation,
    explanationEn: r.explanationEn,
    items: r.items.map((i) => ({
      key: i.key,
      nameZh: i.nameZh,
      nameEn: i.nameEn,
      category: i.category,
      indicator: i.indicator,
      value: i.value,
      rawValue: i.rawValue,
      numerator: a.values[i.indicator]?.numerator ?? null,
      denominator: a.values[i.indicator]?.denominator ?? null,
      target: i.target,
      ruleKind: i.rule.kind,
      rule: { ...i.rule },
      ruleZh: i.ruleZh,
      ruleEn: i.ruleEn,
      points: i.points,
      max: i.max,
      missing: i.missing,
      explanation: i.explanation,
      explanationEn: i.explanationEn,
    })),
    bonus: r.bonus.map((b) => ({ ...b })),
    missing: [...r.missing],
    throughMonth: a.throughMonth,
    provisional: a.provisional,
    computedAt: a.computedAt,
  };
}

function presentScheme(v: SchemeVersion): AssessmentSchemeVersionType {
  const s = v.scheme;
  return {
    id: s.id,
    version: s.version,
    name: s.name,
    fromYear: s.fromYear,
    fingerprint: v.fingerprint,
    source: v.source,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    body: JSON.parse(JSON.stringify(s)) as Record<string, unknown>,
  };
}

@Resolver()
export class AssessmentResolver {
  @Authorized(Permission.ASSESSMENT_READ)
  @Query(() => [UnitAssessmentType], {
    description: 'The annual assessment (年度考核) of a year as a ranking: units of one level (ranked province-wide) and/or the children of one unit (ranked among siblings), those you may see',
  })
  async assessmentResults(
    @Ctx() { em }: Context,
    @Arg('year', () => Int) year: number,
    @Arg('level', () => UnitLevel, { nullable: true }) level: UnitLevel | undefined,
    @Arg('parentUnitId', () => ID, { nullable: true, description: 'the children of this unit' }) parentUnitId: string | undefined,
  ): Promise<UnitAssessmentType[]> {
    return (await assessmentResults(em, { year, level, parentUnitId })).map(present);
  }

  @Authorized(Permission.ASSESSMENT_READ)
  @Query(() => [Int], { description: 'The years that have an assessment run with results you may see, newest first: a year not listed has no run (nothing to compare)' })
  assessmentYears(@Ctx() { em }: Context): Promise<number[]> {
    return assessmentYears(em);
  }

  @Authorized(Permission.ASSESSMENT_READ)
  @Query(() => UnitAssessmentType, { description: 'A unit\'s assessment of a year with every item and bonus explained (which indicator, value, target, rule, points)' })
  async assessmentResult(@Ctx() { em }: Context, @Arg('unitId', () => ID) unitId: string, @Arg('year', () => Int) year: number): Promise<UnitAssessmentType> {
    return present(await assessmentResult(em, unitId, year));
  }

  @Authorized(Permission.ASSESSMENT_READ)
  @Query(() => [AssessmentSchemeVersionType], { description: 'Every version of the assessment scheme, oldest first, with its JSON' })
  async assessmentSchemes(@Ctx() { em }: Context): Promise<AssessmentSchemeVersionType[]> {
    return (await schemeVersions(em)).map(presentScheme);
  }

  @Authorized(Permission.ASSESSMENT_MANAGE)
  @Mutation(() => AssessmentSchemeVersionType, {
    description: 'Saves a new version of the assessment scheme (province level). A version never changes: a changed copy of an existing id + version is refused',
  })
  async saveAssessmentScheme(@Ctx() { em }: Context, @Arg('scheme', () => GraphQLJSON) scheme: unknown): Promise<AssessmentSchemeVersionType> {
    return presentScheme(await saveAssessmentScheme(em, scheme));
  }

  @Authorized(Permission.ASSESSMENT_MANAGE)
  @Mutation(() => AssessmentRunType, { description: 'Runs the assessment of a year for every unit, replacing its results (province level; the current year is provisional)' })
  runAssessment(@Ctx() { em }: Context, @Arg('year', () => Int) year: number): Promise<AssessmentRunType> {
    return runAssessment(em, year, { audit: true });
  }

  @Authorized(Permission.ASSESSMENT_MANAGE)
  @Mutation(() => AssessmentBonusRecordType, { description: 'Records how often a unit earned a bonus item (加分项) in a year (province level); counts from the next run' })
  recordAssessmentBonus(@Ctx() { em }: Context, @Arg('input', () => RecordAssessmentBonusInput) input: RecordAssessmentBonusInput): Promise<AssessmentBonusRecordType> {
    return recordAssessmentBonus(em, input);
  }
}
