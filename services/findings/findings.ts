/**
 * Findings and the rule catalogue as the API sees them: findings in the caller's jurisdiction (the ORM
 * filter), the rules with whether each is on for a region, and switching a rule on or off for a region
 * (a command: jurisdiction-checked and audited).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { RULES } from '../../kernel/rules';
import { ruleSwitches } from './rule-switches';
import { executorFromEntityManager } from '../../store';
import { currentActor, Finding, type FindingSeverity, type FindingStatus, inJurisdiction, RuleSetting } from '../../entities';
import type { Connection } from '../../schema/connection';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { type ListSpec, type Page, paginateList } from '../pagination';
import { requireRegion } from '../registry/registry-rules';
import { runAsSystem } from '../system-actor';

export interface FindingFilter {
  ruleIds?: string[] | null;
  severities?: FindingSeverity[] | null;
  statuses?: FindingStatus[] | null;
  shopId?: string | number | null;
  regionCode?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** A page of findings in the caller's jurisdiction, newest first. */
export function listFindings(em: EntityManager, filter: FindingFilter, page: Page): Promise<Connection<Finding>> {
  return paginateList(em, findingList(filter), page);
}

/** What a findings list reads: the filter's condition, newest first. */
export function findingList(filter: FindingFilter): ListSpec<Finding> {
  const where: Record<string, unknown> = {};
  if (filter.ruleIds?.length) {
    const unknown = filter.ruleIds.filter((id) => !RULES.some((r) => r.id === id));
    if (unknown.length) throw new UserInputError(`ruleIds: unknown rule ${unknown.join(', ')}`, 'ruleIds');
    where.ruleId = { $in: filter.ruleIds };
  }
  if (filter.severities?.length) where.severity = { $in: filter.severities };
  if (filter.statuses?.length) where.status = { $in: filter.statuses };
  if (filter.shopId != null && filter.shopId !== '') {
    const id = Number(filter.shopId);
    if (!Number.isInteger(id) || id <= 0) throw new UserInputError('shopId: not an id', 'shopId');
    where.shop = id;
  }
  if (filter.regionCode) {
    if (!/^\d{2,12}$/u.test(filter.regionCode)) throw new UserInputError(`regionCode: "${filter.regionCode}" is not a division code`, 'regionCode');
    where.regionCode = { $like: `${filter.regionCode}%` };
  }
  if (filter.from || filter.to) where.observedAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  return { entity: Finding, where, orderBy: { observedAt: 'desc' } };
}

export interface RuleView {
  id: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  severity: string;
  target: string;
  legalBasis: Array<{ law: string; article: string }>;
  /** whether it is on for the region asked about */
  enabled: boolean;
  regionCode: string;
}

function regionFor(regionCode: string | null | undefined): string {
  if (regionCode) {
    const code = requireRegion(regionCode);
    if (!inJurisdiction(code)) throw new NotFoundError('region', code);
    return code;
  }
  const first = currentActor().prefixes[0];
  return first ? first : '37';
}

/** Every rule, and whether it is on for `regionCode` (default: the caller's jurisdiction). */
export async function listRules(em: EntityManager, regionCode?: string | null): Promise<RuleView[]> {
  const region = regionFor(regionCode);
  // settings are configuration, readable whatever prefix set them (a province switch applies to a county)
  const enabledFor = await runAsSystem('read rule settings', () => ruleSwitches(executorFromEntityManager(em)));
  return RULES.map((r) => ({
    id: r.id,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    descriptionZh: r.descriptionZh,
    severity: r.severity,
    target: r.target,
    legalBasis: r.legalBasis.map((b) => ({ ...b })),
    enabled: enabledFor(r.id, region),
    regionCode: region,
  }));
}

/** Switches a rule on or off for a region and everything under it (unless a deeper region says otherwise). */
export async function setRuleEnabled(em: EntityManager, input: { ruleId: string; regionCode: string; enabled: boolean }): Promise<RuleView> {
  if (!RULES.some((r) => r.id === input.ruleId)) throw new UserInputError(`ruleId: unknown rule ${input.ruleId}`, 'ruleId');
  const regionCode = requireRegion(input.regionCode);
  await runCommand(em, 'setRuleEnabled', async (tem) => {
    const existing = await tem.findOne(RuleSetting, { ruleId: input.ruleId, regionCode });
    const by = currentActor().name.slice(0, 100);
    if (existing) {
      existing.enabled = input.enabled;
      existing.updatedBy = by;
    } else {
      tem.create(RuleSetting, { ruleId: input.ruleId, regionCode, enabled: input.enabled, updatedBy: by });
    }
  });
  const rules = await listRules(em, regionCode);
  return rules.find((r) => r.id === input.ruleId)!;
}
