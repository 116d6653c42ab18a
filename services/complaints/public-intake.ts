/**
 * The public complaint form's intake (no login): the JSON a consumer's browser sends, checked field by
 * field, rate-limited per network address without a captcha, taken in as the system actor ('public
 * complaint form') with channel public and createdBy 'public-form'. The consumer gets a receipt —
 * number, time received, acceptance deadline — and nothing else: not the shop matched, not the unit.
 *
 * Rate limit: complaints whose submitterKey (sha256 of 'hongdun-public:' + address) was received in the
 * last hour are counted in the database, so it holds across processes; the count is repeated under a
 * transaction-scoped advisory lock of the key, so concurrent submissions of one address cannot slip past.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ComplaintChannel, ComplaintKind } from '../../entities';
import type { Config } from '../../kernel/config';
import { runCommand } from '../command';
import { runAsSystem } from '../system-actor';
import { checkIntake, type ComplaintIntakeInput, type InputProblem, receiveComplaint } from './complaint.commands';

/** Attachments the public form takes. */
export const PUBLIC_MAX_ATTACHMENTS = 5;

/** What the consumer gets back. */
export interface PublicReceipt {
  number: string;
  receivedAt: string;
  acceptanceDueOn: string;
}

/** The address sent too many complaints in the last hour. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('提交过于频繁，请稍后再试。Too many complaints from your network address; please try again later.');
    this.name = 'RateLimitedError';
  }
}

/** The form is closed (PUBLIC_COMPLAINTS_PER_HOUR = 0). */
export class FormClosedError extends Error {
  constructor() {
    super('在线投诉举报暂停受理，请拨打12315。The public complaint form is closed; please call 12315.');
    this.name = 'FormClosedError';
  }
}

/** The form's input has problems; nothing was stored. */
export class PublicInputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'PublicInputError';
  }
}

/** The rate-limit key of a network address (never shown; the address itself is not stored). */
export function submitterKeyOf(address: string): string {
  return createHash('sha256').update(`hongdun-public:${address}`).digest('hex');
}

const TOP_FIELDS = ['kind', 'complainant', 'shopUrl', 'shopName', 'regionCode', 'order', 'title', 'description', 'attachments'] as const;
const COMPLAINANT_FIELDS = ['name', 'phone', 'email'];
const ORDER_FIELDS = ['orderNumber', 'orderDate', 'productName', 'amountPaid'];
const FILE_FIELDS = ['fileName', 'contentBase64'];

const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], prefix: string, problems: InputProblem[]) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push({ field: `${prefix}${key}`, message: `${prefix}${key}: not a field of the complaint form` });
  }
}

function stringOrNumber(value: unknown, field: string, problems: InputProblem[]): string | null {
  if (value == null || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  problems.push({ field, message: `${field}: must be text` });
  return null;
}

/** The form's JSON as an intake input, with the problems of its shape (unknown fields, wrong types). */
export function parsePublicBody(body: unknown): { input: ComplaintIntakeInput | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  if (!isObject(body)) return { input: null, problems: [{ field: '', message: 'send the complaint as a JSON object' }] };
  unknownKeys(body, TOP_FIELDS, '', problems);
  const complainant = isObject(body.complainant) ? body.complainant : {};
  if (body.complainant != null && !isObject(body.complainant)) problems.push({ field: 'complainant', message: 'complainant: must be an object { name, phone, email }' });
  unknownKeys(complainant, COMPLAINANT_FIELDS, 'complainant.', problems);
  const order = isObject(body.order) ? body.order : {};
  if (body.order != null && !isObject(body.order)) problems.push({ field: 'order', message: 'order: must be an object { orderNumber, orderDate, productName, amountPaid }' });
  unknownKeys(order, ORDER_FIELDS, 'order.', problems);
  let attachments: { fileName: string; contentBase64: string }[] = [];
  if (body.attachments != null) {
    if (!Array.isArray(body.attachments)) problems.push({ field: 'attachments', message: 'attachments: must be a list of { fileName, contentBase64 }' });
    else {
      attachments = body.attachments.map((a, i) => {
        if (!isObject(a)) {
          problems.push({ field: `attachments[${i}]`, message: `attachments[${i}]: must be { fileName, contentBase64 }` });
          return { fileName: '', contentBase64: '' };
        }
        unknownKeys(a, FILE_FIELDS, `attachments[${i}].`, problems);
        return { fileName: typeof a.fileName === 'string' ? a.fileName : '', contentBase64: typeof a.contentBase64 === 'string' ? a.contentBase64 : '' };
      });
    }
  }
  const input: ComplaintIntakeInput = {
    kind: (typeof body.kind === 'string' ? body.kind : '') as ComplaintKind,
    complainant: {
      name: complainant.name as string,
      phone: stringOrNumber(complainant.phone, 'complainant.phone', problems),
      email: complainant.email as string | null,
    },
    shopUrl: body.shopUrl as string | null,
    shopName: body.shopName as string | null,
    regionCode: stringOrNumber(body.regionCode, 'regionCode', problems),
    order: {
      orderNumber: stringOrNumber(order.orderNumber, 'order.orderNumber', problems),
      orderDate: order.orderDate as string | null,
      productName: order.productName as string | null,
      amountPaid: stringOrNumber(order.amountPaid, 'order.amountPaid', problems),
    },
    title: body.title as string,
    description: body.description as string,
    attachments,
  };
  return { input, problems };
}

/** Complaints of `key` received in the last hour, and when the oldest of them leaves the window (seconds). */
async function recentOf(em: EntityManager, key: string): Promise<{ count: number; retryAfterSeconds: number }> {
  const [row] = await em.execute<{ count: string; oldest: Date | string | null }[]>(
    `select count(*) as count, min(received_at) as oldest from complaint where submitter_key = ? and received_at > now() - interval '1 hour'`,
    [key],
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : Date.now();
  return { count: Number(row?.count ?? 0), retryAfterSeconds: Math.max(1, Math.ceil((oldest + 3600_000 - Date.now()) / 1000)) };
}

/**
 * Takes a complaint in from the public form for the network address `address`. Throws FormClosedError,
 * RateLimitedError or PublicInputError (every problem, nothing stored); returns the receipt only.
 */
export function submitPublicComplaint(em: EntityManager, body: unknown, address: string, config: Pick<Config, 'publicComplaintsPerHour' | 'publicFileMaxBytes' | 'evidenceDir'>): Promise<PublicReceipt> {
  const perHour = config.publicComplaintsPerHour;
  if (perHour <= 0) return Promise.reject(new FormClosedError());
  const submitterKey = submitterKeyOf(address);
  return runAsSystem('public complaint form', async () => {
    const before = await recentOf(em, submitterKey);
    if (before.count >= perHour) throw new RateLimitedError(before.retryAfterSeconds);
    const parsed = parsePublicBody(body);
    const checked = parsed.input
      ? checkIntake(parsed.input, { maxFiles: PUBLIC_MAX_ATTACHMENTS, maxFileBytes: config.publicFileMaxBytes, imagesOrPdfOnly: true, publicForm: true })
      : { value: null, problems: [] };
    const problems = [...parsed.problems, ...checked.problems];
    if (problems.length > 0 || !checked.value) throw new PublicInputError(problems);
    const value = checked.value;
    const complaint = await runCommand(em, 'submitPublicComplaint', async (tem) => {
      await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`hongdun-public:${submitterKey}`]);
      const now = await recentOf(tem, submitterKey);
      if (now.count >= perHour) throw new RateLimitedError(now.retryAfterSeconds);
      return receiveComplaint(tem, value, { channel: ComplaintChannel.PUBLIC, createdBy: 'public-form', evidenceDir: config.evidenceDir, submitterKey });
    });
    return { number: complaint.number, receivedAt: complaint.receivedAt.toISOString(), acceptanceDueOn: complaint.acceptanceDueOn };
  });
}
