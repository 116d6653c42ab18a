/**
 * The demo's platform reports (平台报送, issue 16): the three demo platforms registered, and their reports
 * sent through the real intake (services/registry/platform-reports/submit-report.ts) as each platform's
 * reporting key would send them, with a realistic share of what goes wrong:
 *
 * - 京东 sends this month's full report (as of now) in time: most of its shops in the register, about 8%
 *   missing (unreported), about 3% with another USCC (mismatch), a few closed and a few the spiders never found;
 * - 淘宝 sends last month's full report after its due day (the 1st: late) and a delta;
 * - 拼多多 sends a report with row errors (rejected: nothing written, its error report kept) and no valid
 *   full report (missing).
 *
 * After the reports the register is reconciled, so the conflict list of a fresh start is not empty.
 * Deterministic per seed; does nothing when platforms are registered.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { type Actor, EcommercePlatform, MaintenanceStatus, PlatformReport, runAs, Shop, ShopClassification } from '../entities';
import { Permission } from '../services/access/permissions';
import { makeUscc } from '../services/registry/uscc';
import { reconcileRegister, type ReconcileSummary } from '../services/registry/platform-reports/reconcile';
import { submitPlatformReport } from '../services/registry/platform-reports/submit-report';
import { runAsSystem } from '../services/system-actor';
import { Random } from './random';

export interface DemoPlatformReportsSummary {
  skipped: boolean;
  reports: number;
  reportedShops: number;
  conflicts: ReconcileSummary | null;
}

const PLATFORMS = [
  { code: 'jd', name: '京东', operatorUscc: makeUscc('110000', 'JD000001'), reportDueDay: 10 },
  // 淘宝's agreement with the province bureau: the month's full report by the 1st of the next month
  { code: 'taobao', name: '淘宝', operatorUscc: makeUscc('330100', 'TB000001'), reportDueDay: 1 },
  { code: 'pdd', name: '拼多多', operatorUscc: makeUscc('310000', 'PD000001'), reportDueDay: 10 },
];

const MAX_ROWS = 200_000;

type Row = Record<string, string | null>;

/** The platform's reporting key as an actor (the demo does not need its secret). */
function platformActor(platform: EcommercePlatform): Actor {
  return {
    kind: 'apiKey', id: null, name: `apikey:${platform.name}报送（演示）`, unitId: null, role: 'system',
    permissions: new Set([Permission.PLATFORM_REPORT]), prefixes: ['37'], platformId: platform.id,
  };
}

/** Shanghai midnight of a day `days` away from the first of this month (negative: before). */
function monthStart(now: Date, monthsBack: number): Date {
  const local = new Date(now.getTime() + 8 * 3600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - monthsBack, 1) - 8 * 3600_000);
}

const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export async function loadDemoPlatformReports(orm: MikroORM, options: { seed?: string; now?: Date } = {}): Promise<DemoPlatformReportsSummary> {
  const random = new Random(`${options.seed ?? 'demo'}:platform-reports`);
  const now = options.now ?? new Date();
  const thisMonth = monthStart(now, 0);
  const lastMonthEnd = new Date(thisMonth.getTime() - 1000);
  const platforms = await runAsSystem('demo platform reports', async () => {
    const em = orm.em.fork() as EntityManager;
    if ((await em.count(EcommercePlatform, {})) > 0) return null;
    return em.transactional(async (tem) => PLATFORMS.map((p) => tem.create(EcommercePlatform, p)));
  });
  if (!platforms) return { skipped: true, reports: 0, reportedShops: 0, conflicts: null };

  const shopsOf = (name: string) =>
    runAsSystem('demo platform reports: shops', () =>
      (orm.em.fork() as EntityManager).find(
        Shop,
        { platform: name, classification: ShopClassification.PLATFORM_MERCHANT, platformShopId: { $ne: null } },
        { populate: ['entity'], orderBy: { id: 'asc' } },
      ),
    );
  const rowOf = (s: Shop, r: Random): Row => {
    const entity = s.entity?.getEntity();
    const closed = s.maintenanceStatus === MaintenanceStatus.LINK_DEAD ? r.chance(0.5) : r.chance(0.01);
    const opened = new Date(s.discoveredAt.getTime() - r.int(900) * 86_400_000);
    return {
      platformShopId: s.platformShopId,
      url: s.url,
      name: s.name,
      operatorName: entity?.name ?? `${s.name}经营者`,
      // a few rows carry another business's code (a data-entry slip or a shop changed hands)
      uscc: entity ? (r.chance(0.03) ? makeUscc(entity.regionCode.slice(0, 6).padEnd(6, '0'), `M${r.digits(7)}`) : entity.uscc) : null,
      address: entity?.address ?? null,
      contact: `0531-${r.digits(8)}`,
      status: closed ? 'closed' : 'open',
      openedOn: day(opened),
      closedOn: closed ? day(new Date(lastMonthEnd.getTime() - r.int(20) * 86_400_000)) : null,
    };
  };
  const ghosts = (platform: EcommercePlatform, n: number, r: Random): Row[] =>
    Array.from({ length: n }, (_, i) => {
      const county = r.pick(['370102', '370103', '370202', '370203', '370602', '370702', '371302']);
      return {
        platformShopId: `${platform.code}-g${String(i + 1).padStart(4, '0')}`,
        url: `https://${platform.code}.example.com/shop/${platform.code}-g${i + 1}`,
        name: `${platform.name}新入驻店铺${i + 1}`,
        operatorName: `山东${r.pick(['鲁源', '齐鲁', '泉城', '海岱', '岱宗'])}商贸有限公司`,
        uscc: makeUscc(county, `G${r.digits(7)}`),
        address: null,
        contact: null,
        status: 'open',
        openedOn: day(new Date(lastMonthEnd.getTime() - r.int(25) * 86_400_000)),
        closedOn: null,
      };
    });

  let reports = 0;
  let reportedShops = 0;
  const send = async (platform: EcommercePlatform, reportId: string, mode: 'full' | 'delta', rows: Row[], asOf: Date, receivedAt: Date) => {
    const outcome = await runAs(platformActor(platform), () =>
      submitPlatformReport(orm.em.fork() as EntityManager, {
        reportId, mode, format: 'jsonl', sha256: `demo:${platform.code}:${reportId}`.padEnd(64, '0').slice(0, 64), asOf, maxRows: MAX_ROWS,
        load: async (validator) => rows.forEach((row, i) => validator.add(i + 1, row)),
      }),
    );
    if (receivedAt.getTime() !== outcome.report.receivedAt.getTime()) {
      await runAsSystem('demo platform reports: received', () => (orm.em.fork() as EntityManager).nativeUpdate(PlatformReport, { id: outcome.report.id }, { receivedAt }));
    }
    reports++;
    if (outcome.report.status === 'committed') reportedShops += outcome.report.created;
  };

  const [jd, taobao, pdd] = platforms;
  {
    const r = random.fork('jd');
    const rows = (await shopsOf(jd.name)).filter(() => !r.chance(0.08)).map((s) => rowOf(s, r));
    rows.push(...ghosts(jd, Math.max(2, Math.round(rows.length * 0.02)), r));
    await send(jd, `JD-${day(now)}-full`, 'full', rows, now, now);
  }
  {
    const r = random.fork('taobao');
    const shops = await shopsOf(taobao.name);
    const rows = shops.filter(() => !r.chance(0.05)).map((s) => rowOf(s, r));
    rows.push(...ghosts(taobao, Math.max(1, Math.round(rows.length * 0.01)), r));
    await send(taobao, `TB-${day(lastMonthEnd).slice(0, 7)}`, 'full', rows, lastMonthEnd, now);
    const delta = rows.slice(0, Math.min(20, rows.length)).map((row) => ({ ...row, name: `${row.name}（旗舰店）` }));
    if (delta.length > 0) await send(taobao, `TB-${day(now)}-delta`, 'delta', delta, now, now);
  }
  {
    const r = random.fork('pdd');
    const rows: Row[] = (await shopsOf(pdd.name)).slice(0, 200).map((s) => rowOf(s, r));
    // the platform's export lost codes and dates in a few rows: the whole report is rejected, nothing written
    for (let i = 3; i < rows.length; i += 17) rows[i] = { ...rows[i], uscc: '91370102MA3C0000X0' }; // check character wrong
    for (let i = 5; i < rows.length; i += 23) rows[i] = { ...rows[i], openedOn: '2026-13-01' };
    if (rows.length === 0) rows.push({ platformShopId: null, url: 'pdd', name: '', operatorName: null, status: 'open', uscc: null, address: null, contact: null, openedOn: null, closedOn: null });
    await send(pdd, `PDD-${day(now)}`, 'full', rows, now, now);
  }
  const conflicts = await runAsSystem('demo platform reports: reconcile', () => reconcileRegister(orm.em.fork() as EntityManager));
  return { skipped: false, reports, reportedShops, conflicts };
}
