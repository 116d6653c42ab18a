/**
 * Self-filings as staff read them (in the caller's jurisdiction, by the ORM filter: the entity's region)
 * and as the public reads a badge (through `verifyBadge`: the filing's public facts only).
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OnlineEntity, RegistrationStatus, SelfFiling, SelfFilingShop, SelfFilingStatus } from '../../entities';
import type { Connection } from '../../schema/connection';
import type { Config } from '../../kernel/config';
import { NotFoundError, UserInputError } from '../errors';
import { type Page, paginate } from '../pagination';
import { regionCatalog } from '../registry/region-catalog';
import { runAsSystem } from '../system-actor';
import { badgeKey, parseBadgeToken, signatureMatches } from './badge-token';

export interface FilingFilter {
  statuses?: SelfFilingStatus[] | null;
  /** true: under review past its due day */
  reviewOverdue?: boolean | null;
  /** USCC, name or filing number contains */
  search?: string | null;
}

/** The ORM condition of a filter (the jurisdiction filter applies on top). */
export function filingWhere(filter: FilingFilter, today: string): FilterQuery<SelfFiling> {
  const and: FilterQuery<SelfFiling>[] = [];
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  if (filter.reviewOverdue === true) and.push({ status: SelfFilingStatus.UNDER_REVIEW, reviewDueOn: { $lt: today } });
  if (filter.reviewOverdue === false) and.push({ $or: [{ status: { $ne: SelfFilingStatus.UNDER_REVIEW } }, { reviewDueOn: { $gte: today } }] });
  const q = filter.search?.trim();
  if (q) {
    if (q.length > 100) throw new UserInputError('search: at most 100 characters', 'search');
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    and.push({ $or: [{ uscc: { $ilike: like } }, { entityName: { $ilike: like } }, { number: { $ilike: like } }] });
  }
  return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
}

/** A page of filings in the caller's jurisdiction, newest submitted first. */
export function listFilings(em: EntityManager, filter: FilingFilter, page: Page, today: string): Promise<Connection<SelfFiling>> {
  return paginate(em, SelfFiling, filingWhere(filter, today), { submittedAt: 'desc', id: 'desc' } as never, page);
}

/** A filing in the caller's jurisdiction, else NOT_FOUND (outside and absent look the same). */
export async function getFiling(em: EntityManager, id: string | number): Promise<SelfFiling> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new NotFoundError('self-filing', id);
  const filing = await em.findOne(SelfFiling, { id: n });
  if (!filing) throw new NotFoundError('self-filing', id);
  return filing;
}

/** What a badge says, for the public verification page, the badge image and the crawler's rule. */
export type BadgeVerdict = 'valid' | 'revoked' | 'entity-inactive' | 'not-accepted' | 'bad-signature';

/** The public facts of the filing behind a badge: nothing private (no contact, no legal representative). */
export interface BadgeFacts {
  number: string;
  entityName: string;
  uscc: string;
  regionCode: string;
  regionName: string;
  status: SelfFilingStatus;
  registrationStatus: RegistrationStatus;
  /** when the filing was accepted */
  filedAt: Date | null;
  revokedAt: Date | null;
  shopUrl: string;
  domain: string;
  platform: string;
  /** the register's shop the badge was issued for (linked on acceptance; internal, for the crawler's rule: not shown) */
  registerShopId: number | null;
}

export interface BadgeVerification {
  verdict: BadgeVerdict;
  /** null for a bad signature (or an id no filing has) */
  facts: BadgeFacts | null;
}

/** Region name with its city, e.g. 济南市历下区. */
export function regionName(code: string): string {
  const catalog = regionCatalog();
  const names: string[] = [];
  for (const len of [4, 6, 9]) {
    if (code.length < len) break;
    const r = catalog.get(code.slice(0, len));
    if (r) names.push(r.name);
  }
  return names.join('') || code;
}

/**
 * Checks a badge identifier against the filings (as the system actor: the public and the crawler have no
 * jurisdiction): its form, its signature for the shop it was issued to, the filing's status and the
 * register entity's registration status.
 */
export function verifyBadge(em: EntityManager, token: string, config: Pick<Config, 'badgeSecret'>): Promise<BadgeVerification> {
  return runAsSystem('badge verification', async (): Promise<BadgeVerification> => {
    const parsed = parseBadgeToken(token);
    if (!parsed) return { verdict: 'bad-signature', facts: null };
    const shop = await em.findOne(SelfFilingShop, { badgeId: parsed.badgeId }, { populate: ['filing'] });
    const key = await badgeKey(em, config);
    if (!shop || !signatureMatches(key, parsed.badgeId, shop.url, parsed.signature)) return { verdict: 'bad-signature', facts: null };
    const filing = shop.filing.getEntity();
    const entity = await em.findOneOrFail(OnlineEntity, { id: filing.entity.id });
    const facts: BadgeFacts = {
      number: filing.number,
      entityName: entity.name,
      uscc: entity.uscc,
      regionCode: filing.regionCode,
      regionName: regionName(filing.regionCode),
      status: filing.status,
      registrationStatus: entity.registrationStatus,
      filedAt: filing.reviewedAt,
      revokedAt: filing.revokedAt,
      shopUrl: shop.url,
      domain: shop.domain,
      platform: shop.platform,
      registerShopId: shop.shop?.id ?? null,
    };
    const verdict: BadgeVerdict =
      filing.status === SelfFilingStatus.REVOKED ? 'revoked' : filing.status !== SelfFilingStatus.ACCEPTED ? 'not-accepted' : entity.registrationStatus !== RegistrationStatus.ACTIVE ? 'entity-inactive' : 'valid';
    return { verdict, facts };
  });
}
