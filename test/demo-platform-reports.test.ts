import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics, refreshMetrics } from '../analytics/metrics';
import { ConflictStatus, OnlineEntity, PlatformReport, PlatformShop, ReconciliationConflict, RegistrationStatus, Shop } from '../entities';
import { loadDemoPlatformReports } from '../demo/load-demo-platform-reports';
import { loadDemoProvince } from '../demo/load-demo-province';
import { loadDemoSharedData } from '../demo/load-demo-shared-data';
import { entityFactSources, platformReportingStats } from '../services/registry/platform-reports/platform.queries';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase, type TestDatabase } from './support/database';

let db: TestDatabase;
const em = () => db.orm.em.fork() as EntityManager;

beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(em(), { seed: 'test', entities: 600 });
}, 240_000);

afterAll(async () => {
  await db?.close();
});

describe('the demo platform reports', () => {
  it('fills the reconciliation list on a fresh start: on time, late, rejected, with conflicts of several kinds', async () => {
    const now = new Date();
    await loadDemoSharedData(db.orm); // the registration data first, as on npm start: deregistered businesses whose shops still sell
    const summary = await loadDemoPlatformReports(db.orm, { seed: 'test', now });
    expect(summary.skipped).toBe(false);
    expect(summary.reportedShops).toBeGreaterThan(20);
    const reports = await runAsSystem('test', () => em().find(PlatformReport, {}, { populate: ['platform'], orderBy: { id: 'asc' } }));
    expect(reports.map((r) => [r.platform.getEntity().code, r.mode, r.status])).toEqual([
      ['jd', 'full', 'committed'],
      ['taobao', 'full', 'committed'],
      ['taobao', 'delta', 'committed'],
      ['pdd', 'full', 'rejected'],
    ]);
    expect(reports[3].errorCount).toBeGreaterThan(0);
    const open = await runAsSystem('test', () => em().find(ReconciliationConflict, { status: ConflictStatus.OPEN }));
    const kinds = new Set(open.map((c) => c.kind));
    for (const kind of ['unreported', 'unknown_to_crawl', 'uscc_mismatch', 'deregistered_still_open'] as const) expect(kinds.has(kind as never), kind).toBe(true);
    expect(open.every((c) => c.regionCode.startsWith('37'))).toBe(true);

    const local = new Date(now.getTime() + 8 * 3600_000);
    const month = local.toISOString().slice(0, 7);
    const previous = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    const stats = Object.fromEntries((await runAsSystem('test', () => platformReportingStats(em(), month))).map((s) => [s.platform.code, s]));
    expect(stats.jd.onTime).toBe(true);
    expect(stats.jd.completeness).toBeGreaterThan(80);
    expect(stats.jd.completeness).toBeLessThan(100);
    expect(stats.pdd).toMatchObject({ fullReportAt: null, onTime: false, rejectedReports: 1 });
    const before = Object.fromEntries((await runAsSystem('test', () => platformReportingStats(em(), previous))).map((s) => [s.platform.code, s]));
    expect(before.taobao.fullReportAt).not.toBeNull();
    // due on the 1st: sent after it, late (on the 1st itself it would still be in time)
    if (local.getUTCDate() > 1) expect(before.taobao.onTime).toBe(false);

    // where the deregistration came from: the registration data, not the register's own write
    const [{ entity_id }] = await em().execute<{ entity_id: number }[]>(`select entity_id from registration_change where kind = 'deregistered' order by id limit 1`);
    const gone = await runAsSystem('test', () => em().findOneOrFail(OnlineEntity, { id: entity_id }));
    expect(gone.registrationStatus).toBe(RegistrationStatus.CANCELLED);
    const facts = await runAsSystem('test', () => entityFactSources(em(), gone));
    expect(facts).toContainEqual(expect.objectContaining({ field: 'registrationStatus', value: 'cancelled', source: 'registration_data' }));
    expect(open.some((c) => c.kind === 'deregistered_still_open' && c.entity?.id === gone.id)).toBe(true);

    // the metrics catalog: reporting completeness and open conflicts per unit, the province the sum of its tree
    await refreshMetrics(db.orm, month);
    const rows = await runAsSystem('test', () =>
      metrics(em(), { keys: ['platform_shops_reported', 'platform_report_coverage', 'reconciliation_conflicts_open'], from: month, to: month, regionCodes: ['37'] }),
    );
    const value = Object.fromEntries(rows.map((r) => [r.key, r]));
    const reported = await runAsSystem('test', () => em().count(PlatformShop, { absentSince: null }));
    expect(value.platform_shops_reported.value).toBe(reported);
    expect(value.reconciliation_conflicts_open.value).toBe(open.length);
    const merchants = await runAsSystem('test', () =>
      em().count(Shop, { platform: { $in: ['京东', '淘宝'] }, classification: 'platform_merchant' as never, maintenanceStatus: { $nin: ['link_dead', 'not_in_jurisdiction'] as never[] } }),
    );
    expect(value.platform_report_coverage.denominator).toBe(merchants);
    expect(value.platform_report_coverage.value).toBeGreaterThan(80);

    // idempotent: a second start does nothing
    expect((await loadDemoPlatformReports(db.orm, { seed: 'test' })).skipped).toBe(true);
  });
});
