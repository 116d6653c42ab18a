import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Unit, UnitLevel } from '../entities';

@ObjectType('AssessmentItemScore', { description: 'One scored item of a unit\'s assessment: the indicator, its value, the rule and the points, explained' })
export class AssessmentItemScoreType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  nameZh!: string;

  @Field(() => String)
  nameEn!: string;

  @Field(() => String, { description: 'the norm\'s category (organisation, equipment, work_plan, training, publicity, system_use, filing, patrol, cases, reporting, complaints)' })
  category!: string;

  @Field(() => String, { description: 'the indicator of the metrics catalog' })
  indicator!: string;

  @Field(() => Float, { nullable: true, description: 'the value as scored: a rate in [0, 1] at 0.1 percentage point, or a count; null without data' })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: 'the value as computed: numerator / denominator for a rate, the count otherwise' })
  rawValue!: number | null;

  @Field(() => Float, { nullable: true, description: 'the indicator\'s numerator over the year (the unit\'s subtree)' })
  numerator!: number | null;

  @Field(() => Float, { nullable: true, description: 'a rate\'s denominator over the year (the unit\'s subtree)' })
  denominator!: number | null;

  @Field(() => Float, { nullable: true, description: 'a linear rule\'s target' })
  target!: number | null;

  @Field(() => String, { description: 'linear, thresholds, deduction or boolean' })
  ruleKind!: string;

  @Field(() => GraphQLJSONObject, { description: 'the scoring rule as in the scheme' })
  rule!: Record<string, unknown>;

  @Field(() => String)
  ruleZh!: string;

  @Field(() => String)
  ruleEn!: string;

  @Field(() => Float)
  points!: number;

  @Field(() => Float, { description: 'the item\'s weight' })
  max!: number;

  @Field(() => Boolean, { description: 'no value: scored 0' })
  missing!: boolean;

  @Field(() => String, { description: 'e.g. 巡查覆盖率 86.0%，目标 90%，线性计分：86.0/90×12 = 11.47 分' })
  explanation!: string;

  @Field(() => String)
  explanationEn!: string;
}

@ObjectType('AssessmentBonusScore', { description: 'A bonus item (加分项) of a unit\'s assessment: occurrences and points, explained' })
export class AssessmentBonusScoreType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  nameZh!: string;

  @Field(() => String)
  nameEn!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  pointsEach!: number;

  @Field(() => Float)
  points!: number;

  @Field(() => Float)
  max!: number;

  @Field(() => String)
  explanation!: string;

  @Field(() => String)
  explanationEn!: string;
}

@ObjectType('UnitAssessment', { description: 'A unit\'s annual assessment (年度考核) of a year: total, ranks, and every item explained' })
export class UnitAssessmentType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int)
  year!: number;

  @Field(() => UnitLevel)
  level!: UnitLevel;

  @Field(() => String)
  schemeId!: string;

  @Field(() => Int)
  schemeVersion!: number;

  @Field(() => String, { description: 'SHA-256 of the scheme the result was scored with' })
  schemeFingerprint!: string;

  @Field(() => Float, { description: 'items + bonus' })
  total!: number;

  @Field(() => Float, { description: 'the sum of the items\' points (at most 100)' })
  itemsTotal!: number;

  @Field(() => Float)
  bonusTotal!: number;

  @Field(() => Float, { description: '100 + every bonus at its maximum' })
  maxTotal!: number;

  @Field(() => Int, { description: 'rank among the units of the same level, province-wide (ties share a rank: 1, 2, 2, 4)' })
  rank!: number;

  @Field(() => Int, { description: 'units of the same level, province-wide' })
  peerCount!: number;

  @Field(() => Int, { description: 'rank among the units with the same parent' })
  siblingRank!: number;

  @Field(() => Int)
  siblingCount!: number;

  @Field(() => String, { description: 'e.g. 基础得分 82.90 分 + 加分 6.00 分 = 88.90 分' })
  explanation!: string;

  @Field(() => String)
  explanationEn!: string;

  @Field(() => [AssessmentItemScoreType])
  items!: AssessmentItemScoreType[];

  @Field(() => [AssessmentBonusScoreType])
  bonus!: AssessmentBonusScoreType[];

  @Field(() => [String], { description: 'indicators without a value (scored 0)' })
  missing!: string[];

  @Field(() => String, { description: 'YYYY-MM: the last month whose metrics count' })
  throughMonth!: string;

  @Field(() => Boolean, { description: 'the current year: the result changes as the year goes on' })
  provisional!: boolean;

  @Field(() => GraphQLISODateTime)
  computedAt!: Date;
}

@ObjectType('AssessmentSchemeVersion', { description: 'A version of the assessment scheme: items, weights, targets, rules and bonus items per level' })
export class AssessmentSchemeVersionType {
  @Field(() => String)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'the first year it applies to (until a later version applies)' })
  fromYear!: number;

  @Field(() => String, { description: 'SHA-256 of its canonical JSON' })
  fingerprint!: string;

  @Field(() => String, { description: 'code (a version built into the platform) or stored (saved by the province)' })
  source!: string;

  @Field(() => String, { nullable: true })
  createdBy!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  createdAt!: Date | null;

  @Field(() => GraphQLJSONObject, { description: 'the scheme as JSON (what saveAssessmentScheme takes)' })
  body!: Record<string, unknown>;
}

@ObjectType('AssessmentRun', { description: 'The outcome of an assessment run of a year' })
export class AssessmentRunType {
  @Field(() => Int)
  year!: number;

  @Field(() => String)
  schemeId!: string;

  @Field(() => Int)
  schemeVersion!: number;

  @Field(() => String)
  throughMonth!: string;

  @Field(() => Boolean)
  provisional!: boolean;

  @Field(() => Int, { description: 'results written, one per unit' })
  units!: number;

  @Field(() => Int, { description: 'results of the year replaced' })
  replaced!: number;

  @Field(() => Int, { description: 'item values without data, over all units' })
  missingValues!: number;

  @Field(() => Int)
  ms!: number;
}

@InputType('RecordAssessmentBonusInput')
export class RecordAssessmentBonusInput {
  @Field(() => ID)
  unitId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => String, { description: 'a bonus item of the unit\'s level in the year\'s scheme, e.g. typical_experience' })
  bonusKey!: string;

  @Field(() => Int, { description: 'occurrences in the year; 0 clears' })
  count!: number;

  @Field(() => String, { description: 'what happened (at most 500 characters)' })
  note!: string;
}

@ObjectType('AssessmentBonusRecord', { description: 'Occurrences of a bonus item a unit earned in a year, as recorded by the province' })
export class AssessmentBonusRecordType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int)
  year!: number;

  @Field(() => String)
  bonusKey!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => String)
  note!: string;

  @Field(() => String)
  recordedBy!: string;

  @Field(() => GraphQLISODateTime)
  recordedAt!: Date;
}
