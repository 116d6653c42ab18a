import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { MAX_WINDOW_DAYS, MetricGranularity, metricCatalog, metrics, metricsOverDays, type MetricRow } from '../analytics/metrics';
import { MetricDefinitionType, MetricValueType } from '../schema/metrics.types';
import { Permission } from '../services/access/permissions';
import type { Context } from './context';

@Resolver()
export class MetricsResolver {
  @Authorized(Permission.METRICS_READ)
  @Query(() => [MetricValueType], {
    description: 'Supervision metrics (指标) of units and their subtrees per month or year; default unit: your own; children: drill down one level',
  })
  metrics(
    @Ctx() { em }: Context,
    @Arg('keys', () => [String]) keys: string[],
    @Arg('from', () => String, { description: 'first month, YYYY-MM' }) from: string,
    @Arg('to', () => String, { description: 'last month, YYYY-MM' }) to: string,
    @Arg('unitIds', () => [ID], { nullable: true, description: 'default: your own unit (or the regions given)' }) unitIds: string[] | undefined,
    @Arg('regionCodes', () => [String], { nullable: true, description: 'regions instead of (or beside) units, e.g. 3701: each stands for the unit supervising it' })
    regionCodes: string[] | undefined,
    @Arg('children', () => Boolean, { nullable: true, description: 'the children of each given unit instead (a unit without children stands for itself)' })
    children: boolean | undefined,
    @Arg('granularity', () => MetricGranularity, { nullable: true, description: 'default MONTH' }) granularity: MetricGranularity | undefined,
  ): Promise<MetricRow[]> {
    return metrics(em, { keys, unitIds, regionCodes, children, from, to, granularity });
  }

  @Authorized(Permission.METRICS_READ)
  @Query(() => [MetricValueType], {
    description: `Supervision metrics over any run of days (at most ${MAX_WINDOW_DAYS}) as one period, computed live: a month to date, the same days of the month before or of last year; flows over the days (distinct counts each shop once), stocks at the end of "to"`,
  })
  metricsOverDays(
    @Ctx() { em }: Context,
    @Arg('keys', () => [String]) keys: string[],
    @Arg('from', () => String, { description: 'first day, YYYY-MM-DD (China time), not after today' }) from: string,
    @Arg('to', () => String, { description: 'last day, YYYY-MM-DD, included' }) to: string,
    @Arg('unitIds', () => [ID], { nullable: true, description: 'default: your own unit (or the regions given)' }) unitIds: string[] | undefined,
    @Arg('regionCodes', () => [String], { nullable: true, description: 'regions instead of (or beside) units, e.g. 3701: each stands for the unit supervising it' })
    regionCodes: string[] | undefined,
    @Arg('children', () => Boolean, { nullable: true, description: 'the children of each given unit instead (a unit without children stands for itself)' })
    children: boolean | undefined,
  ): Promise<MetricRow[]> {
    return metricsOverDays(em, { keys, unitIds, regionCodes, children, from, to });
  }

  @Authorized(Permission.METRICS_READ)
  @Query(() => [MetricDefinitionType], { description: 'The indicator catalog: every indicator with its names, unit, levels, aggregation and formula' })
  metricCatalog(): MetricDefinitionType[] {
    return metricCatalog().map((d) => ({ ...d, levels: [...d.levels], sources: [...d.sources], family: d.family ?? null })) as MetricDefinitionType[];
  }
}
