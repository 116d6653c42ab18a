/**
 * Patrol records (巡查记录): filed for an open task (which becomes done) or ad hoc for a shop, online
 * (网上巡查: linked to the shop's latest snapshot at the time and that snapshot's evidence) or on-site
 * (实地巡查: address, people met, photos), with checklist results and an outcome. A record that raises a
 * clue creates it through the clue flow (createClue, source PATROL) in the same transaction.
 *
 * Only staff of a unit whose jurisdiction holds the shop's region may file (the ORM filter hides the
 * shop or task otherwise: NOT_FOUND); the record names the filing user's unit.
 */
import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AccessDeniedError,
  type ChecklistItem,
  type ChecklistResult,
  ClueSource,
  currentActor,
  jurisdictionSql,
  PatrolMode,
  PatrolOutcome,
  PatrolPlan,
  PatrolRecord,
  PatrolTask,
  PatrolTaskStatus,
  type Shop,
  Unit,
} from '../../entities';
import type { InspectedCaseFile } from '../cases/case-files';
import { inspectUploads, storeUploads, type UploadInput, type UploadOptions } from '../files/uploads';
import { chinaDay, checkDay, startOfChinaDay } from '../calendar/working-days';
import { createClue } from '../clues/clue.commands';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { getShop } from '../registry/shop.queries';
import { dayOf, DEFAULT_CHECKLIST } from './patrol-plans';
import { now } from '../../kernel/clock';

/** Photos a record may carry. */
export const MAX_PATROL_PHOTOS = 10;
/** Clock skew tolerated for "not in the future". */
const FUTURE_SKEW_MS = 60_000;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
const RESULTS = new Set(['pass', 'fail', 'not_applicable']);

export interface FilePatrolRecordInput {
  /** an open task in the caller's jurisdiction (becomes done) … */
  taskId?: string | number | null;
  /** … or a shop, for an ad hoc patrol */
  shopId?: string | number | null;
  mode: PatrolMode;
  /** default now; not in the future, not before the task's period */
  patrolledAt?: Date | null;
  checklist: ChecklistResult[];
  outcome: PatrolOutcome;
  /** rectification ordered: by when (a future day) */
  rectifyBy?: string | null;
  /** clue raised: what to enter in the clue flow */
  clue?: { title: string; description: string } | null;
  /** on-site */
  siteAddress?: string | null;
  peopleMet?: string | null;
  photos?: UploadInput[] | null;
  note?: string | null;
}

/** The evidence blob folder and CASE_FILE_MAX_BYTES, per photo. */
export type PatrolRecordOptions = UploadOptions;

function text(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const t = value?.trim() ?? '';
  if (!t && required) throw new UserInputError(`${field}: give the ${field}`, field);
  if (t.length > max) throw new UserInputError(`${field}: at most ${max} characters`, field);
  return t || null;
}

/** The results, exactly one per item of the checklist, in the checklist's order. */
export function checkResults(items: readonly ChecklistItem[], results: ChecklistResult[] | null | undefined): ChecklistResult[] {
  const known = new Set(items.map((i) => i.key));
  const given = new Map<string, ChecklistResult>();
  for (const [i, r] of (results ?? []).entries()) {
    const key = (r?.key ?? '').trim();
    if (!known.has(key)) throw new UserInputError(`checklist[${i}].key: "${key}" is not an item of this checklist (items: ${[...known].join(', ')})`, 'checklist');
    if (given.has(key)) throw new UserInputError(`checklist[${i}].key: "${key}" is given twice`, 'checklist');
    if (!RESULTS.has(r.result)) throw new UserInputError(`checklist[${i}].result: pass, fail or not_applicable`, 'checklist');
    given.set(key, { key, result: r.result, note: text(r.note, `checklist[${i}].note`, 2000, false) });
  }
  const missing = items.filter((i) => !given.has(i.key)).map((i) => i.key);
  if (missing.length) throw new UserInputError(`checklist: no result for ${missing.join(', ')}; every item needs one`, 'checklist');
  return items.map((i) => given.get(i.key)!);
}

/** The shop's latest snapshot at or before `at` and the SHA-256 of its evidence captures (empty when never crawled). */
async function latestSnapshot(em: EntityManager, shopId: number, at: Date): Promise<{ snapshotAt: Date | null; evidence: string[] }> {
  const scope = jurisdictionSql('region_code');
  const exists = await em.execute<{ t: string | null }[]>(`select to_regclass('shop_snapshot')::text as t`);
  if (!exists[0]?.t) return { snapshotAt: null, evidence: [] };
  const [snap] = await em.execute<{ observed_at: Date | string; evidence_sha256: string | null }[]>(
    `select observed_at, evidence_sha256 from shop_snapshot where shop_id = ? and observed_at <= ? and ${scope.sql} order by observed_at desc limit 1`,
    [shopId, at, ...scope.params],
  );
  if (!snap) return { snapshotAt: null, evidence: [] };
  const observedAt = new Date(snap.observed_at);
  const captures = await em.execute<{ sha256: string }[]>(
    `select sha256 from evidence_capture where shop_id = ? and observed_at = ? and ${scope.sql} order by seq`,
    [shopId, observedAt, ...scope.params],
  );
  const evidence = [...new Set([...(snap.evidence_sha256 ? [snap.evidence_sha256.trim()] : []), ...captures.map((c) => c.sha256.trim())])];
  return { snapshotAt: observedAt, evidence };
}

/**
 * Files a patrol record. Everything is checked before anything is written: task or shop, checklist
 * (exactly the plan's items, or DEFAULT_CHECKLIST ad hoc, each once), time, outcome against the results,
 * mode fields and photos (images only, size-limited, at most 10). Photos are stored in the evidence
 * blob folder under their SHA-256.
 */
export function filePatrolRecord(em: EntityManager, input: FilePatrolRecordInput, options: PatrolRecordOptions): Promise<PatrolRecord> {
  return runCommand(em, 'filePatrolRecord', async (tem) => {
    const actor = currentActor();
    if (actor.kind !== 'user' || actor.unitId == null) throw new AccessDeniedError('patrol records are filed by staff of a unit');
    const hasTask = input.taskId != null && input.taskId !== '';
    const hasShop = input.shopId != null && input.shopId !== '';
    if (!hasTask && !hasShop) throw new UserInputError('taskId: give the task patrolled, or a shopId for an ad hoc patrol', 'taskId');

    let task: PatrolTask | null = null;
    let shop: Shop;
    let items: readonly ChecklistItem[] = DEFAULT_CHECKLIST;
    if (hasTask) {
      const n = Number(input.taskId);
      task = Number.isInteger(n) && n > 0 ? await tem.findOne(PatrolTask, { id: n }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
      if (!task) throw new NotFoundError('patrol task', input.taskId!);
      if (task.status !== PatrolTaskStatus.OPEN) throw new UserInputError(`taskId: task ${task.id} is ${task.status}, not open`, 'taskId');
      if (hasShop && String(input.shopId) !== String(task.shop.id)) throw new UserInputError(`shopId: task ${task.id} is for shop ${task.shop.id}`, 'shopId');
      shop = await getShop(tem, task.shop.id);
      const plan = await tem.findOneOrFail(PatrolPlan, { id: task.plan.id });
      items = plan.checklist;
    } else {
      shop = await getShop(tem, input.shopId!);
    }

    const nowMs = now().getTime();
    const patrolledAt = input.patrolledAt ?? new Date(nowMs);
    if (Number.isNaN(patrolledAt.getTime())) throw new UserInputError('patrolledAt: not a time', 'patrolledAt');
    if (patrolledAt.getTime() > nowMs + FUTURE_SKEW_MS) throw new UserInputError('patrolledAt: lies in the future', 'patrolledAt');
    if (task && patrolledAt < startOfChinaDay(dayOf(task.periodStart))) {
      throw new UserInputError(`patrolledAt: before the task's period, which starts ${dayOf(task.periodStart)}`, 'patrolledAt');
    }

    const checklist = checkResults(items, input.checklist);
    const failed = checklist.filter((r) => r.result === 'fail').map((r) => r.key);
    let rectifyBy: string | null = null;
    switch (input.outcome) {
      case PatrolOutcome.COMPLIANT:
        if (failed.length) throw new UserInputError(`outcome: compliant, but ${failed.join(', ')} failed`, 'outcome');
        if (input.rectifyBy) throw new UserInputError('rectifyBy: only with outcome rectification_ordered', 'rectifyBy');
        break;
      case PatrolOutcome.RECTIFICATION_ORDERED:
        if (!failed.length) throw new UserInputError('outcome: rectification ordered, but no checklist item failed', 'outcome');
        if (!input.rectifyBy) throw new UserInputError('rectifyBy: give the day by which the shop must rectify', 'rectifyBy');
        rectifyBy = checkDay(input.rectifyBy, 'rectifyBy');
        if (rectifyBy <= chinaDay(new Date(nowMs))) throw new UserInputError(`rectifyBy: ${rectifyBy} must lie in the future`, 'rectifyBy');
        break;
      case PatrolOutcome.CLUE_RAISED:
        if (!input.clue) throw new UserInputError('clue: give the clue\'s title and description', 'clue');
        text(input.clue.title, 'clue.title', 200, true);
        text(input.clue.description, 'clue.description', 10_000, true);
        break;
      default:
        throw new UserInputError('outcome: compliant, rectification_ordered or clue_raised', 'outcome');
    }
    if (input.outcome !== PatrolOutcome.CLUE_RAISED && input.clue) throw new UserInputError('clue: only with outcome clue_raised', 'clue');
    const note = text(input.note, 'note', 10_000, false);

    let snapshot: { snapshotAt: Date | null; evidence: string[] } = { snapshotAt: null, evidence: [] };
    let siteAddress: string | null = null;
    let peopleMet: string | null = null;
    const photos = input.photos ?? [];
    let inspected: InspectedCaseFile[] = [];
    if (input.mode === PatrolMode.ONLINE) {
      if (input.siteAddress || input.peopleMet || photos.length) {
        throw new UserInputError('mode: siteAddress, peopleMet and photos belong to an on-site patrol', 'mode');
      }
      snapshot = await latestSnapshot(tem, shop.id, patrolledAt);
    } else if (input.mode === PatrolMode.ON_SITE) {
      siteAddress = text(input.siteAddress, 'siteAddress', 300, true);
      peopleMet = text(input.peopleMet, 'peopleMet', 300, true);
      if (photos.length > MAX_PATROL_PHOTOS) throw new UserInputError(`photos: at most ${MAX_PATROL_PHOTOS}`, 'photos');
      inspected = inspectUploads(photos, options.maxBytes, 'photos');
      inspected.forEach((file, i) => {
        if (!IMAGE_TYPES.has(file.mediaType)) throw new UserInputError(`photos[${i}]: ${file.fileName} is not an image (PNG, JPEG, WEBP or GIF)`, 'photos');
      });
    } else {
      throw new UserInputError('mode: online or on_site', 'mode');
    }

    // all checked: write
    let clue = null;
    if (input.outcome === PatrolOutcome.CLUE_RAISED) {
      clue = await createClue(tem, { shopId: shop.id, title: input.clue!.title, description: input.clue!.description, source: ClueSource.PATROL, note: `patrol of shop ${shop.id}` });
    }
    const stored = await storeUploads(inspected, options.evidenceDir);
    const record = tem.create(PatrolRecord, {
      task,
      shop,
      unit: tem.getReference(Unit, actor.unitId),
      regionCode: shop.regionCode,
      mode: input.mode,
      patrolledAt,
      checklist,
      snapshotAt: snapshot.snapshotAt,
      evidenceSha256: snapshot.evidence,
      siteAddress,
      peopleMet,
      photos: stored,
      outcome: input.outcome,
      rectifyBy,
      clue: clue ? ref(clue) : null,
      note,
      recordedBy: actor.name.slice(0, 100),
    });
    if (task) {
      task.status = PatrolTaskStatus.DONE;
      task.doneAt = new Date(nowMs);
    }
    await tem.flush();
    return record;
  });
}
