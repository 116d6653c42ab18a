/**
 * Which demo businesses file themselves (主体备案), in which state, and which shop pages of the demo
 * marketplace show which badge (电子标识): a pure function of the demo plan, read by the demo loader
 * (load-demo-filings.ts) and by the demo marketplace's world (demo/marketplace/world.ts), so
 * both agree without talking to each other. No clock, no randomness beyond the plan.
 */
import { RegistrationStatus } from '../entities';
import type { DemoPlan } from './plan-demo-province';

/** Entities of the plan the filings are drawn from: the first ones, the same in every plan size (the plan is prefix-stable). */
export const DEMO_FILING_ENTITIES = 40;
/** Register platforms the demo marketplace serves (demo/marketplace/world.ts PLATFORM_OF). */
const MARKET_PLATFORMS = new Set(['淘宝', '天猫', '京东', '抖音电商', '拼多多', '快手电商', '微店', '自建网站']);

export type DemoFilingState = 'accepted' | 'revoked' | 'under_review' | 'awaiting_verification';

export interface PlannedFiling {
  entityIndex: number;
  uscc: string;
  state: DemoFilingState;
  /** register URLs of the filed shops */
  shopUrls: string[];
  /** under review: working days past the due day (negative: due in that many working days) */
  overdueWorkingDays: number;
}

/** A shop page that shows a badge: its own (valid or revoked) or another shop's (copied). */
export interface PlannedBadgeDisplay {
  /** register URL of the shop whose page shows the badge */
  shownOn: string;
  /** register URL of the filed shop the badge was issued for */
  issuedFor: string;
  kind: 'own' | 'revoked' | 'copied';
}

export interface DemoFilingPlan {
  filings: PlannedFiling[];
  displays: PlannedBadgeDisplay[];
}

const STATES: ReadonlyArray<{ state: DemoFilingState; overdue: number }> = [
  { state: 'accepted', overdue: 0 },
  { state: 'accepted', overdue: 0 },
  { state: 'accepted', overdue: 0 },
  { state: 'revoked', overdue: 0 },
  { state: 'under_review', overdue: 3 },
  { state: 'under_review', overdue: 1 },
  { state: 'under_review', overdue: -2 },
  { state: 'awaiting_verification', overdue: 0 },
];

/** Which businesses of the plan file, in which state, and which shop pages show which badge (pure). */
export function planDemoFilings(plan: Pick<DemoPlan, 'entities' | 'shops'>): DemoFilingPlan {
  const shopsOf = new Map<number, string[]>();
  for (const s of plan.shops) {
    if (s.entityIndex === null || s.entityIndex >= DEMO_FILING_ENTITIES || !MARKET_PLATFORMS.has(s.platform)) continue;
    const list = shopsOf.get(s.entityIndex) ?? [];
    list.push(s.url);
    shopsOf.set(s.entityIndex, list);
  }
  const candidates = plan.entities
    .slice(0, DEMO_FILING_ENTITIES)
    .map((e, i) => ({ e, i }))
    .filter(({ e, i }) => e.registrationStatus === RegistrationStatus.ACTIVE && (shopsOf.get(i)?.length ?? 0) > 0);
  // every third candidate, so the filings spread over regions rather than the first few
  const picked = candidates.filter((_, k) => k % 3 === 1).slice(0, STATES.length);
  const filings: PlannedFiling[] = picked.map(({ e, i }, k) => ({
    entityIndex: i,
    uscc: e.uscc,
    state: STATES[k].state,
    shopUrls: (shopsOf.get(i) ?? []).slice(0, 2),
    overdueWorkingDays: STATES[k].overdue,
  }));
  const displays: PlannedBadgeDisplay[] = [];
  for (const f of filings) {
    if (f.state === 'accepted') for (const url of f.shopUrls) displays.push({ shownOn: url, issuedFor: url, kind: 'own' });
    if (f.state === 'revoked') displays.push({ shownOn: f.shopUrls[0], issuedFor: f.shopUrls[0], kind: 'revoked' });
  }
  // the copy: a shop of a business that did not file, on the platform of the first accepted shop
  const original = filings.find((f) => f.state === 'accepted')?.shopUrls[0];
  if (original) {
    const platform = plan.shops.find((s) => s.url === original)?.platform;
    const filed = new Set(filings.map((f) => f.entityIndex));
    const copier = plan.shops.find((s) => s.platform === platform && s.entityIndex !== null && s.entityIndex < DEMO_FILING_ENTITIES && !filed.has(s.entityIndex));
    if (copier) displays.push({ shownOn: copier.url, issuedFor: original, kind: 'copied' });
  }
  return { filings, displays };
}
