/**
 * The complaint commands (投诉举报): intake (staff, another system through an API key, the public form),
 * accept or reject within 7 working days, mediate, resolve with a result, close with the consumer's
 * feedback, raise a clue once, reassign. Each is one transaction under the caller (jurisdiction-checked
 * and audited), asks the transition table whether the step is legal, and records who, when and why as a
 * ComplaintEvent. Steps are taken only by users of the handling unit or of a unit above it.
 */
import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { storeUploads } from '../files/uploads';
import {
  AccessDeniedError,
  ClueSource,
  Complaint,
  ComplaintAction,
  ComplaintChannel,
  ComplaintEvent,
  ComplaintFeedback,
  ComplaintKind,
  ComplaintResult,
  ComplaintStatus,
  currentActor,
  inJurisdiction,
  RegionLevel,
  Shop,
  ShopClassification,
  Unit,
} from '../../entities';
import { addWorkingDays, checkDay, chinaDay } from '../calendar/working-days';
import { inspectCaseFile } from '../cases/case-files';
import { createClue } from '../clues/clue.commands';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { regionCatalog } from '../registry/region-catalog';
import { domainOf, responsibleUnitFor } from '../registry/registry-rules';
import { createShop } from '../registry/shop.commands';
import { getShop } from '../registry/shop.queries';
import { runAsSystem } from '../system-actor';
import { type ComplaintStep, nextStatus } from './complaint-flow';
import { now } from '../../kernel/clock';
import { optionalText, requireText } from '../input';

/** Working days to decide on acceptance after receipt (《市场监督管理投诉举报处理暂行办法》第十五条). */
export const ACCEPTANCE_WORKING_DAYS = 7;
/** Working days to end mediation after acceptance (同办法第三十三条). */
export const RESOLUTION_WORKING_DAYS = 45;
/** Attachments a staff or API intake may carry. */
export const MAX_ATTACHMENTS = 10;

// ————————————————————————————————————————— intake input and its checks —————————————————————————————————————————

export interface ComplainantInput {
  name: string;
  phone?: string | null;
  email?: string | null;
}

export interface OrderInput {
  orderNumber?: string | null;
  /** YYYY-MM-DD, not in the future */
  orderDate?: string | null;
  productName?: string | null;
  /** yuan, ≥ 0, at most two decimals */
  amountPaid?: string | number | null;
}

export interface AttachmentInput {
  fileName: string;
  contentBase64: string;
}

export interface ComplaintIntakeInput {
  kind: ComplaintKind;
  complainant: ComplainantInput;
  /** a shop in the register (staff and API only) … */
  shopId?: string | number | null;
  /** … or its address as the complainant gave it, matched to the register */
  shopUrl?: string | null;
  /** the shop's name as the complainant gave it (needed when the address matches no shop) */
  shopName?: string | null;
  /** county or town of the business (needed when the address matches no shop) */
  regionCode?: string | null;
  order?: OrderInput | null;
  title: string;
  description: string;
  attachments?: AttachmentInput[] | null;
  /** when it was received (by phone or letter); not in the future; default now */
  receivedAt?: Date | null;
}

/** One problem with the input: what is wrong, and where. */
export interface InputProblem {
  message: string;
  field: string;
}

/** The rules an intake channel applies to attachments and fields. */
export interface IntakeRules {
  maxFiles: number;
  maxFileBytes: number;
  /** the public form takes images and PDF only */
  imagesOrPdfOnly?: boolean;
  /** the public form: no shopId, no receivedAt, a region always */
  publicForm?: boolean;
}

/** What intake stores, checked. */
export interface CheckedIntake {
  kind: ComplaintKind;
  name: string;
  phone: string | null;
  email: string | null;
  shopId: number | null;
  shopUrl: string | null;
  /** the normalised address used for matching */
  shopKey: string | null;
  shopName: string | null;
  regionCode: string | null;
  orderNumber: string | null;
  orderDate: string | null;
  productName: string | null;
  amountPaid: string | null;
  title: string;
  description: string;
  files: { fileName: string; bytes: Buffer; mediaType: string }[];
  receivedAt: Date;
}

const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
const LANDLINE = /^(?:0\d{2,3}-?)?[1-9]\d{6,7}(?:-\d{1,6})?$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const AMOUNT = /^\d{1,12}(?:\.\d{1,2})?$/;
/** Clock skew tolerated on a given receipt time. */
const SKEW_MS = 60_000;

/** A money amount in yuan as a decimal string with two places, or a problem. */
export function checkAmount(value: string | number | null | undefined, field: string): string | null {
  if (value == null || value === '') return null;
  const text = String(value).trim();
  if (!AMOUNT.test(text)) throw new UserInputError(`${field}: "${text}" is not an amount in yuan ≥ 0 with at most two decimals`, field);
  return Number(text).toFixed(2);
}

/**
 * A shop address made comparable: http(s) only, scheme and host lower case, `www.` and the fragment
 * dropped, no trailing slash; the scheme itself is left out, so http:// and https:// of one shop
 * match. An address typed without a scheme is read as https://. Null when it is not an address.
 */
export function shopUrlKey(input: string): { key: string; url: string } | null {
  const text = input.trim();
  if (!text || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname.includes('.') || url.username || url.password) return null;
  url.hash = '';
  const host = url.host.toLowerCase().replace(/^www\./, '');
  const pathname = url.pathname.replace(/\/+$/, '');
  return { key: `${host}${pathname}${url.search}`, url: `${url.protocol}//${host}${pathname || '/'}${url.search}` };
}

function text(value: unknown, field: string, problems: InputProblem[], options: { required?: boolean; max: number }): string | null {
  if (value != null && typeof value !== 'string') {
    problems.push({ field, message: `${field}: must be text` });
    return null;
  }
  const t = (value ?? '').trim();
  if (!t) {
    if (options.required) problems.push({ field, message: `${field}: required` });
    return null;
  }
  if (t.length > options.max) {
    problems.push({ field, message: `${field}: at most ${options.max} characters` });
    return null;
  }
  return t;
}

function attempt<T>(problems: InputProblem[], field: string, fn: () => T): T | null {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    const inner = error.field ?? '';
    const where = inner && !field.endsWith(inner) ? `${field}.${inner}` : field;
    const message = inner && error.message.startsWith(`${inner}:`) ? error.message.slice(inner.length + 1).trim() : error.message;
    problems.push({ field: where, message: `${where}: ${message}` });
    return null;
  }
}

/** The region of a business: a county or town of Shandong, or a problem. */
export function checkBusinessRegion(code: string, field = 'regionCode'): string {
  const region = regionCatalog().get(code.trim());
  if (!region) throw new UserInputError(`${field}: ${code} is not a Shandong division code`, field);
  if (region.level !== RegionLevel.COUNTY && region.level !== RegionLevel.TOWN) {
    throw new UserInputError(`${field}: ${region.name} (${region.code}) is a ${region.level}; give the county (区/县) or town of the business`, field);
  }
  return region.code;
}

/**
 * Checks an intake without touching the database: every problem found, each naming its field. Files
 * are decoded strictly, size-limited and typed by their magic bytes (inspectCaseFile).
 */
export function checkIntake(input: ComplaintIntakeInput, rules: IntakeRules, at = now()): { value: CheckedIntake | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const kind = Object.values(ComplaintKind).includes(input?.kind) ? input.kind : null;
  if (!kind) problems.push({ field: 'kind', message: `kind: give one of ${Object.values(ComplaintKind).join(', ')}` });

  const c = input?.complainant ?? ({} as ComplainantInput);
  const name = text(c.name, 'complainant.name', problems, { required: true, max: 100 });
  let phone = text(c.phone, 'complainant.phone', problems, { max: 32 });
  if (phone) {
    phone = phone.replace(/[\s()]/g, '');
    if (!MOBILE.test(phone) && !LANDLINE.test(phone)) {
      problems.push({ field: 'complainant.phone', message: `complainant.phone: "${c.phone}" is neither a mainland mobile number (1[3-9] and 9 digits) nor a landline (digits and dashes, e.g. 0531-86123456)` });
      phone = null;
    }
  }
  const email = text(c.email, 'complainant.email', problems, { max: 200 });
  if (email && !EMAIL.test(email)) problems.push({ field: 'complainant.email', message: `complainant.email: "${email}" is not an e-mail address` });

  let shopId: number | null = null;
  if (input?.shopId != null && input.shopId !== '') {
    if (rules.publicForm) problems.push({ field: 'shopId', message: 'shopId: not accepted from the public form; give shopUrl' });
    else {
      const n = Number(input.shopId);
      if (!Number.isInteger(n) || n <= 0) problems.push({ field: 'shopId', message: 'shopId: not an id' });
      else shopId = n;
    }
  }
  const rawUrl = text(input?.shopUrl, 'shopUrl', problems, { max: 1000 });
  const normalised = rawUrl ? shopUrlKey(rawUrl) : null;
  if (rawUrl && !normalised) problems.push({ field: 'shopUrl', message: `shopUrl: "${rawUrl.slice(0, 100)}" is not a web address (http or https)` });
  if (shopId == null && !rawUrl && !(input?.shopId != null && input.shopId !== '')) problems.push({ field: 'shopUrl', message: 'shopUrl: give the address of the shop (or shopId)' });
  const shopName = text(input?.shopName, 'shopName', problems, { max: 200 });
  const regionText = text(input?.regionCode, 'regionCode', problems, { max: 12, required: !!rules.publicForm });
  const regionCode = regionText ? attempt(problems, 'regionCode', () => checkBusinessRegion(regionText)) : null;

  const o = input?.order ?? {};
  const orderNumber = text(o.orderNumber, 'order.orderNumber', problems, { max: 100 });
  const orderDateText = text(o.orderDate, 'order.orderDate', problems, { max: 10 });
  let orderDate: string | null = null;
  if (orderDateText) {
    orderDate = attempt(problems, 'order.orderDate', () => checkDay(orderDateText, 'orderDate'));
    if (orderDate && orderDate > chinaDay(at)) {
      problems.push({ field: 'order.orderDate', message: `order.orderDate: ${orderDate} lies in the future` });
      orderDate = null;
    }
  }
  const productName = text(o.productName, 'order.productName', problems, { max: 200 });
  const amountPaid = attempt(problems, 'order.amountPaid', () => checkAmount(o.amountPaid, 'amountPaid'));

  const title = text(input?.title, 'title', problems, { required: true, max: 200 });
  const description = text(input?.description, 'description', problems, { required: true, max: 10_000 });

  const files: CheckedIntake['files'] = [];
  const attachments = input?.attachments ?? [];
  if (!Array.isArray(attachments)) problems.push({ field: 'attachments', message: 'attachments: must be a list' });
  else if (attachments.length > rules.maxFiles) problems.push({ field: 'attachments', message: `attachments: at most ${rules.maxFiles} files` });
  else {
    attachments.forEach((a, i) => {
      const field = `attachments[${i}]`;
      const file = attempt(problems, field, () => inspectCaseFile(a?.fileName, a?.contentBase64, rules.maxFileBytes));
      if (!file) return;
      if (rules.imagesOrPdfOnly && !(file.mediaType.startsWith('image/') || file.mediaType === 'application/pdf')) {
        problems.push({ field: `${field}.fileName`, message: `${field}.fileName: the public form takes images (PNG, JPEG, GIF, WEBP) or PDF only` });
        return;
      }
      files.push(file);
    });
  }

  let receivedAt = at;
  if (input?.receivedAt != null) {
    if (rules.publicForm) problems.push({ field: 'receivedAt', message: 'receivedAt: not accepted from the public form' });
    else if (!(input.receivedAt instanceof Date) || Number.isNaN(input.receivedAt.getTime())) problems.push({ field: 'receivedAt', message: 'receivedAt: not a time' });
    else if (input.receivedAt.getTime() > at.getTime() + SKEW_MS) problems.push({ field: 'receivedAt', message: 'receivedAt: lies in the future' });
    else receivedAt = input.receivedAt;
  }

  if (problems.length > 0 || !kind || !name || !title || !description) return { value: null, problems };
  return {
    value: {
      kind,
      name,
      phone,
      email,
      shopId,
      shopUrl: rawUrl,
      shopKey: normalised?.key ?? null,
      shopName,
      regionCode,
      orderNumber,
      orderDate,
      productName,
      amountPaid,
      title,
      description,
      files,
      receivedAt,
    },
    problems,
  };
}

// ————————————————————————————————————————— intake —————————————————————————————————————————

/** Who takes a complaint in, and where its files go. */
export interface IntakeContext {
  channel: ComplaintChannel;
  createdBy: string;
  /** the evidence blob folder (config.evidenceDir) */
  evidenceDir: string;
  submitterKey?: string | null;
}

function recordEvent(em: EntityManager, complaint: Complaint, action: ComplaintAction, from: ComplaintStatus | null, note: string | null, details: Record<string, unknown> | null = null, actorName?: string) {
  const actor = currentActor();
  em.create(ComplaintEvent, {
    complaint,
    action,
    fromStatus: from,
    toStatus: complaint.status,
    note,
    details,
    regionCode: complaint.regionCode,
    actorName: (actorName ?? actor.name).slice(0, 100),
    actorUnitId: actor.unitId,
  });
}

/**
 * The shop at `key` (a normalised address, see shopUrlKey) by its url or watchUrl, among the shops the
 * caller sees (the whole register for the public form, which runs as the system actor).
 */
export async function matchShopByUrl(em: EntityManager, key: string): Promise<Shop | null> {
  // the forms a stored address of this key can take: http or https, with or without www., with or
  // without a trailing slash — looked up exactly (url and watchUrl are unique, hence indexed)
  const cut = key.search(/[/?]/);
  const host = cut < 0 ? key : key.slice(0, cut);
  const rest = cut < 0 ? '' : key.slice(cut);
  const q = rest.indexOf('?');
  const pathname = q < 0 ? rest : rest.slice(0, q);
  const search = q < 0 ? '' : rest.slice(q);
  const forms = new Set<string>();
  for (const scheme of ['https://', 'http://']) {
    for (const h of [host, `www.${host}`]) {
      for (const path of pathname ? [pathname, `${pathname}/`] : ['', '/']) forms.add(`${scheme}${h}${path}${search}`);
    }
  }
  const candidates = await em.find(Shop, { $or: [{ url: { $in: [...forms] } }, { watchUrl: { $in: [...forms] } }] }, { orderBy: { id: 'asc' } });
  return candidates.find((s) => shopUrlKey(s.url)?.key === key || (s.watchUrl != null && shopUrlKey(s.watchUrl)?.key === key)) ?? null;
}

/** The unit that handles a complaint about `shop`: its responsible unit while that still holds the region. */
async function handlingUnitFor(em: EntityManager, shop: Shop): Promise<Unit> {
  if (shop.responsibleUnit) {
    const unit = await em.findOne(Unit, { id: shop.responsibleUnit.id });
    if (unit && inJurisdiction(shop.regionCode, unit.jurisdiction)) return unit;
  }
  const found = await responsibleUnitFor(em, shop.regionCode);
  const unit = found ? await em.findOne(Unit, { id: found.id }) : null;
  if (!unit) throw new UserInputError(`no unit holds region ${shop.regionCode} of the shop`, 'regionCode');
  return unit;
}

/**
 * A shop the register lacks, created unfiled for filing (createShop: URL unique, region in the caller's
 * jurisdiction, responsible unit, a 'discovered' shop event). Its platform: that of another shop on the
 * same domain (a merchant on that platform), else an own trading website.
 */
async function createShopFromComplaint(em: EntityManager, checked: CheckedIntake): Promise<Shop> {
  if (!checked.shopName) throw new UserInputError('shopName: the address matches no shop in the register; give the shop\'s name', 'shopName');
  if (!checked.regionCode) throw new UserInputError('regionCode: the address matches no shop in the register; give the county or town of the business', 'regionCode');
  const url = shopUrlKey(checked.shopUrl!)!.url;
  const domain = domainOf(url);
  // which platform a domain belongs to is not jurisdiction-bound knowledge: look across the register
  const sameDomain = await runAsSystem('complaint intake: platform of a domain', () => em.findOne(Shop, { domain }, { orderBy: { id: 'asc' } }));
  const created = await createShop(em, {
    name: checked.shopName,
    platform: sameDomain ? sameDomain.platform : '自建网站',
    url,
    classification: sameDomain ? ShopClassification.PLATFORM_MERCHANT : ShopClassification.OWN_SITE_TRADING,
    regionCode: checked.regionCode,
  }, 'named in a complaint (投诉举报)');
  const shop = await em.findOne(Shop, { id: created.id });
  if (!shop) throw new NotFoundError('shop', created.id);
  return shop;
}

/** Next receipt number of a China day: TS + yyyymmdd + a 6-digit sequence of that day (serialised by an advisory lock). */
async function nextNumber(em: EntityManager, day: string): Promise<string> {
  await em.execute(`select pg_advisory_xact_lock(hashtext('hongdun:complaint-number'))`);
  const prefix = `TS${day.replace(/-/g, '')}`;
  const [row] = await em.execute<{ last: string | null }[]>(`select max(number) as last from complaint where number like ?`, [`${prefix}%`]);
  const next = row?.last ? Number(row.last.slice(prefix.length)) + 1 : 1;
  if (next > 999_999) throw new Error(`receipt numbers of ${day} are exhausted`);
  return `${prefix}${String(next).padStart(6, '0')}`;
}

/**
 * Takes a checked complaint in, inside the caller's transaction: finds the shop (by id, or by address
 * among the shops the caller sees; else creates it unfiled), assigns it to the unit whose jurisdiction
 * holds the shop, numbers it, stores its files and sets the acceptance deadline (7 working days).
 */
export async function receiveComplaint(em: EntityManager, checked: CheckedIntake, context: IntakeContext): Promise<Complaint> {
  let shop: Shop | null;
  let shopCreated = false;
  if (checked.shopId != null) shop = await getShop(em, checked.shopId);
  else {
    shop = await matchShopByUrl(em, checked.shopKey!);
    if (!shop && !currentActor().prefixes.includes('')) {
      const elsewhere = await runAsSystem('complaint intake: address outside the caller\'s jurisdiction', () => matchShopByUrl(em, checked.shopKey!));
      if (elsewhere) throw new UserInputError('shopUrl: the shop at this address is in the register outside your jurisdiction; the unit holding it takes the complaint in', 'shopUrl');
    }
    if (!shop) {
      shop = await createShopFromComplaint(em, checked);
      shopCreated = true;
    }
  }
  const unit = await handlingUnitFor(em, shop);
  const number = await nextNumber(em, chinaDay(checked.receivedAt));
  const attachments = await storeUploads(checked.files, context.evidenceDir);
  const complaint = em.create(Complaint, {
    number,
    kind: checked.kind,
    channel: context.channel,
    shop,
    regionCode: shop.regionCode,
    assignedUnit: ref(unit),
    complainantName: checked.name,
    complainantPhone: checked.phone,
    complainantEmail: checked.email,
    shopUrl: checked.shopUrl,
    shopName: checked.shopName,
    orderNumber: checked.orderNumber,
    orderDate: checked.orderDate,
    productName: checked.productName,
    amountPaid: checked.amountPaid,
    title: checked.title,
    description: checked.description,
    attachments,
    receivedAt: checked.receivedAt,
    acceptanceDueOn: addWorkingDays(chinaDay(checked.receivedAt), ACCEPTANCE_WORKING_DAYS),
    submitterKey: context.submitterKey ?? null,
    createdBy: context.createdBy.slice(0, 100),
  });
  recordEvent(em, complaint, ComplaintAction.RECEIVED, null, `received through ${context.channel}; assigned to ${unit.name}`, {
    channel: context.channel,
    shopId: shop.id,
    shopCreated,
    unitId: unit.id,
    unitCode: unit.code,
    acceptanceDueOn: complaint.acceptanceDueOn,
    attachments: attachments.length,
  }, context.createdBy);
  await em.flush();
  return complaint;
}

export interface SubmitOptions {
  evidenceDir: string;
  /** CASE_FILE_MAX_BYTES */
  maxFileBytes: number;
}

/**
 * Takes a complaint in from staff (channel staff) or another system through an API key (channel api),
 * in the caller's jurisdiction. Bad input is refused naming the field, nothing written.
 */
export function submitComplaint(em: EntityManager, input: ComplaintIntakeInput, options: SubmitOptions): Promise<Complaint> {
  const actor = currentActor();
  const { value, problems } = checkIntake(input, { maxFiles: MAX_ATTACHMENTS, maxFileBytes: options.maxFileBytes });
  if (!value) throw new UserInputError(problems[0].message, problems[0].field);
  const channel = actor.kind === 'apiKey' ? ComplaintChannel.API : ComplaintChannel.STAFF;
  return runCommand(em, 'submitComplaint', (tem) => receiveComplaint(tem, value, { channel, createdBy: actor.name, evidenceDir: options.evidenceDir }));
}

// ————————————————————————————————————————— steps —————————————————————————————————————————

/** The complaint, locked for the step; NOT_FOUND when absent or outside the caller's jurisdiction. */
async function complaintForStep(em: EntityManager, id: string | number): Promise<Complaint> {
  const n = Number(id);
  const complaint = Number.isInteger(n) && n > 0 ? await em.findOne(Complaint, { id: n }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!complaint) throw new NotFoundError('complaint', id);
  return complaint;
}

/**
 * Only a user of the handling unit or of a unit above it (its path a prefix of the handling unit's) and
 * system actors take steps; API keys submit complaints but take no steps.
 */
async function requireHandler(em: EntityManager, complaint: Complaint): Promise<void> {
  const actor = currentActor();
  if (actor.kind === 'system') return;
  if (actor.kind !== 'user' || actor.unitId == null) throw new AccessDeniedError('API keys submit complaints; the steps are taken by staff of the handling unit or a unit above it');
  const [assigned, own] = await Promise.all([em.findOne(Unit, { id: complaint.assignedUnit.id }), em.findOne(Unit, { id: actor.unitId })]);
  if (!assigned || !own || !assigned.path.startsWith(own.path)) {
    throw new AccessDeniedError(`complaint ${complaint.id} is handled by ${assigned?.name ?? 'another unit'}: only that unit or a unit above it may take its steps`);
  }
}

/** Runs one step: load, check who, check the table, apply, record. */
function complaintStep(
  em: EntityManager,
  id: string | number,
  stepName: ComplaintStep,
  action: ComplaintAction,
  apply: (tem: EntityManager, complaint: Complaint) => Promise<{ note: string | null; details?: Record<string, unknown> | null }>,
): Promise<Complaint> {
  return runCommand(em, stepName, async (tem) => {
    const complaint = await complaintForStep(tem, id);
    await requireHandler(tem, complaint);
    const from = complaint.status;
    const to = nextStatus(complaint, stepName);
    const { note, details } = await apply(tem, complaint);
    complaint.status = to;
    recordEvent(tem, complaint, action, from, note, details ?? null);
    await tem.flush();
    return complaint;
  });
}

/** 受理: accepts a received complaint; mediation is due within 45 working days of the decision. */
export function acceptComplaint(em: EntityManager, id: string | number, note?: string | null): Promise<Complaint> {
  const text = optionalText(note, 'note');
  return complaintStep(em, id, 'acceptComplaint', ComplaintAction.ACCEPTED, async (_tem, complaint) => {
    const at = now();
    complaint.decidedAt = at;
    complaint.resolutionDueOn = addWorkingDays(chinaDay(at), RESOLUTION_WORKING_DAYS);
    return { note: text, details: { resolutionDueOn: complaint.resolutionDueOn, onTime: chinaDay(at) <= complaint.acceptanceDueOn } };
  });
}

/** 不予受理: rejects a received complaint, with the reason (final). */
export function rejectComplaint(em: EntityManager, id: string | number, reason: string): Promise<Complaint> {
  const text = requireText(reason, 'reason');
  return complaintStep(em, id, 'rejectComplaint', ComplaintAction.REJECTED, async (_tem, complaint) => {
    const at = now();
    complaint.decidedAt = at;
    return { note: text, details: { onTime: chinaDay(at) <= complaint.acceptanceDueOn } };
  });
}

/** 调解: starts mediating an accepted complaint (a report is not mediated). */
export function startComplaintMediation(em: EntityManager, id: string | number, note?: string | null): Promise<Complaint> {
  const text = optionalText(note, 'note');
  return complaintStep(em, id, 'startComplaintMediation', ComplaintAction.MEDIATION_STARTED, async () => ({ note: text }));
}

export interface ResolveComplaintInput {
  result: ComplaintResult;
  /** yuan recovered for the consumer, ≥ 0, at most two decimals */
  amountRecovered?: string | number | null;
  note?: string | null;
}

/** Records the result: a report ends as report_handled, a complaint by any other result. */
export function resolveComplaint(em: EntityManager, id: string | number, input: ResolveComplaintInput): Promise<Complaint> {
  if (!Object.values(ComplaintResult).includes(input.result)) throw new UserInputError(`result: give one of ${Object.values(ComplaintResult).join(', ')}`, 'result');
  const amountRecovered = checkAmount(input.amountRecovered, 'amountRecovered');
  const text = optionalText(input.note, 'note');
  return complaintStep(em, id, 'resolveComplaint', ComplaintAction.RESOLVED, async (_tem, complaint) => {
    if (complaint.kind === ComplaintKind.REPORT && input.result !== ComplaintResult.REPORT_HANDLED) {
      throw new UserInputError(`result: a report ends as ${ComplaintResult.REPORT_HANDLED}, not ${input.result}`, 'result');
    }
    if (complaint.kind === ComplaintKind.COMPLAINT && input.result === ComplaintResult.REPORT_HANDLED) {
      throw new UserInputError(`result: ${ComplaintResult.REPORT_HANDLED} is for reports; a complaint ends as ${Object.values(ComplaintResult).filter((r) => r !== ComplaintResult.REPORT_HANDLED).join(', ')}`, 'result');
    }
    complaint.result = input.result;
    complaint.amountRecovered = amountRecovered;
    complaint.resolvedAt = now();
    return { note: text, details: { result: input.result, amountRecovered } };
  });
}

export interface CloseComplaintInput {
  feedback: ComplaintFeedback;
  note?: string | null;
}

/** 回访: closes a resolved complaint with the consumer's feedback. */
export function closeComplaint(em: EntityManager, id: string | number, input: CloseComplaintInput): Promise<Complaint> {
  if (!Object.values(ComplaintFeedback).includes(input.feedback)) throw new UserInputError(`feedback: give one of ${Object.values(ComplaintFeedback).join(', ')}`, 'feedback');
  const text = optionalText(input.note, 'note');
  return complaintStep(em, id, 'closeComplaint', ComplaintAction.CLOSED, async (_tem, complaint) => {
    complaint.feedback = input.feedback;
    complaint.closedAt = now();
    return { note: text, details: { feedback: input.feedback } };
  });
}

/**
 * Raises a clue (线索) from an accepted, mediating or resolved complaint, once, through the clue flow
 * (createClue, source complaint). The complainant's personal data does not go into the clue.
 */
export function raiseClueFromComplaint(em: EntityManager, id: string | number, input: { title?: string | null; note?: string | null } = {}): Promise<Complaint> {
  const title = optionalText(input.title, 'title', 200);
  const text = optionalText(input.note, 'note');
  return complaintStep(em, id, 'raiseClueFromComplaint', ComplaintAction.CLUE_RAISED, async (tem, complaint) => {
    const clue = await createClue(tem, {
      shopId: complaint.shop.id,
      title: title ?? complaint.title,
      description: `${complaint.kind === ComplaintKind.REPORT ? '举报' : '投诉'} ${complaint.number}：${complaint.description}`.slice(0, 10_000),
      source: ClueSource.COMPLAINT,
      note: text,
    });
    complaint.clue = ref(clue);
    return { note: text, details: { clueId: clue.id } };
  });
}

/**
 * Reassigns a received or accepted complaint to another unit whose jurisdiction holds the shop's region
 * (e.g. up to the county bureau, or to the right station), with the reason.
 */
export function reassignComplaint(em: EntityManager, id: string | number, unitId: string | number, reason: string): Promise<Complaint> {
  const text = requireText(reason, 'reason');
  const target = Number(unitId);
  if (!Number.isInteger(target) || target <= 0) throw new UserInputError('unitId: not an id', 'unitId');
  return complaintStep(em, id, 'reassignComplaint', ComplaintAction.REASSIGNED, async (tem, complaint) => {
    const unit = await tem.findOne(Unit, { id: target });
    if (!unit) throw new NotFoundError('unit', unitId);
    if (unit.id === complaint.assignedUnit.id) throw new UserInputError(`unitId: complaint ${complaint.id} is already assigned to ${unit.name}`, 'unitId');
    if (!inJurisdiction(complaint.regionCode, unit.jurisdiction)) {
      throw new UserInputError(`unitId: ${unit.name} does not hold region ${complaint.regionCode} of the complaint's shop`, 'unitId');
    }
    const fromUnitId = complaint.assignedUnit.id;
    complaint.assignedUnit = ref(unit);
    return { note: text, details: { fromUnitId, toUnitId: unit.id, toUnitCode: unit.code, toUnitName: unit.name } };
  });
}
