/**
 * Complaints as CSV (UTF-8, a header row, RFC 4180 quoting by csv-stringify): the rows of a filter in the
 * caller's jurisdiction, the complainant's personal data ALWAYS masked, whoever asks (an export leaves
 * the platform). The free-text description is left out (it may hold personal data the mask cannot see);
 * text cells that a spreadsheet would run as a formula are defused with a leading apostrophe.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify/sync';
import { Complaint } from '../../entities';
import { UserInputError } from '../errors';
import { maskEmail, maskName, maskPhone } from './complainant';
import { type ComplaintFilter, complaintWhere, isAcceptanceOverdue, wasDecidedOnTime } from './complaint.queries';

/** Rows one export may hold; narrow the filter (a period, a unit) for more. */
export const MAX_EXPORT_ROWS = 10_000;

const COLUMNS = [
  'number', 'kind', 'channel', 'status', 'received_at', 'acceptance_due_on', 'decided_at', 'decided_on_time', 'acceptance_overdue',
  'resolution_due_on', 'result', 'amount_recovered', 'resolved_at', 'feedback', 'closed_at', 'region_code', 'unit_code', 'unit_name',
  'shop_id', 'shop_name', 'shop_url', 'complainant_name', 'complainant_phone', 'complainant_email', 'order_date', 'product_name',
  'amount_paid', 'title', 'clue_id',
] as const;

/** A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) starts with an apostrophe instead. */
function cell(value: string | null | undefined): string {
  if (value == null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');
const yesNo = (b: boolean | null) => (b == null ? '' : b ? 'yes' : 'no');

/** The CSV of the complaints matching `filter`, newest received first, personal data masked. */
export async function complaintsCsv(em: EntityManager, filter: ComplaintFilter): Promise<string> {
  const where = await complaintWhere(em, filter);
  const complaints = await em.find(Complaint, where, { orderBy: { receivedAt: 'desc', id: 'desc' }, limit: MAX_EXPORT_ROWS + 1, populate: ['assignedUnit', 'shop'] });
  if (complaints.length > MAX_EXPORT_ROWS) throw new UserInputError(`filter: more than ${MAX_EXPORT_ROWS} complaints match; narrow the filter (a period, a unit)`, 'filter');
  const now = new Date();
  const rows = complaints.map((c) => [
    c.number, c.kind, c.channel, c.status, iso(c.receivedAt), c.acceptanceDueOn, iso(c.decidedAt), yesNo(wasDecidedOnTime(c)), yesNo(isAcceptanceOverdue(c, now)),
    c.resolutionDueOn ?? '', c.result ?? '', c.amountRecovered ?? '', iso(c.resolvedAt), c.feedback ?? '', iso(c.closedAt), c.regionCode,
    c.assignedUnit.getEntity().code, cell(c.assignedUnit.getEntity().name), String(c.shop.id), cell(c.shop.isInitialized() ? c.shop.getEntity().name : ''), cell(c.shopUrl),
    cell(maskName(c.complainantName)), maskPhone(c.complainantPhone) ?? '', cell(maskEmail(c.complainantEmail)), c.orderDate ?? '', cell(c.productName),
    c.amountPaid ?? '', cell(c.title), c.clue ? String(c.clue.id) : '',
  ]);
  return stringify([[...COLUMNS], ...rows], { record_delimiter: 'windows' });
}
