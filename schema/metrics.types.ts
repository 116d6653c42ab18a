import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Unit, UnitLevel } from '../entities';

export enum MetricGranularity {
  MONTH = 'month',
  YEAR = 'year',
}

/** How an indicator adds up the bureau tree. */
export enum MetricAggregationKind {
  /** a parent is the sum of its children plus its own rows */
  SUM = 'sum',
  /** numerators and denominators summed apart, divided at the end */
  RATE = 'rate',
}

/** How an indicator adds up over time. */
export enum MetricTimeKind {
  /** what happened in a month: a year sums its months */
  FLOW = 'flow',
  /** a state at the end of the month: a year takes its last month */
  STOCK = 'stock',
}

/** Whether a rise of an indicator is good, bad or neither (for colouring a change). */
export enum MetricDirectionKind {
  /** a rise is good (coverage, cases filed, on-time rates) */
  HIGHER = 'higher',
  /** a rise is bad (overdue, unfiled, findings, complaints) */
  LOWER = 'lower',
  /** neither (workload, market volume, prices) */
  NEUTRAL = 'neutral',
}

registerEnumType(MetricDirectionKind, { name: 'MetricDirection', description: 'Whether a rise of an indicator is good (HIGHER), bad (LOWER) or neither (NEUTRAL)' });
registerEnumType(MetricGranularity, { name: 'MetricGranularity', description: 'Periods of a metrics query: months or years' });
registerEnumType(MetricAggregationKind, { name: 'MetricAggregation', description: 'How an indicator adds up the bureau tree' });
registerEnumType(MetricTimeKind, { name: 'MetricTime', description: 'How an indicator adds up over time' });

@ObjectType('MetricDefinition', { description: 'An indicator of the catalog (指标): names, unit, levels, aggregation, sources, formula' })
export class MetricDefinitionType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  nameZh!: string;

  @Field(() => String)
  nameEn!: string;

  @Field(() => String, { description: '户, %, 件, 元, 次, 天, 人, 台 or 个' })
  unit!: string;

  @Field(() => [UnitLevel], { description: 'the unit levels it applies to' })
  levels!: UnitLevel[];

  @Field(() => MetricAggregationKind)
  aggregation!: MetricAggregationKind;

  @Field(() => MetricTimeKind)
  time!: MetricTimeKind;

  @Field(() => Float, { description: 'a rate\'s value is numerator / denominator × scale (100 for percentages)' })
  scale!: number;

  @Field(() => [String], { description: 'the tables it is computed from' })
  sources!: string[];

  @Field(() => String, { description: 'how a unit\'s own value is counted' })
  formula!: string;

  @Field(() => String, { nullable: true, description: 'the family of a keyed indicator (e.g. findings_rule)' })
  family?: string | null;

  @Field(() => MetricDirectionKind, { description: 'whether a rise is good (HIGHER), bad (LOWER) or neither (NEUTRAL): the colour of a change' })
  betterWhen!: MetricDirectionKind;

  @Field(() => Boolean, {
    description: 'a count of distinct shops or listings: a period of several months is not the sum of its months (ask metrics with granularity YEAR within one year, or metricsOverDays), never add periods up',
  })
  distinct!: boolean;
}

@ObjectType('MetricValue', { description: 'One indicator of one unit (its whole subtree) in one period' })
export class MetricValueType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => String, { description: '2026-03 (month), 2026 (year) or 2026-12-01/2026-12-07 (metricsOverDays: the days, both included)' })
  period!: string;

  @Field(() => String)
  key!: string;

  @Field(() => Float, { nullable: true, description: 'a sum, or numerator / denominator × scale for a rate (null without a denominator)' })
  value!: number | null;

  @Field(() => Float)
  numerator!: number;

  @Field(() => Float, { nullable: true, description: 'rates only' })
  denominator!: number | null;
}
