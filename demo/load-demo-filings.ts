/**
 * The demo's self-filings (主体备案) and badges (电子标识), loaded on a fresh start after the demo province:
 * a handful of rows, no fetch. Three accepted filings (their badges verify), one revoked whose shop still
 * shows its badge, three under review (two past their due day by working days, one not yet due), one still
 * awaiting verification; and one shop of another business on the same platform showing a copy of an
 * accepted shop's badge — so that a crawl of the demo marketplace (`npm run demo`) finds `badge-unverified`
 * twice (the copy, the revoked badge) and nothing on the shops showing their own valid badge.
 *
 * Which businesses file and which shop shows which badge is a pure function of the demo plan
 * (`planDemoFilings`), read by this loader and by the demo marketplace's world alike. The badge's
 * identifier is not: its signature is an HMAC under the platform's badge key (BADGE_SECRET or the
 * database's random key), which the simulated web must not hold. So the businesses "paste" their badges
 * into their pages the way a real seller would: `demoBadgeTokens` reads the issued identifiers from the
 * database and `demo crawl` hands them to the marketplace (`market.setBadges`). No shared secret, no
 * predictable key, and it works with BADGE_SECRET set.
 */
import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { OnlineEntity, SelfFiling, SelfFilingShop, SelfFilingStatus, Shop, Unit } from '../entities';
import type { Config } from '../kernel/config';
import { addDays, chinaDay, isWorkingDay } from '../services/calendar/working-days';
import { acceptSelfFiling } from '../services/filing/accept-filing.command';
import { badgeKey, badgeToken, newVerificationToken } from '../services/filing/badge-token';
import { revokeSelfFiling } from '../services/filing/revoke-filing.command';
import { responsibleUnitFor } from '../services/registry/registry-rules';
import { runCommand } from '../services/command';
import { runAsSystem } from '../services/system-actor';
import { DEMO_FILING_ENTITIES, planDemoFilings } from './plan-demo-filings';
import { planDemoProvince } from './plan-demo-province';
import { Random } from './random';

export { type DemoFilingPlan, type PlannedBadgeDisplay, type PlannedFiling, planDemoFilings } from './plan-demo-filings';

const REVIEW_WORKING_DAYS = 5;

/** `day` minus `n` working days. */
function workingDaysBefore(day: string, n: number): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isWorkingDay(d)) left -= 1;
  }
  return d;
}

/** `day` plus `n` working days. */
function workingDaysAfter(day: string, n: number): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left -= 1;
  }
  return d;
}

/** 09:30 China time of a China day. */
const morningOf = (day: string) => new Date(`${day}T09:30:00+08:00`);

export interface DemoFilingsSummary {
  skipped: boolean;
  filings: number;
  byStatus: Record<string, number>;
  badges: number;
}

/**
 * Loads the demo filings into the demo province (after `loadDemoProvince`). Does nothing when any
 * self-filing exists. Filings whose business or shops the register does not hold are left out.
 */
export function loadDemoFilings(orm: MikroORM, options: { seed: string; entities: number; today?: string }): Promise<DemoFilingsSummary> {
  return runAsSystem('demo self-filings', async () => {
    const em = orm.em.fork() as EntityManager;
    const summary: DemoFilingsSummary = { skipped: true, filings: 0, byStatus: {}, badges: 0 };
    if ((await em.count(SelfFiling, {})) > 0) return summary;
    const plan = planDemoFilings(planDemoProvince({ seed: options.seed, entities: Math.min(options.entities, DEMO_FILING_ENTITIES) }));
    const today = options.today ?? chinaDay();
    summary.skipped = false;
    for (const [k, p] of plan.filings.entries()) {
      const fem = orm.em.fork() as EntityManager;
      const entity = await fem.findOne(OnlineEntity, { uscc: p.uscc });
      const shops = await fem.find(Shop, { url: { $in: p.shopUrls } });
      if (!entity || shops.length !== p.shopUrls.length) continue;
      const r = new Random(`${options.seed}|filing|${p.uscc}`);
      // under review: verified so that the 5-working-day deadline falls `overdue` working days before today
      const verifiedDay =
        p.state === 'under_review'
          ? workingDaysBefore(today, REVIEW_WORKING_DAYS + p.overdueWorkingDays)
          : p.state === 'awaiting_verification'
            ? null
            : workingDaysBefore(today, 20 + k * 3);
      const submittedDay = verifiedDay ? workingDaysBefore(verifiedDay, 1) : workingDaysBefore(today, 1);
      const verifiedAt = verifiedDay ? morningOf(verifiedDay) : null;
      const unit = await responsibleUnitFor(fem, entity.regionCode);
      const filing = await runCommand(orm.em.fork() as EntityManager, 'demoSelfFiling', async (tem) => {
        const filing = tem.create(SelfFiling, {
          number: `BA${submittedDay.replace(/-/g, '')}${r.digits(8)}`,
          status: verifiedDay ? SelfFilingStatus.UNDER_REVIEW : SelfFilingStatus.AWAITING_VERIFICATION,
          uscc: entity.uscc,
          entityName: entity.name,
          legalRepresentative: entity.legalRepresentative ?? null,
          contactName: entity.legalRepresentative ?? '王经理',
          contactPhone: `13${r.digits(9)}`,
          contactEmail: `shop${r.digits(5)}@mail.example`,
          entity: tem.getReference(OnlineEntity, entity.id),
          regionCode: entity.regionCode,
          reviewUnit: unit ? tem.getReference(Unit, unit.id) : null,
          submittedAt: morningOf(submittedDay),
          verifiedAt,
          reviewDueOn: verifiedDay ? workingDaysAfter(verifiedDay, REVIEW_WORKING_DAYS) : null,
          submissionHash: createHash('sha256').update(`demo|${options.seed}|${entity.uscc}`).digest('hex'),
          submitterKey: null,
        });
        for (const url of p.shopUrls) {
          const shop = shops.find((s) => s.url === url) as Shop;
          tem.create(SelfFilingShop, {
            filing,
            regionCode: entity.regionCode,
            url,
            domain: shop.domain,
            platform: shop.platform,
            verificationToken: newVerificationToken(),
            verifiedAt,
            lastCheckedAt: verifiedAt,
            lastCheckResult: verifiedAt ? '已验证 (token found)' : null,
          });
        }
        await tem.flush();
        return filing;
      });
      if (p.state === 'accepted' || p.state === 'revoked') await acceptSelfFiling(orm.em.fork() as EntityManager, filing.id);
      if (p.state === 'revoked') await revokeSelfFiling(orm.em.fork() as EntityManager, filing.id, '经核查，该主体网店经营内容与备案信息不符，撤销备案（演示数据）');
      const status = p.state === 'awaiting_verification' ? SelfFilingStatus.AWAITING_VERIFICATION : p.state === 'under_review' ? SelfFilingStatus.UNDER_REVIEW : p.state;
      summary.filings += 1;
      summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
      if (p.state === 'accepted' || p.state === 'revoked') summary.badges += p.shopUrls.length;
    }
    return summary;
  });
}

/**
 * The badge identifiers the demo businesses place on their shop pages, by the register URL of the shop
 * each was issued for (accepted and revoked filings): what `demo crawl` hands to the marketplace.
 */
export function demoBadgeTokens(orm: MikroORM, config: Pick<Config, 'badgeSecret'>): Promise<Record<string, string>> {
  return runAsSystem('demo badges', async () => {
    const em = orm.em.fork() as EntityManager;
    const key = await badgeKey(em, config);
    const shops = await em.find(SelfFilingShop, { badgeId: { $ne: null } }, { orderBy: { id: 'asc' } });
    return Object.fromEntries(shops.map((s) => [s.url, badgeToken(key, s.badgeId as string, s.url)]));
  });
}
