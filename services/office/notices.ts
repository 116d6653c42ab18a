/**
 * Notices (通知) and messages (邮件). A unit's reviewer (leader, admin) sends a notice to chosen units below
 * it or to whole subtrees, optionally asking for a reply by a day; any staff member writes a message to the
 * unit's parent or one of its children (along the tree). Each recipient unit gets a NoticeRecipient row in
 * its own region — that row is how the recipient sees the notice, whose own row lies in the sender's
 * region. Read receipts are kept per user (NoticeRead) and per unit (firstReadAt), replies with
 * attachments per unit (NoticeReply).
 *
 * Two sides may read a notice:
 * - the sender side: the sender unit and the units above it — exactly those who see the Notice row
 *   through the access rule;
 * - the recipient side: users of a recipient unit — they see their recipient row, and the Notice row is
 *   read for them by a named system read scoped to the notices of those rows.
 * The sender side sees every recipient's receipts and replies, even of a message sent UP to its parent,
 * whose rows lie outside the sender's region: those rows are read by a named system read scoped to the
 * notices the caller was first shown to be on the sender side of.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AccessDeniedError,
  currentActor,
  inJurisdiction,
  jurisdictionSql,
  Notice,
  NoticeKind,
  NoticeRead,
  NoticeRecipient,
  NoticeReply,
  type StoredFile,
  Unit,
  unitRegion,
} from '../../entities';
import { now } from '../../kernel/clock';
import type { Connection } from '../../schema/connection';
import { chinaDay, checkDay, endOfChinaDay } from '../calendar/working-days';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type Page, paginate } from '../pagination';
import { runAsSystem } from '../system-actor';
import { requireText } from '../input';
import { type AttachmentInput, inspectAttachments, type OfficeFileOptions, ownUnit, storeAttachments } from './info-reports';

const TITLE_MAX = 200;
const BODY_MAX = 50_000;

export interface SendNoticeInput {
  title: string;
  body: string;
  attachments?: AttachmentInput[] | null;
  replyRequired?: boolean | null;
  /** required with replyRequired: a future day (YYYY-MM-DD) */
  replyDueOn?: string | null;
  /** chosen units below the sender unit */
  unitIds?: (string | number)[] | null;
  /** units below the sender whose whole subtree (the unit and every unit under it) receives the notice */
  subtreeOf?: (string | number)[] | null;
}

export interface SendMessageInput {
  toUnitId: string | number;
  title: string;
  body: string;
  attachments?: AttachmentInput[] | null;
}

function idsOf(values: (string | number)[] | null | undefined, field: string): number[] {
  return (values ?? []).map((v) => {
    const id = Number(v);
    if (!Number.isInteger(id) || id <= 0) throw new UserInputError(`${field}: "${v}" is not an id`, field);
    return id;
  });
}

/** Units strictly below `sender` with the given ids, or a UserInputError naming the first that is not. */
async function unitsBelow(em: EntityManager, sender: Unit, ids: number[], field: string): Promise<Unit[]> {
  if (ids.length === 0) return [];
  const units = await em.find(Unit, { id: { $in: ids } });
  for (const id of ids) {
    const unit = units.find((u) => u.id === id);
    // absent and outside look the same: the message names the id, never another unit's details
    if (!unit || unit.id === sender.id || !unit.path.startsWith(sender.path)) {
      throw new UserInputError(`${field}: unit ${id} is not a unit below ${sender.name}; a notice goes to units below the sender`, field);
    }
  }
  return units;
}

/** Sends a notice (通知) from the caller's unit to chosen units below it and/or whole subtrees below it. */
export function sendNotice(em: EntityManager, input: SendNoticeInput, files: OfficeFileOptions): Promise<Notice> {
  return runCommand(em, 'sendNotice', async (tem) => {
    const title = requireText(input.title, 'title', TITLE_MAX);
    const body = requireText(input.body, 'body', BODY_MAX);
    const replyRequired = input.replyRequired === true;
    let replyDueOn: string | null = null;
    if (replyRequired) {
      if (!input.replyDueOn) throw new UserInputError('replyDueOn: give the day replies are due (a reply is required)', 'replyDueOn');
      replyDueOn = checkDay(input.replyDueOn, 'replyDueOn');
      const today = chinaDay(now());
      if (replyDueOn <= today) throw new UserInputError(`replyDueOn: ${replyDueOn} must lie in the future (today is ${today})`, 'replyDueOn');
    } else if (input.replyDueOn) {
      throw new UserInputError('replyDueOn: only with replyRequired', 'replyDueOn');
    }
    const sender = await ownUnit(tem);
    const chosen = await unitsBelow(tem, sender, idsOf(input.unitIds, 'unitIds'), 'unitIds');
    const roots = await unitsBelow(tem, sender, idsOf(input.subtreeOf, 'subtreeOf'), 'subtreeOf');
    const recipients = new Map(chosen.map((u) => [u.id, u]));
    for (const root of roots) {
      const subtree = await tem.find(Unit, { path: { $like: `${likeEscape(root.path)}%` } });
      for (const unit of subtree) recipients.set(unit.id, unit);
    }
    recipients.delete(sender.id);
    if (recipients.size === 0) throw new UserInputError('unitIds: choose at least one unit below yours (unitIds or subtreeOf)', 'unitIds');
    const inspected = inspectAttachments(input.attachments, files);
    const attachments = await storeAttachments(inspected, files);
    const notice = tem.create(Notice, {
      kind: NoticeKind.NOTICE,
      senderUnit: sender,
      regionCode: unitRegion(sender),
      title,
      body,
      attachments,
      replyRequired,
      replyDueOn,
      createdBy: currentActor().name.slice(0, 100),
    });
    for (const unit of [...recipients.values()].sort((a, b) => a.path.localeCompare(b.path))) {
      tem.create(NoticeRecipient, { notice, unit, regionCode: unitRegion(unit) });
    }
    return notice;
  });
}

/** Writes a message (邮件) from the caller's unit to its parent or one of its children. */
export function sendMessage(em: EntityManager, input: SendMessageInput, files: OfficeFileOptions): Promise<Notice> {
  return runCommand(em, 'sendMessage', async (tem) => {
    const title = requireText(input.title, 'title', TITLE_MAX);
    const body = requireText(input.body, 'body', BODY_MAX);
    const [toId] = idsOf([input.toUnitId], 'toUnitId');
    const sender = await ownUnit(tem);
    const to = await tem.findOne(Unit, { id: toId });
    const neighbour = to != null && (to.id === sender.parent?.id || to.parent?.id === sender.id);
    if (!to || !neighbour) {
      throw new UserInputError(`toUnitId: unit ${toId} is not next to ${sender.name} in the tree; messages go to your unit's parent or one of its child units`, 'toUnitId');
    }
    const inspected = inspectAttachments(input.attachments, files);
    const attachments = await storeAttachments(inspected, files);
    const notice = tem.create(Notice, {
      kind: NoticeKind.MESSAGE,
      senderUnit: sender,
      regionCode: unitRegion(sender),
      title,
      body,
      attachments,
      createdBy: currentActor().name.slice(0, 100),
    });
    await tem.flush();
    if (inJurisdiction(unitRegion(to))) {
      tem.create(NoticeRecipient, { notice, unit: to, regionCode: unitRegion(to) });
    } else {
      // A message UP to the parent: the recipient row carries the parent's region (that is how the parent
      // sees it), which lies outside the sender's jurisdiction. The sender's right to write it was checked
      // above (the parent of its own unit); this one row is written by a named system write.
      await runAsSystem('sendMessage: the recipient row of a message to the parent unit', async () => {
        tem.create(NoticeRecipient, { notice, unit: to, regionCode: unitRegion(to) });
        await tem.flush();
      });
    }
    return notice;
  });
}

/** The caller's unit's recipient row of notice `id` (locked), else NOT_FOUND / FORBIDDEN for the sender side. */
async function ownRecipientRow(em: EntityManager, id: string | number, lock: boolean): Promise<{ recipient: NoticeRecipient; unit: Unit }> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new NotFoundError('notice', id);
  const unit = await ownUnit(em);
  const recipient = await em.findOne(NoticeRecipient, { notice: n, unit: unit.id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!recipient) {
    if (await em.findOne(Notice, { id: n })) throw new AccessDeniedError(`notice ${n} was not sent to ${unit.name}: only its recipient units read and answer it`);
    throw new NotFoundError('notice', id);
  }
  return { recipient, unit };
}

/**
 * Records that the calling user read the notice: one receipt per user (a second call changes nothing),
 * and the recipient unit's firstReadAt, set once. Only users of a recipient unit.
 */
export function markNoticeRead(em: EntityManager, id: string | number): Promise<Notice> {
  return runCommand(em, 'markNoticeRead', async (tem) => {
    const actor = currentActor();
    if (actor.kind !== 'user' || actor.id == null) throw new AccessDeniedError('read receipts are recorded for staff users, not for API keys or jobs');
    const { recipient, unit } = await ownRecipientRow(tem, id, true);
    await recordRead(tem, recipient, unit);
    return (await noticesOfRecipients(tem, [recipient]))[0];
  });
}

async function recordRead(em: EntityManager, recipient: NoticeRecipient, unit: Unit): Promise<void> {
  const actor = currentActor();
  if (actor.kind !== 'user' || actor.id == null) return;
  const existing = await em.findOne(NoticeRead, { notice: recipient.notice.id, userId: actor.id });
  if (existing) return;
  const at = now();
  em.create(NoticeRead, { notice: recipient.notice.id, unit, userId: actor.id, userName: actor.name.slice(0, 100), regionCode: unitRegion(unit), readAt: at });
  recipient.firstReadAt ??= at;
}

/**
 * A recipient unit's reply (with attachments). More than one reply is allowed; repliedAt keeps the first.
 * Replying also records the replying user's read receipt (one cannot answer what one has not opened).
 */
export function replyToNotice(em: EntityManager, id: string | number, body: string, attachments: AttachmentInput[] | null | undefined, files: OfficeFileOptions): Promise<NoticeReply> {
  return runCommand(em, 'replyToNotice', async (tem) => {
    const text = requireText(body, 'body', BODY_MAX);
    const { recipient, unit } = await ownRecipientRow(tem, id, true);
    const inspected = inspectAttachments(attachments, files);
    const stored = await storeAttachments(inspected, files);
    const at = now();
    const reply = tem.create(NoticeReply, {
      notice: recipient.notice.id,
      unit,
      body: text,
      attachments: stored,
      regionCode: unitRegion(unit),
      createdBy: currentActor().name.slice(0, 100),
      createdAt: at,
    });
    await recordRead(tem, recipient, unit);
    recipient.repliedAt ??= at;
    return reply;
  });
}

// ---------------------------------------------------------------------------------------------------
// queries

/**
 * The notices of recipient rows the caller can see (rows of its own unit). The Notice rows lie in the
 * sender's region, outside a recipient's jurisdiction: they are read by a named system read scoped to
 * exactly those notices, in a fork so nothing leaks into the request's identity map.
 */
export async function noticesOfRecipients(em: EntityManager, recipients: readonly NoticeRecipient[]): Promise<Notice[]> {
  const ids = [...new Set(recipients.map((r) => r.notice.id))];
  if (ids.length === 0) return [];
  const found = await runAsSystem('notice: notices addressed to the caller\'s unit', () => em.fork({ keepTransactionContext: true }).find(Notice, { id: { $in: ids } }));
  const byId = new Map(found.map((n) => [n.id, n]));
  return recipients.map((r) => byId.get(r.notice.id)!).filter(Boolean);
}

/** A notice for a sender-side or recipient-side caller, else NOT_FOUND. */
export async function getNotice(em: EntityManager, id: string | number): Promise<Notice> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new NotFoundError('notice', id);
  const sent = await em.findOne(Notice, { id: n });
  if (sent) return sent;
  const unitId = currentActor().unitId;
  const recipient = unitId != null ? await em.findOne(NoticeRecipient, { notice: n, unit: unitId }) : null;
  if (!recipient) throw new NotFoundError('notice', id);
  return (await noticesOfRecipients(em, [recipient]))[0];
}

export interface NoticeInboxFilter {
  /** true: not yet read by the calling user; false: read by them */
  unread?: boolean | null;
  /** true: a reply is required and the caller's unit has not replied; false: the others */
  replyPending?: boolean | null;
}

/** Notices and messages addressed to the caller's own unit, newest first. */
export async function noticeInbox(em: EntityManager, filter: NoticeInboxFilter, page: Page): Promise<Connection<Notice>> {
  const actor = currentActor();
  const unit = await ownUnit(em);
  let where: Record<string, unknown> = { unit: unit.id };
  if (filter.unread != null || filter.replyPending != null) {
    // the caller's unit's inbox only: its recipient rows (in its own region), joined to their notices
    const scope = jurisdictionSql('r.region_code');
    const conditions: string[] = [];
    const params: unknown[] = [unit.id, ...scope.params];
    if (filter.unread != null) {
      conditions.push(`${filter.unread ? 'not ' : ''}exists (select 1 from notice_read x where x.notice_id = r.notice_id and x.user_id = ?)`);
      params.push(actor.id ?? -1);
    }
    if (filter.replyPending != null) conditions.push(`${filter.replyPending ? '' : 'not '}(n.reply_required and r.replied_at is null)`);
    const rows = await em.execute<{ id: number }[]>(
      `select r.id from notice_recipient r join notice n on n.id = r.notice_id where r.unit_id = ? and ${scope.sql} and ${conditions.join(' and ')}`,
      params,
    );
    where = { ...where, id: { $in: rows.map((r) => Number(r.id)) } };
  }
  const recipients = await paginate(em, NoticeRecipient, where, { id: 'desc' }, page);
  const notices = await noticesOfRecipients(em, recipients.nodes);
  const byId = new Map(notices.map((n) => [n.id, n]));
  const edges = recipients.edges.map((e) => ({ cursor: e.cursor, node: byId.get(e.node.notice.id)! }));
  return { ...recipients, edges, nodes: edges.map((e) => e.node) };
}

/** Notices and messages sent by the caller's unit or the units below it, newest first. */
export function noticesSent(em: EntityManager, kind: NoticeKind | null | undefined, page: Page): Promise<Connection<Notice>> {
  return paginate(em, Notice, kind ? { kind } : {}, { sentAt: 'desc' }, page);
}

/** What the calling user's unit knows of a notice: whether it is a recipient, read (by the user, by the unit), replied. */
export interface NoticeCallerState {
  recipient: boolean;
  read: boolean;
  unitRead: boolean;
  replied: boolean;
}

/** The caller's state of each notice, batched (for the loader). */
export async function callerStateOfNotices(em: EntityManager, ids: readonly number[]): Promise<NoticeCallerState[]> {
  const actor = currentActor();
  if (actor.unitId == null) return ids.map(() => ({ recipient: false, read: false, unitRead: false, replied: false }));
  const [recipients, reads] = await Promise.all([
    em.find(NoticeRecipient, { notice: { $in: [...ids] }, unit: actor.unitId }),
    actor.kind === 'user' && actor.id != null ? em.find(NoticeRead, { notice: { $in: [...ids] }, userId: actor.id }) : Promise.resolve([] as NoticeRead[]),
  ]);
  return ids.map((id) => {
    const r = recipients.find((x) => x.notice.id === id);
    return { recipient: r != null, read: reads.some((x) => x.notice.id === id), unitRead: r?.firstReadAt != null, replied: r?.repliedAt != null };
  });
}

/** One recipient unit of a notice as the sender side sees it. */
export interface NoticeRecipientView {
  unit: Unit;
  firstReadAt: Date | null;
  repliedAt: Date | null;
  /** a reply was required and did not come by the end of the due day */
  replyOverdue: boolean;
  readers: NoticeRead[];
  replies: NoticeReply[];
}

/** The sender side's view of a notice: every recipient with receipts and replies, and the rates. */
export interface NoticeSenderView {
  recipients: NoticeRecipientView[];
  recipientCount: number;
  readCount: number;
  repliedCount: number;
  overdueReplies: number;
}

function replyOverdue(notice: Notice, repliedAt: Date | null, at: Date): boolean {
  if (!notice.replyRequired || !notice.replyDueOn) return false;
  return (repliedAt ?? at) > endOfChinaDay(notice.replyDueOn);
}

/**
 * The sender side's view of each notice, batched (for the loader); null for a notice the caller is not on
 * the sender side of. The check comes first — the notice row is visible through the access rule — and
 * only then are that notice's recipient rows, receipts and replies read by a named system read (a message
 * sent up to the parent has them in the parent's region, outside the sender's).
 */
export async function senderViewOfNotices(em: EntityManager, ids: readonly number[]): Promise<(NoticeSenderView | null)[]> {
  const visible = await em.find(Notice, { id: { $in: [...ids] } });
  const senderSide = visible.filter((n) => inJurisdiction(n.regionCode)).map((n) => n.id);
  if (senderSide.length === 0) return ids.map(() => null);
  const { recipients, reads, replies, units } = await runAsSystem('notice: receipts and replies for the sender side', async () => {
    const fork = em.fork({ keepTransactionContext: true });
    const [recipients, reads, replies] = await Promise.all([
      fork.find(NoticeRecipient, { notice: { $in: senderSide } }, { orderBy: { id: 'asc' } }),
      fork.find(NoticeRead, { notice: { $in: senderSide } }, { orderBy: { readAt: 'asc', id: 'asc' } }),
      fork.find(NoticeReply, { notice: { $in: senderSide } }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
    ]);
    const units = await fork.find(Unit, { id: { $in: [...new Set(recipients.map((r) => r.unit.id))] } });
    return { recipients, reads, replies, units };
  });
  const unitById = new Map(units.map((u) => [u.id, u]));
  const at = now();
  return ids.map((id) => {
    const notice = visible.find((n) => n.id === id);
    if (!notice || !senderSide.includes(id)) return null;
    const views = recipients
      .filter((r) => r.notice.id === id)
      .map((r) => ({
        unit: unitById.get(r.unit.id)!,
        firstReadAt: r.firstReadAt,
        repliedAt: r.repliedAt,
        replyOverdue: replyOverdue(notice, r.repliedAt, at),
        readers: reads.filter((x) => x.notice.id === id && x.unit.id === r.unit.id),
        replies: replies.filter((x) => x.notice.id === id && x.unit.id === r.unit.id),
      }))
      .sort((a, b) => a.unit.path.localeCompare(b.unit.path));
    return {
      recipients: views,
      recipientCount: views.length,
      readCount: views.filter((v) => v.firstReadAt != null).length,
      repliedCount: views.filter((v) => v.repliedAt != null).length,
      overdueReplies: views.filter((v) => v.replyOverdue).length,
    };
  });
}



/**
 * The stored file `sha256` if an information report version, a notice or a reply the actor may read
 * names it (for GET /files/<sha256>), else null. The same rule as the queries, in SQL: a report version
 * in the actor's jurisdiction; a notice on its sender side (its row in the jurisdiction) or addressed to
 * the actor's own unit (that unit's recipient row); a reply in the jurisdiction (the replying unit and
 * above) or to a notice on the actor's sender side.
 */
export async function readableOfficeReportFile(em: EntityManager, sha256: string): Promise<StoredFile | null> {
  const containing = JSON.stringify([{ sha256 }]);
  const pick = (rows: { attachments: StoredFile[] }[]) => rows.flatMap((r) => r.attachments).find((f) => f.sha256 === sha256) ?? null;
  const version = jurisdictionSql('v.region_code');
  const fromVersion = pick(await em.execute<{ attachments: StoredFile[] }[]>(
    `select v.attachments from info_report_version v where v.attachments @> ?::jsonb and ${version.sql} order by v.id limit 1`,
    [containing, ...version.params],
  ));
  if (fromVersion) return fromVersion;
  const sender = jurisdictionSql('n.region_code');
  const recipient = jurisdictionSql('r.region_code');
  const unitId = currentActor().unitId ?? -1;
  const fromNotice = pick(await em.execute<{ attachments: StoredFile[] }[]>(
    `select n.attachments from notice n where n.attachments @> ?::jsonb
       and (${sender.sql} or exists (select 1 from notice_recipient r where r.notice_id = n.id and r.unit_id = ? and ${recipient.sql}))
     order by n.id limit 1`,
    [containing, ...sender.params, unitId, ...recipient.params],
  ));
  if (fromNotice) return fromNotice;
  const reply = jurisdictionSql('rp.region_code');
  return pick(await em.execute<{ attachments: StoredFile[] }[]>(
    `select rp.attachments from notice_reply rp join notice n on n.id = rp.notice_id
     where rp.attachments @> ?::jsonb and (${reply.sql} or ${sender.sql}) order by rp.id limit 1`,
    [containing, ...reply.params, ...sender.params],
  ));
}
