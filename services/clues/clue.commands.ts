/**
 * The clue commands (线索): raise from a finding (merging into the open clue of the same shop and rule),
 * enter by hand, register, assign (交办) to the unit whose jurisdiction holds the shop with a deadline,
 * handle, feed back, archive. Each is one transaction under the caller (jurisdiction-checked and audited),
 * asks the transition table whether the step is legal, and records who, when and why as a ClueEvent.
 */
import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ruleById } from '../../kernel/rules';
import {
  AccessDeniedError,
  Clue,
  ClueAction,
  ClueEvent,
  ClueFinding,
  ClueOutcome,
  ClueSource,
  ClueStatus,
  coversJurisdiction,
  currentActor,
  Finding,
  FindingStatus,
  inJurisdiction,
  Shop,
  Unit,
} from '../../entities';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { responsibleUnitFor } from '../registry/registry-rules';
import { getShop } from '../registry/shop.queries';
import { type ClueStep, nextStatus } from './clue-flow';
import { visibleUnit } from './clue.queries';
import { now } from '../../kernel/clock';
import { optionalText, requireText } from '../input';

/** Days an assigned unit has to handle a clue unless the assignment says otherwise. */
export const DEFAULT_CLUE_DEADLINE_DAYS = 15;

function recordEvent(em: EntityManager, clue: Clue, action: ClueAction, from: ClueStatus | null, note: string | null, details: Record<string, unknown> | null = null) {
  const actor = currentActor();
  em.create(ClueEvent, {
    clue,
    action,
    fromStatus: from,
    toStatus: clue.status,
    note,
    details,
    regionCode: clue.regionCode,
    actorName: actor.name.slice(0, 100),
    actorUnitId: actor.unitId,
  });
}

/** The clue, locked for the step (concurrent steps on one clue run one after the other). */
async function clueForStep(em: EntityManager, id: string | number): Promise<Clue> {
  const n = Number(id);
  const clue = Number.isInteger(n) && n > 0 ? await em.findOne(Clue, { id: n }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!clue) throw new NotFoundError('clue', id);
  return clue;
}

/** Moves the clue one legal step and records it. */
function step(em: EntityManager, clue: Clue, stepName: ClueStep, action: ClueAction, note: string | null, details: Record<string, unknown> | null = null) {
  const from = clue.status;
  clue.status = nextStatus(clue, stepName);
  recordEvent(em, clue, action, from, note, details);
}

/**
 * Raises a clue from a finding — or, while a clue of the same shop and rule is not archived, links the
 * finding to that clue (a 'merged' event) and returns it.
 */
export async function raiseClueFromFinding(em: EntityManager, findingId: string | number): Promise<Clue> {
  try {
    return await raiseOnce(em, findingId);
  } catch (error) {
    // two findings of one shop and rule raised at the same moment: the second found no open clue yet and
    // lost at the unique index; now the first one's clue exists and it merges into it
    if ((error as { code?: string }).code !== '23505' && !/unique/i.test(String((error as Error).message))) throw error;
    em.clear();
    return raiseOnce(em, findingId);
  }
}

function raiseOnce(em: EntityManager, findingId: string | number): Promise<Clue> {
  return runCommand(em, 'raiseClueFromFinding', async (tem) => {
    const n = Number(findingId);
    const finding = Number.isInteger(n) && n > 0 ? await tem.findOne(Finding, { id: n }) : null;
    if (!finding) throw new NotFoundError('finding', findingId);
    if (finding.status === FindingStatus.DISMISSED) throw new UserInputError(`finding ${finding.id} was dismissed`, 'findingId');
    const linked = await tem.findOne(ClueFinding, { finding: finding.id });
    if (linked) throw new UserInputError(`finding ${finding.id} is already on clue ${linked.clue.id}`, 'findingId');
    const open = await tem.findOne(
      Clue,
      { shop: finding.shop.id, ruleId: finding.ruleId, status: { $ne: ClueStatus.ARCHIVED } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (open) {
      tem.create(ClueFinding, { clue: open, finding, regionCode: open.regionCode });
      open.updatedAt = now();
      recordEvent(tem, open, ClueAction.MERGED, open.status, `finding ${finding.id} of the same shop and rule`, { findingId: finding.id, observedAt: finding.observedAt.toISOString() });
      return open;
    }
    const shop = await getShop(tem, finding.shop.id);
    const rule = ruleById(finding.ruleId);
    const clue = tem.create(Clue, {
      source: ClueSource.FINDING,
      shop,
      ruleId: finding.ruleId,
      regionCode: shop.regionCode,
      title: `${rule?.nameZh ?? finding.ruleId}：${shop.name}`.slice(0, 200),
      description: finding.detail,
      createdBy: currentActor().name.slice(0, 100),
    });
    tem.create(ClueFinding, { clue, finding, regionCode: clue.regionCode });
    recordEvent(tem, clue, ClueAction.RAISED, null, `from finding ${finding.id}`, { findingId: finding.id, ruleId: finding.ruleId });
    return clue;
  });
}

export interface CreateClueInput {
  shopId: string | number;
  title: string;
  description: string;
  source: ClueSource;
  note?: string | null;
}

/** Enters a clue by hand: from a complaint, a patrol, or otherwise (not from a finding). */
export function createClue(em: EntityManager, input: CreateClueInput): Promise<Clue> {
  return runCommand(em, 'createClue', async (tem) => {
    if (input.source === ClueSource.FINDING) throw new UserInputError('source: clues from findings are raised with raiseClueFromFinding', 'source');
    const title = requireText(input.title, 'title', 200);
    const description = requireText(input.description, 'description', 10_000);
    const shop: Shop = await getShop(tem, input.shopId);
    const clue = tem.create(Clue, { source: input.source, shop, regionCode: shop.regionCode, title, description, createdBy: currentActor().name.slice(0, 100) });
    recordEvent(tem, clue, ClueAction.CREATED, null, optionalText(input.note), { source: input.source });
    return clue;
  });
}

/** Registers a received clue (登记). */
export function registerClue(em: EntityManager, id: string | number, note?: string | null): Promise<Clue> {
  return runCommand(em, 'registerClue', async (tem) => {
    const clue = await clueForStep(tem, id);
    step(tem, clue, 'registerClue', ClueAction.REGISTERED, optionalText(note));
    return clue;
  });
}

export interface AssignClueInput {
  unitId?: string | number | null;
  deadline?: Date | null;
  note?: string | null;
}

/**
 * Assigns a registered clue (交办) to a unit with a deadline. Default unit: the deepest unit whose
 * jurisdiction holds the shop's region; a given unit must hold the region and lie in the caller's
 * jurisdiction. Default deadline: 15 days from now; a given one must lie in the future.
 */
export function assignClue(em: EntityManager, id: string | number, input: AssignClueInput = {}): Promise<Clue> {
  return runCommand(em, 'assignClue', async (tem) => {
    const clue = await clueForStep(tem, id);
    nextStatus(clue, 'assignClue');
    let unit: Unit | null;
    if (input.unitId != null && input.unitId !== '') {
      unit = await visibleUnit(tem, input.unitId);
      if (!inJurisdiction(clue.regionCode, unit.jurisdiction)) {
        throw new UserInputError(`unitId: ${unit.name} does not hold region ${clue.regionCode} of the clue's shop; assign it to a unit whose jurisdiction holds the shop`, 'unitId');
      }
    } else {
      const found = await responsibleUnitFor(tem, clue.regionCode);
      unit = found ? await tem.findOne(Unit, { id: found.id }) : null;
      if (!unit) throw new UserInputError(`no unit holds region ${clue.regionCode}; give unitId`, 'unitId');
      if (!coversJurisdiction(currentActor().prefixes, unit.jurisdiction)) throw new UserInputError(`the unit holding region ${clue.regionCode} lies outside your jurisdiction`, 'unitId');
    }
    const nowMs = now().getTime();
    const deadline = input.deadline ?? new Date(nowMs + DEFAULT_CLUE_DEADLINE_DAYS * 24 * 3600 * 1000);
    if (Number.isNaN(deadline.getTime()) || deadline.getTime() <= nowMs) throw new UserInputError('deadline: must lie in the future', 'deadline');
    clue.assignedUnit = ref(unit);
    clue.deadline = deadline;
    clue.assignedAt = new Date(nowMs);
    step(tem, clue, 'assignClue', ClueAction.ASSIGNED, optionalText(input.note), { unitId: unit.id, unitCode: unit.code, unitName: unit.name, deadline: deadline.toISOString() });
    return clue;
  });
}

/**
 * Records how an assigned clue was handled (verified, not verified, case filed). Only a user of the
 * assigned unit or of a unit above it may (a unit's path is a prefix of the paths below it).
 */
export function handleClue(em: EntityManager, id: string | number, outcome: ClueOutcome, note: string): Promise<Clue> {
  return runCommand(em, 'handleClue', async (tem) => {
    const text = requireText(note, 'note', 10_000);
    const clue = await clueForStep(tem, id);
    nextStatus(clue, 'handleClue');
    const actor = currentActor();
    if (!actor.prefixes.includes('') && clue.assignedUnit) {
      const [assigned, own] = await Promise.all([
        tem.findOne(Unit, { id: clue.assignedUnit.id }),
        actor.unitId != null ? tem.findOne(Unit, { id: actor.unitId }) : null,
      ]);
      if (!assigned || !own || !assigned.path.startsWith(own.path)) {
        throw new AccessDeniedError(`clue ${clue.id} is assigned to ${assigned?.name ?? 'another unit'}: only that unit or a unit above it may handle it`);
      }
    }
    clue.outcome = outcome;
    clue.handledAt = now();
    step(tem, clue, 'handleClue', ClueAction.HANDLED, text, { outcome });
    return clue;
  });
}

/** Records the feedback on a handled clue (反馈). */
export function feedbackClue(em: EntityManager, id: string | number, note: string): Promise<Clue> {
  return runCommand(em, 'feedbackClue', async (tem) => {
    const text = requireText(note, 'note', 10_000);
    const clue = await clueForStep(tem, id);
    step(tem, clue, 'feedbackClue', ClueAction.FED_BACK, text);
    return clue;
  });
}

/** Archives a clue (归档): after feedback, or straight from received/registered (duplicate, invalid) — always with a reason. */
export function archiveClue(em: EntityManager, id: string | number, reason: string): Promise<Clue> {
  return runCommand(em, 'archiveClue', async (tem) => {
    const text = requireText(reason, 'reason', 10_000);
    const clue = await clueForStep(tem, id);
    step(tem, clue, 'archiveClue', ClueAction.ARCHIVED, text);
    return clue;
  });
}
