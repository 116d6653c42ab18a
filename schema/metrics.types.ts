import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { MetricGranularity } from '../analytics/metrics/query';
import { Unit, UnitLevel } from '../entities';

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
}

@ObjectType('MetricValue', { description: 'One indicator of one unit (its whole subtree) in one period' })
export class MetricValueType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => String, { description: '2026-03 (month) or 2026 (year)' })
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
