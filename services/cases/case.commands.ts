/**
 * The case commands (案件): open a case from handled clues whose outcome was 立案, approve filing (the
 * case number and the 90-day deadline) or refuse it, transfer, investigate, attach evidence, issue the
 * prior notice (告知), decide the penalty, record its execution and close the case (结案). Each is one
 * transaction under the caller (jurisdiction-checked and audited): the case is found through the
 * jurisdiction filter (outside: NOT_FOUND), the role is checked against the flow table (FORBIDDEN), the
 * step against the transitions (BAD_USER_INPUT), and every step is recorded as a CaseEvent.
 */
import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  Case,
  CaseAction,
  CaseClue,
  CaseEvent,
  CaseEvidence,
  CaseEvidenceKind,
  CaseStatus,
  Clue,
  ClueOutcome,
  ClueStatus,
  currentActor,
  jurisdictionSql,
  type LegalProvision,
  Unit,
} from '../../entities';
import { BlobStore } from '../../kernel/blob-store';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { addWorkingDays, chinaDay, endOfChinaDay } from '../calendar/working-days';
import { type CaseStep, nextCaseStatus, requireCaseRole, STAGE_DEADLINES } from './case-flow';
import { inspectCaseFile } from './case-files';
import { optionalText, requireText } from '../input';

const DAY_MS = 24 * 3600 * 1000;

/** Clue statuses from which a clue handled as 立案 (case_filed) may open a case. */
const CLUE_STATUSES_FOR_CASE: readonly ClueStatus[] = [ClueStatus.HANDLED, ClueStatus.FED_BACK, ClueStatus.ARCHIVED];

function recordEvent(em: EntityManager, kase: Case, action: CaseAction, from: CaseStatus | null, note: string | null, details: Record<string, unknown> | null = null) {
  const actor = currentActor();
  em.create(CaseEvent, {
    case: kase,
    action,
    fromStatus: from,
    toStatus: kase.status,
    note,
    details,
    regionCode: kase.regionCode,
    actorName: actor.name.slice(0, 100),
    actorRole: actor.role.slice(0, 20),
    actorUnitId: actor.unitId,
  });
}

function idOf(value: string | number, what: string): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The case, locked for the step (concurrent steps on one case run one after the other); outside: NOT_FOUND. */
async function caseForStep(em: EntityManager, id: string | number): Promise<Case> {
  const n = idOf(id, 'case');
  const kase = n ? await em.findOne(Case, { id: n }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!kase) throw new NotFoundError('case', id);
  return kase;
}

function deadlineFor(status: CaseStatus, now: number): Date | null {
  const rule = STAGE_DEADLINES[status];
  if (!rule) return null;
  if ('days' in rule) return new Date(now + rule.days * DAY_MS);
  return endOfChinaDay(addWorkingDays(chinaDay(new Date(now)), rule.workingDays));
}

/**
 * The common shape of a step: find the case (NOT_FOUND), check the role (FORBIDDEN), check the
 * transition (BAD_USER_INPUT), let `apply` validate and change the case, then move it and record it.
 */
function caseStep(
  em: EntityManager,
  id: string | number,
  stepName: CaseStep,
  action: CaseAction,
  apply: (tem: EntityManager, kase: Case) => Promise<{ note: string | null; details?: Record<string, unknown> | null; keepDeadline?: boolean }>,
): Promise<Case> {
  return runCommand(em, stepName, async (tem) => {
    const kase = await caseForStep(tem, id);
    requireCaseRole(stepName);
    const to = nextCaseStatus(kase, stepName);
    const from = kase.status;
    const { note, details = null, keepDeadline = false } = await apply(tem, kase);
    kase.status = to;
    if (!keepDeadline && to !== from) kase.stageDeadline = deadlineFor(to, Date.now());
    kase.updatedAt = new Date();
    recordEvent(tem, kase, action, from, note, details);
    return kase;
  });
}

export interface OpenCaseInput {
  clueIds: (string | number)[];
  title?: string | null;
  facts?: string | null;
  note?: string | null;
}

/**
 * Opens a case (proposed) from one or more clues of one shop, each handled with the outcome 立案
 * (case_filed) and in no other case. The handling unit is the unit the first clue was assigned to.
 */
export function openCase(em: EntityManager, input: OpenCaseInput): Promise<Case> {
  return runCommand(em, 'openCase', async (tem) => {
    const ids = [...new Set((input.clueIds ?? []).map((v) => idOf(v, 'clue') ?? -1))];
    if (ids.length === 0) throw new UserInputError('clueIds: give at least one clue', 'clueIds');
    if (ids.length > 50) throw new UserInputError('clueIds: at most 50 clues', 'clueIds');
    const clues: Clue[] = [];
    for (const id of ids) {
      const clue = id > 0 ? await tem.findOne(Clue, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
      if (!clue) throw new NotFoundError('clue', id);
      clues.push(clue);
    }
    requireCaseRole('openCase');
    for (const clue of clues) {
      if (!CLUE_STATUSES_FOR_CASE.includes(clue.status) || clue.outcome !== ClueOutcome.CASE_FILED) {
        throw new UserInputError(`clue ${clue.id} is ${clue.status}${clue.outcome ? ` (${clue.outcome})` : ''}: a case is opened from clues handled with the outcome case_filed (立案)`, 'clueIds');
      }
      const linked = await tem.findOne(CaseClue, { clue: clue.id }, { filters: false });
      if (linked) throw new UserInputError(`clue ${clue.id} is already in case ${linked.case.id}`, 'clueIds');
    }
    const shopId = clues[0].shop.id;
    if (clues.some((c) => c.shop.id !== shopId)) throw new UserInputError('clueIds: the clues of one case must concern one shop', 'clueIds');
    const title = input.title?.trim() ? requireText(input.title, 'title', 200) : clues[0].title.slice(0, 200);
    const facts = input.facts?.trim() ? requireText(input.facts, 'facts', 20_000) : clues.map((c) => c.description).join('\n').slice(0, 20_000);
    const unitId = clues.find((c) => c.assignedUnit)?.assignedUnit?.id ?? currentActor().unitId;
    const unit = unitId != null ? await tem.findOne(Unit, { id: unitId }) : null;
    const kase = tem.create(Case, {
      shop: clues[0].shop,
      regionCode: clues[0].regionCode,
      handlingUnit: unit ? ref(unit) : null,
      title,
      facts,
      createdBy: currentActor().name.slice(0, 100),
    });
    for (const clue of clues) tem.create(CaseClue, { case: kase, clue, regionCode: clue.regionCode });
    recordEvent(tem, kase, CaseAction.OPENED, null, optionalText(input.note, 'note'), { clueIds: clues.map((c) => c.id) });
    return kase;
  });
}

/** The next case number of the filing year: 鲁市监网案〔YYYY〕N号 (serialised by an advisory lock). */
async function nextCaseNumber(em: EntityManager, year: number): Promise<string> {
  await em.getConnection().execute(`select pg_advisory_xact_lock(hashtext('legal_case_number'))`, [], 'all', em.getTransactionContext());
  const prefix = `鲁市监网案〔${year}〕`;
  const [row] = await em.getConnection().execute<{ n: number | null }[]>(
    `select max(substring(case_number from '〔[0-9]+〕([0-9]+)号')::int) as n from legal_case where case_number like ?`,
    [`${prefix}%`],
    'all',
    em.getTransactionContext(),
  );
  return `${prefix}${Number(row?.n ?? 0) + 1}号`;
}

/** 立案: approves filing a proposed case; assigns the case number; 90 days to decide. */
export function approveFiling(em: EntityManager, id: string | number, note?: string | null): Promise<Case> {
  return caseStep(em, id, 'approveFiling', CaseAction.FILING_APPROVED, async (tem, kase) => {
    const now = new Date();
    kase.caseNumber = await nextCaseNumber(tem, now.getFullYear());
    kase.filedAt = now;
    return { note: optionalText(note, 'note'), details: { caseNumber: kase.caseNumber } };
  });
}

/** 不予立案: refuses filing a proposed case, with a reason. */
export function rejectFiling(em: EntityManager, id: string | number, reason: string): Promise<Case> {
  return caseStep(em, id, 'rejectFiling', CaseAction.FILING_REJECTED, async () => ({ note: requireText(reason, 'reason', 10_000) }));
}

/** 移送: transfers a proposed, filed or investigating case to another authority, with a reason. */
export function transferCase(em: EntityManager, id: string | number, reason: string, to?: string | null): Promise<Case> {
  return caseStep(em, id, 'transferCase', CaseAction.TRANSFERRED, async () => ({ note: requireText(reason, 'reason', 10_000), details: to?.trim() ? { to: to.trim().slice(0, 200) } : null }));
}

/** Starts the investigation of a filed case (the 90-day deadline from filing stays). */
export function startInvestigation(em: EntityManager, id: string | number, note?: string | null): Promise<Case> {
  return caseStep(em, id, 'startInvestigation', CaseAction.INVESTIGATION_STARTED, async () => ({ note: optionalText(note, 'note'), keepDeadline: true }));
}

export interface AddEvidenceInput {
  /** an evidence_capture row: its URL, time, crawler and SHA-256 are copied */
  evidenceCaptureId?: string | number | null;
  /** a note; required when no capture is given */
  note?: string | null;
}

/** Attaches evidence to a filed or investigating case: a capture of the case's shop, or a note. */
export function addEvidence(em: EntityManager, id: string | number, input: AddEvidenceInput): Promise<Case> {
  return caseStep(em, id, 'addEvidence', CaseAction.EVIDENCE_ADDED, async (tem, kase) => {
    const actor = currentActor().name.slice(0, 100);
    const hasCapture = input.evidenceCaptureId != null && input.evidenceCaptureId !== '';
    if (!hasCapture) {
      const note = requireText(input.note, 'note', 20_000);
      const evidence = tem.create(CaseEvidence, { case: kase, kind: CaseEvidenceKind.NOTE, note, addedBy: actor, regionCode: kase.regionCode });
      await tem.flush();
      return { note, details: { evidenceId: evidence.id, kind: CaseEvidenceKind.NOTE }, keepDeadline: true };
    }
    const captureId = idOf(input.evidenceCaptureId!, 'evidence capture');
    const scope = jurisdictionSql('region_code');
    const [capture] = captureId
      ? await tem.getConnection().execute<{ id: string; shop_id: number; url: string; observed_at: Date | string; sha256: string; crawler: string }[]>(
          `select id::text as id, shop_id, url, observed_at, sha256, crawler from evidence_capture where id = ? and ${scope.sql}`,
          [captureId, ...scope.params],
          'all',
          tem.getTransactionContext(),
        )
      : [];
    if (!capture) throw new NotFoundError('evidence capture', input.evidenceCaptureId!);
    if (Number(capture.shop_id) !== kase.shop.id) throw new UserInputError(`evidenceCaptureId: capture ${capture.id} is of another shop than the case's`, 'evidenceCaptureId');
    const dup = await tem.findOne(CaseEvidence, { case: kase.id, evidenceCaptureId: capture.id });
    if (dup) throw new UserInputError(`evidenceCaptureId: capture ${capture.id} is already evidence of case ${kase.id}`, 'evidenceCaptureId');
    const evidence = tem.create(CaseEvidence, {
      case: kase,
      kind: CaseEvidenceKind.CAPTURE,
      evidenceCaptureId: capture.id,
      url: capture.url,
      observedAt: new Date(capture.observed_at),
      sha256: capture.sha256.trim(),
      tool: capture.crawler,
      note: optionalText(input.note, 'note'),
      addedBy: actor,
      regionCode: kase.regionCode,
    });
    await tem.flush();
    return { note: evidence.note, details: { evidenceId: evidence.id, kind: CaseEvidenceKind.CAPTURE, evidenceCaptureId: capture.id, sha256: evidence.sha256 }, keepDeadline: true };
  });
}

export interface AddCaseFileInput {
  fileName: string;
  contentBase64: string;
  note?: string | null;
}

export interface CaseFileOptions {
  /** the evidence blob folder (config.evidenceDir) */
  evidenceDir: string;
  /** CASE_FILE_MAX_BYTES */
  maxBytes: number;
}

/**
 * Attaches an uploaded file to a filed or investigating case (the step rule of addEvidence): decoded
 * strictly, size-limited, typed by its magic bytes (the extension must agree), its bytes stored in the
 * evidence blob folder under their SHA-256 (never rewritten), recorded as evidence of kind 'file'.
 */
export function addCaseFile(em: EntityManager, id: string | number, input: AddCaseFileInput, options: CaseFileOptions): Promise<Case> {
  return caseStep(em, id, 'addEvidence', CaseAction.EVIDENCE_ADDED, async (tem, kase) => {
    const actor = currentActor().name.slice(0, 100);
    const note = optionalText(input.note, 'note', 20_000);
    const file = inspectCaseFile(input.fileName, input.contentBase64, options.maxBytes);
    const blob = await new BlobStore(options.evidenceDir).put(file.bytes);
    const evidence = tem.create(CaseEvidence, {
      case: kase,
      kind: CaseEvidenceKind.FILE,
      sha256: blob.sha256,
      fileName: file.fileName,
      sizeBytes: file.bytes.length,
      mediaType: file.mediaType,
      note,
      addedBy: actor,
      regionCode: kase.regionCode,
    });
    await tem.flush();
    return {
      note,
      details: { evidenceId: evidence.id, kind: CaseEvidenceKind.FILE, fileName: file.fileName, sha256: blob.sha256, sizeBytes: file.bytes.length, mediaType: file.mediaType },
      keepDeadline: true,
    };
  });
}

/** 告知: issues the prior notice of the intended penalty; 7 calendar days for the party's statement. */
export function issuePriorNotice(em: EntityManager, id: string | number, note?: string | null): Promise<Case> {
  return caseStep(em, id, 'issuePriorNotice', CaseAction.PRIOR_NOTICE_ISSUED, async () => ({ note: optionalText(note, 'note') }));
}

export interface DecidePenaltyInput {
  /** yuan, ≥ 0, at most two decimals */
  fineAmount: string | number;
  legalBasis: LegalProvision[];
  confiscation?: string | null;
  decision?: string | null;
  facts?: string | null;
}

/** Decides the penalty of a notified case (处罚决定): fine, legal basis, confiscation; 15 days to execute. */
export function decidePenalty(em: EntityManager, id: string | number, input: DecidePenaltyInput): Promise<Case> {
  return caseStep(em, id, 'decidePenalty', CaseAction.PENALTY_DECIDED, async (_tem, kase) => {
    const fine = String(input.fineAmount ?? '').trim();
    if (!/^\d{1,12}(\.\d{1,2})?$/.test(fine)) throw new UserInputError('fineAmount: a non-negative amount in yuan with at most two decimals', 'fineAmount');
    const basis = (input.legalBasis ?? []).map((b) => ({ law: b.law?.trim() ?? '', article: b.article?.trim() ?? '' }));
    if (basis.length === 0) throw new UserInputError('legalBasis: give at least one provision (law and article)', 'legalBasis');
    if (basis.length > 20 || basis.some((b) => !b.law || !b.article || b.law.length > 200 || b.article.length > 200)) {
      throw new UserInputError('legalBasis: each provision needs a law and an article (at most 200 characters each, 20 provisions)', 'legalBasis');
    }
    kase.fineAmount = Number(fine).toFixed(2);
    kase.legalBasis = basis;
    kase.confiscation = optionalText(input.confiscation, 'confiscation');
    kase.decision = optionalText(input.decision, 'decision', 20_000);
    if (input.facts?.trim()) kase.facts = requireText(input.facts, 'facts', 20_000);
    return { note: kase.decision, details: { fineAmount: kase.fineAmount, legalBasis: basis, confiscation: kase.confiscation } };
  });
}

/** Records the execution of a decided penalty (e.g. the fine paid). */
export function recordExecution(em: EntityManager, id: string | number, note: string): Promise<Case> {
  return caseStep(em, id, 'recordExecution', CaseAction.EXECUTION_RECORDED, async () => ({ note: requireText(note, 'note', 10_000) }));
}

/** 结案: closes an executed case. */
export function closeCase(em: EntityManager, id: string | number, note?: string | null): Promise<Case> {
  return caseStep(em, id, 'closeCase', CaseAction.CLOSED, async () => ({ note: optionalText(note, 'note') }));
}
