import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { checkReportMonth, generateMonthlyReports, MONTHLY_REPORT_JOB } from '../analytics/report';
import { Unit } from '../entities';
import { getMonthlyReport, listMonthlyReports, type MonthlyReportView } from '../analytics/report/report-queries';
import { MonthlyReportGenerationType, MonthlyReportType } from '../schema/report.types';
import { Permission } from '../services/access/permissions';
import { runCommand } from '../services/command';
import { visibleUnit } from '../services/clues/clue.queries';
import type { Context } from './context';

/** the largest subtree regenerated within the request; a larger one is queued as a `monthly-report` job */
export const SYNC_SUBTREE_UNITS = 100;

@Resolver()
export class MonthlyReportResolver {
  @Authorized(Permission.REPORTS_READ)
  @Query(() => [MonthlyReportType], {
    description: 'The monthly statistical reports (月度统计报表) of a unit and the units below it (default: your own unit), of one month or of every month, newest first',
  })
  monthlyReports(
    @Ctx() { em, actor }: Context,
    @Arg('month', () => String, { nullable: true, description: 'YYYY-MM; default every month' }) month: string | undefined,
    @Arg('unitId', () => ID, { nullable: true, description: 'default: your own unit' }) unitId: string | undefined,
  ): Promise<MonthlyReportView[]> {
    return listMonthlyReports(em, { month, unitId, ownUnitId: actor?.unitId ?? null });
  }

  @Authorized(Permission.REPORTS_READ)
  @Query(() => MonthlyReportType, { nullable: true, description: 'The monthly report of a unit and month with its table and download URLs; null when none was generated' })
  monthlyReport(
    @Ctx() { em, config }: Context,
    @Arg('unitId', () => ID) unitId: string,
    @Arg('month', () => String, { description: 'YYYY-MM' }) month: string,
  ): Promise<MonthlyReportView | null> {
    return getMonthlyReport(em, unitId, month, config.evidenceDir);
  }

  @Authorized(Permission.REPORTS_GENERATE)
  @Mutation(() => MonthlyReportGenerationType, {
    description: 'Regenerates the monthly report of a past or the current month for a unit in your jurisdiction (and, with subtree, every unit below it: within the request up to 100 units, queued beyond) from the metrics rollup as it stands',
  })
  async generateMonthlyReport(
    @Ctx() { em, config, jobs }: Context,
    @Arg('month', () => String, { description: 'YYYY-MM, not in the future' }) month: string,
    @Arg('unitId', () => ID) unitId: string,
    @Arg('subtree', () => Boolean, { nullable: true, description: 'also every unit below (default false)' }) subtree: boolean | undefined,
  ): Promise<MonthlyReportGenerationType> {
    const unit = await visibleUnit(em, unitId, 'unitId');
    checkReportMonth(month);
    // a large subtree (a city's has ~50 units, the province ~650) goes to the job queue: the unit now, the rest there
    const size = subtree === true ? await em.count(Unit, { path: { $like: `${unit.path}%` } }) : 1;
    const queued = size > SYNC_SUBTREE_UNITS;
    const result = await runCommand(em, 'generateMonthlyReport', (tem) =>
      generateMonthlyReports(tem, { month, unitIds: [unit.id], subtree: subtree === true && !queued, evidenceDir: config.evidenceDir, trigger: 'api' }),
    );
    if (queued) await jobs.enqueue(MONTHLY_REPORT_JOB, { month, unitId: unit.id, subtree: true, trigger: 'api' });
    const report = await getMonthlyReport(em, unit.id, result.month, config.evidenceDir);
    return { month: result.month, units: result.units, files: result.files, ms: result.ms, queued, report: report as MonthlyReportType | null };
  }
}
