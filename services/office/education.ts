/**
 * Training, publicity and consumer education (学习宣传): training sessions a unit held (form, topic, day,
 * hours, participants from the unit and the units below it), publicity activities (kind, audience, reach),
 * and consumer warnings (消费警示: drafted, published — then public, see server/http/public-warnings.ts —
 * and withdrawn with a reason). Every record belongs to the caller's unit and carries its region, so the
 * unit and the units above it see it.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ref } from '@mikro-orm/core';
import {
  ConsumerWarning,
  ConsumerWarningStatus,
  currentActor,
  PublicityActivity,
  PublicityKind,
  TrainingForm,
  TrainingSession,
  Unit,
  unitRegion,
} from '../../entities';
import { now } from '../../kernel/clock';
import type { Connection } from '../../schema/connection';
import { chinaDay, checkDay } from '../calendar/working-days';
import { visibleUnit } from '../clues/clue.queries';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type Page, paginate } from '../pagination';
import { idOf, requireText } from '../input';
import { callerUnit, given } from './logins';

/** A day that has already come (today or before), else a UserInputError naming `field`. */
function pastDay(value: string, field: string): string {
  const day = checkDay(String(value ?? ''), field);
  if (day > chinaDay()) throw new UserInputError(`${field}: ${day} lies in the future`, field);
  return day;
}

function checkEnum<T extends string>(value: T, values: Record<string, T>, field: string): T {
  if (!(Object.values(values) as string[]).includes(value)) throw new UserInputError(`${field}: one of ${Object.values(values).join(', ')}`, field);
  return value;
}

/** Filter on the unit (or below it) and a period of days, shared by the lists. */
async function unitAndPeriod(em: EntityManager, filter: { unitId?: string | number | null; from?: string | null; to?: string | null }, dayField: string): Promise<Record<string, unknown>[]> {
  const and: Record<string, unknown>[] = [];
  if (given(filter.unitId)) {
    const unit = await visibleUnit(em, filter.unitId!);
    and.push({ unit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  const from = given(filter.from) ? checkDay(filter.from!, 'from') : null;
  const to = given(filter.to) ? checkDay(filter.to!, 'to') : null;
  if (from && to && to < from) throw new UserInputError(`to: ${to} lies before from ${from}`, 'to');
  if (from) and.push({ [dayField]: { $gte: from } });
  if (to) and.push({ [dayField]: { $lte: to } });
  return and;
}

const whereOf = <T>(and: unknown[]): FilterQuery<T> => (and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and }) as FilterQuery<T>;

// ---------------------------------------------------------------------------------------------------------
// training sessions

export const MAX_PARTICIPANT_UNITS = 500;

export interface RecordTrainingSessionInput {
  form: TrainingForm;
  topic: string;
  heldOn: string;
  /** 0.5 to 24, at most one decimal */
  hours: number;
  participants: { unitId: string | number; count: number }[];
}

/**
 * Records a training session held by the caller's unit. Participants come from the organiser itself or
 * units below it (each unit once, count ≥ 1); the day must have come; hours 0.5–24 in tenths.
 */
export function recordTrainingSession(em: EntityManager, input: RecordTrainingSessionInput): Promise<TrainingSession> {
  return runCommand(em, 'recordTrainingSession', async (tem) => {
    const unit = await callerUnit(tem, 'training sessions');
    const form = checkEnum(input.form, TrainingForm, 'form');
    const topic = requireText(input.topic, 'topic', 200);
    const heldOn = pastDay(input.heldOn, 'heldOn');
    const hours = Number(input.hours);
    if (!Number.isFinite(hours) || hours < 0.5 || hours > 24 || Math.abs(hours * 10 - Math.round(hours * 10)) > 1e-9) {
      throw new UserInputError(`hours: between 0.5 and 24, in tenths of an hour (got ${input.hours})`, 'hours');
    }
    const list = input.participants ?? [];
    if (list.length === 0) throw new UserInputError('participants: name at least one unit whose staff took part', 'participants');
    if (list.length > MAX_PARTICIPANT_UNITS) throw new UserInputError(`participants: at most ${MAX_PARTICIPANT_UNITS} units`, 'participants');
    const ids = list.map((p, i) => {
      const n = Number(p.unitId);
      if (!Number.isInteger(n) || n <= 0) throw new UserInputError(`participants[${i}].unitId: not an id`, 'participants');
      if (!Number.isInteger(p.count) || p.count < 1 || p.count > 100_000) throw new UserInputError(`participants[${i}].count: a whole number from 1 to 100000`, 'participants');
      return n;
    });
    if (new Set(ids).size !== ids.length) throw new UserInputError('participants: each unit once', 'participants');
    const units = await tem.find(Unit, { id: { $in: ids } });
    const byId = new Map(units.map((u) => [u.id, u]));
    ids.forEach((id, i) => {
      const u = byId.get(id);
      if (!u || !u.path.startsWith(unit.path)) throw new UserInputError(`participants[${i}].unitId: ${id} is neither your unit nor a unit below it`, 'participants');
    });
    const participants = list.map((p, i) => ({ unitId: ids[i], count: p.count }));
    const session = tem.create(TrainingSession, {
      unit: ref(unit),
      regionCode: unitRegion(unit),
      form,
      topic,
      heldOn,
      hours: hours.toFixed(1),
      participants,
      participantCount: participants.reduce((sum, p) => sum + p.count, 0),
      createdBy: currentActor().name.slice(0, 100),
    });
    await tem.flush();
    return session;
  });
}

export interface TrainingSessionFilter {
  /** held by this unit or a unit below it */
  unitId?: string | number | null;
  from?: string | null;
  to?: string | null;
  forms?: TrainingForm[] | null;
}

/** A page of training sessions in the caller's jurisdiction, latest first. */
export async function listTrainingSessions(em: EntityManager, filter: TrainingSessionFilter, page: Page): Promise<Connection<TrainingSession>> {
  const and: unknown[] = await unitAndPeriod(em, filter, 'heldOn');
  if (filter.forms?.length) and.push({ form: { $in: filter.forms } });
  return paginate(em, TrainingSession, whereOf<TrainingSession>(and), { heldOn: 'desc' }, page);
}

// ---------------------------------------------------------------------------------------------------------
// publicity activities

export interface RecordPublicityActivityInput {
  kind: PublicityKind;
  title: string;
  audience: string;
  reach: number;
  heldOn: string;
}

/** Records a publicity activity of the caller's unit: the day must have come; reach a whole number ≥ 0. */
export function recordPublicityActivity(em: EntityManager, input: RecordPublicityActivityInput): Promise<PublicityActivity> {
  return runCommand(em, 'recordPublicityActivity', async (tem) => {
    const unit = await callerUnit(tem, 'publicity activities');
    const kind = checkEnum(input.kind, PublicityKind, 'kind');
    const title = requireText(input.title, 'title', 200);
    const audience = requireText(input.audience, 'audience', 200);
    if (!Number.isInteger(input.reach) || input.reach < 0 || input.reach > 100_000_000) throw new UserInputError('reach: a whole number from 0 to 100000000', 'reach');
    const heldOn = pastDay(input.heldOn, 'heldOn');
    const activity = tem.create(PublicityActivity, {
      unit: ref(unit),
      regionCode: unitRegion(unit),
      kind,
      title,
      audience,
      reach: input.reach,
      heldOn,
      createdBy: currentActor().name.slice(0, 100),
    });
    await tem.flush();
    return activity;
  });
}

export interface PublicityActivityFilter {
  unitId?: string | number | null;
  from?: string | null;
  to?: string | null;
  kinds?: PublicityKind[] | null;
}

/** A page of publicity activities in the caller's jurisdiction, latest first. */
export async function listPublicityActivities(em: EntityManager, filter: PublicityActivityFilter, page: Page): Promise<Connection<PublicityActivity>> {
  const and: unknown[] = await unitAndPeriod(em, filter, 'heldOn');
  if (filter.kinds?.length) and.push({ kind: { $in: filter.kinds } });
  return paginate(em, PublicityActivity, whereOf<PublicityActivity>(and), { heldOn: 'desc' }, page);
}

// ---------------------------------------------------------------------------------------------------------
// consumer warnings

export interface DraftConsumerWarningInput {
  title: string;
  text: string;
  category: string;
}

/** Drafts a consumer warning of the caller's unit (not public until published). */
export function draftConsumerWarning(em: EntityManager, input: DraftConsumerWarningInput): Promise<ConsumerWarning> {
  return runCommand(em, 'draftConsumerWarning', async (tem) => {
    const unit = await callerUnit(tem, 'consumer warnings');
    const warning = tem.create(ConsumerWarning, {
      unit: ref(unit),
      regionCode: unitRegion(unit),
      title: requireText(input.title, 'title', 200),
      text: requireText(input.text, 'text', 20_000),
      category: requireText(input.category, 'category', 100),
      createdBy: currentActor().name.slice(0, 100),
    });
    await tem.flush();
    return warning;
  });
}

/** A consumer warning in the caller's jurisdiction (its unit's or one below), else NOT_FOUND. */
export async function getConsumerWarning(em: EntityManager, id: string | number): Promise<ConsumerWarning> {
  const n = Number(id);
  const warning = Number.isInteger(n) && n > 0 ? await em.findOne(ConsumerWarning, { id: n }) : null;
  if (!warning) throw new NotFoundError('consumer warning', id);
  return warning;
}

/**
 * The moves of a warning: draft → published (public from then on) → withdrawn (off the public feed, with
 * a reason). Nothing else: a withdrawn warning is not published again (draft a new one).
 */
const WARNING_MOVES: Readonly<Record<'publish' | 'withdraw', { from: ConsumerWarningStatus; to: ConsumerWarningStatus }>> = {
  publish: { from: ConsumerWarningStatus.DRAFT, to: ConsumerWarningStatus.PUBLISHED },
  withdraw: { from: ConsumerWarningStatus.PUBLISHED, to: ConsumerWarningStatus.WITHDRAWN },
};

function move(warning: ConsumerWarning, action: keyof typeof WARNING_MOVES): void {
  const { from, to } = WARNING_MOVES[action];
  if (warning.status !== from) throw new UserInputError(`id: warning ${warning.id} is ${warning.status}; only a ${from} warning can be ${to}`, 'id');
  warning.status = to;
}

/** Publishes a draft warning (by a reviewer of its unit or a unit above it): public from today. */
export function publishConsumerWarning(em: EntityManager, id: string | number): Promise<ConsumerWarning> {
  return runCommand(em, 'publishConsumerWarning', async (tem) => {
    const warning = await getConsumerWarning(tem, id);
    move(warning, 'publish');
    const at = now();
    warning.publishedAt = at;
    warning.publishedOn = chinaDay(at);
    await tem.flush();
    return warning;
  });
}

/** Withdraws a published warning with a reason: it leaves the public feed; when and why are kept. */
export function withdrawConsumerWarning(em: EntityManager, id: string | number, reason: string): Promise<ConsumerWarning> {
  return runCommand(em, 'withdrawConsumerWarning', async (tem) => {
    const warning = await getConsumerWarning(tem, id);
    const text = requireText(reason, 'reason', 1000);
    move(warning, 'withdraw');
    warning.withdrawnAt = now();
    warning.withdrawalReason = text;
    await tem.flush();
    return warning;
  });
}

export interface ConsumerWarningFilter {
  statuses?: ConsumerWarningStatus[] | null;
  /** issued by this unit or a unit below it */
  unitId?: string | number | null;
  category?: string | null;
}

/** A page of consumer warnings in the caller's jurisdiction, newest first. */
export async function listConsumerWarnings(em: EntityManager, filter: ConsumerWarningFilter, page: Page): Promise<Connection<ConsumerWarning>> {
  const and: unknown[] = await unitAndPeriod(em, { unitId: filter.unitId }, 'publishedOn');
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  if (given(filter.category)) and.push({ category: filter.category!.trim() });
  return paginate(em, ConsumerWarning, whereOf<ConsumerWarning>(and), { createdAt: 'desc' }, page);
}

// ---------------------------------------------------------------------------------------------------------
// the public feed (no login)

/** A published warning as the public sees it: these keys and nothing else. */
export interface PublicWarning {
  id: number;
  title: string;
  text: string;
  category: string;
  publishedOn: string;
  /** the issuing unit's name */
  issuer: string;
}

export const PUBLIC_FEED_LIMIT = 200;

/**
 * Published warnings, newest first (optionally of one category, or one id), as the allow-list
 * PublicWarning. The caller runs this as a named system actor: the public reads published rows only.
 */
export async function publishedWarnings(em: EntityManager, options: { category?: string | null; id?: number | null } = {}): Promise<PublicWarning[]> {
  const where = [`w.status = 'published'`];
  const params: unknown[] = [];
  if (given(options.category)) {
    where.push('w.category = ?');
    params.push(String(options.category).trim().slice(0, 100));
  }
  if (options.id != null) {
    where.push('w.id = ?');
    params.push(idOf(options.id, 'id'));
  }
  const rows = await em.execute<{ id: number; title: string; text: string; category: string; published_on: string; issuer: string }[]>(
    `select w.id, w.title, w.text, w.category, to_char(w.published_on, 'YYYY-MM-DD') as published_on, u.name as issuer
     from consumer_warning w join unit u on u.id = w.unit_id
     where ${where.join(' and ')}
     order by w.published_at desc, w.id desc limit ${PUBLIC_FEED_LIMIT}`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), title: r.title, text: r.text, category: r.category, publishedOn: r.published_on, issuer: r.issuer }));
}
