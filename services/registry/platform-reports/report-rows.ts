import { PlatformShopStatus, type ReportRowError } from '../../../entities';
import { ImportFileError, readRegisterFile, type RegisterFileLimits } from '../import/read-register-file';
import { normalizeUscc, usccProblem } from '../uscc';

/**
 * The rows of a platform report (平台报送) — one shop each, as E-commerce Law art. 28 asks a platform to
 * report the businesses on it — read from any of the intake's formats and validated row by row. A row
 * is either a valid {@link ReportedShop} or one or more {@link ReportRowError}s; the report is written
 * only when every row is valid (submit-report.ts).
 */

/** A valid row: a shop as the platform reports it. */
export interface ReportedShop {
  row: number;
  platformShopId: string;
  url: string;
  name: string;
  operatorName: string;
  uscc: string | null;
  address: string | null;
  contact: string | null;
  status: PlatformShopStatus;
  openedOn: string | null;
  closedOn: string | null;
}

export type ReportField = 'platformShopId' | 'url' | 'name' | 'operatorName' | 'uscc' | 'address' | 'contact' | 'status' | 'openedOn' | 'closedOn';

export const REPORT_FIELDS: readonly ReportField[] = ['platformShopId', 'url', 'name', 'operatorName', 'uscc', 'address', 'contact', 'status', 'openedOn', 'closedOn'];
const REQUIRED: ReadonlySet<ReportField> = new Set(['platformShopId', 'url', 'name', 'operatorName', 'status']);
const MAX_LENGTH: Record<ReportField, number> = {
  platformShopId: 64, url: 1000, name: 200, operatorName: 200, uscc: 32, address: 300, contact: 100, status: 16, openedOn: 32, closedOn: 32,
};

/** Column names a sheet may use for each field: Chinese as platforms' exports write them, or the API's English name. */
export const REPORT_COLUMNS: Record<ReportField, readonly string[]> = {
  platformShopId: ['平台店铺id', '店铺id', '店铺编号', '店铺编码', 'platformshopid', 'shopid'],
  url: ['店铺网址', '店铺链接', '店铺url', '网址', '链接', 'url'],
  name: ['店铺名称', '店铺名', 'name', 'shopname'],
  operatorName: ['经营者名称', '经营者', '主体名称', '企业名称', 'operatorname', 'operator'],
  uscc: ['统一社会信用代码', '社会信用代码', '信用代码', 'uscc'],
  address: ['经营地址', '经营场所', '住所', '地址', 'address'],
  contact: ['联系方式', '联系电话', '电话', 'contact'],
  status: ['店铺状态', '经营状态', '状态', 'status'],
  openedOn: ['开店日期', '开店时间', '入驻日期', '开业日期', 'openedon'],
  closedOn: ['关店日期', '关店时间', '闭店日期', '退出日期', 'closedon'],
};

const STATUS_WORDS: Record<string, PlatformShopStatus> = {
  open: PlatformShopStatus.OPEN, opened: PlatformShopStatus.OPEN, active: PlatformShopStatus.OPEN,
  营业: PlatformShopStatus.OPEN, 营业中: PlatformShopStatus.OPEN, 正常: PlatformShopStatus.OPEN, 开店: PlatformShopStatus.OPEN, 在营: PlatformShopStatus.OPEN,
  closed: PlatformShopStatus.CLOSED, close: PlatformShopStatus.CLOSED,
  关闭: PlatformShopStatus.CLOSED, 已关闭: PlatformShopStatus.CLOSED, 关店: PlatformShopStatus.CLOSED, 闭店: PlatformShopStatus.CLOSED,
  停业: PlatformShopStatus.CLOSED, 注销: PlatformShopStatus.CLOSED, 已注销: PlatformShopStatus.CLOSED, 清退: PlatformShopStatus.CLOSED,
};

const compact = (s: string) => s.normalize('NFKC').replace(/[\s_\-（）()]/g, '').toLowerCase();

/** A calendar date as YYYY-MM-DD, from `2026-11-03`, `2026/11/3`, `20261103`, `2026年11月3日` or an ISO timestamp; null when it is not one. */
export function parseReportDate(text: string): string | null {
  const t = text.normalize('NFKC').trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1990 || y > 2100) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Validates rows one at a time (streaming), remembering platform shop ids seen so a duplicate is an error. */
export class ReportRowValidator {
  private readonly seen = new Map<string, number>();
  readonly errors: ReportRowError[] = [];
  readonly shops: ReportedShop[] = [];
  /** data rows validated */
  count = 0;

  constructor(private readonly today: string, private readonly maxRows: number) {}

  /** Validates one row given as field → raw value (any type: JSON rows may hold numbers). */
  add(row: number, values: Partial<Record<ReportField, unknown>>, unknownFields: readonly string[] = []): void {
    this.count++;
    if (this.count > this.maxRows) {
      throw new ImportFileError(`the report has more than ${this.maxRows.toLocaleString('en-US')} rows: split it into several delta reports`);
    }
    const errors: ReportRowError[] = [];
    const fail = (field: ReportField | null, reason: string) => errors.push({ row, field, reason });
    for (const name of unknownFields) fail(null, `unknown field "${name.slice(0, 40)}": the fields are ${REPORT_FIELDS.join(', ')}`);
    const text: Partial<Record<ReportField, string>> = {};
    for (const field of REPORT_FIELDS) {
      const raw = values[field];
      if (raw == null) continue;
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        fail(field, `must be text, not ${Array.isArray(raw) ? 'a list' : typeof raw}`);
        continue;
      }
      const value = String(raw).trim();
      if (value === '') continue;
      if (value.length > MAX_LENGTH[field]) fail(field, `longer than ${MAX_LENGTH[field]} characters`);
      else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) fail(field, 'holds control characters');
      else text[field] = value;
    }
    for (const field of REQUIRED) if (text[field] == null && !errors.some((e) => e.field === field)) fail(field, 'required: empty or missing');

    let url: string | null = null;
    if (text.url) {
      try {
        const parsed = new URL(text.url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('url', `"${text.url.slice(0, 80)}" is not an http(s) address`);
        else url = parsed.href;
      } catch {
        fail('url', `"${text.url.slice(0, 80)}" is not a web address (give it with https://)`);
      }
    }
    let uscc: string | null = null;
    if (text.uscc) {
      const normal = normalizeUscc(text.uscc);
      const problem = usccProblem(normal);
      if (problem) fail('uscc', `${text.uscc}: ${problem}`);
      else uscc = normal;
    }
    let status: PlatformShopStatus | null = null;
    if (text.status) {
      status = STATUS_WORDS[compact(text.status)] ?? null;
      if (!status) fail('status', `"${text.status}" is not a status: open (营业) or closed (关闭)`);
    }
    const date = (field: 'openedOn' | 'closedOn'): string | null => {
      if (!text[field]) return null;
      const d = parseReportDate(text[field]!);
      if (!d) fail(field, `"${text[field]}" is not a date (YYYY-MM-DD)`);
      else if (d > this.today) fail(field, `${d} lies in the future`);
      return d;
    };
    const openedOn = date('openedOn');
    const closedOn = date('closedOn');
    if (openedOn && closedOn && closedOn < openedOn) fail('closedOn', `closed ${closedOn} before it opened ${openedOn}`);
    if (status === PlatformShopStatus.CLOSED && text.closedOn == null) fail('closedOn', 'required when the status is closed');
    if (status === PlatformShopStatus.OPEN && closedOn) fail('closedOn', 'an open shop has no closing date');
    if (text.platformShopId) {
      const first = this.seen.get(text.platformShopId);
      if (first != null) fail('platformShopId', `${text.platformShopId} is reported twice (first in row ${first})`);
      else this.seen.set(text.platformShopId, row);
    }
    if (errors.length > 0) {
      this.errors.push(...errors);
      return;
    }
    this.shops.push({
      row,
      platformShopId: text.platformShopId!,
      url: url!,
      name: text.name!,
      operatorName: text.operatorName!,
      uscc,
      address: text.address ?? null,
      contact: text.contact ?? null,
      status: status!,
      openedOn,
      closedOn,
    });
  }

  /** Rows with at least one error. */
  get rejectedRows(): number {
    return new Set(this.errors.map((e) => e.row)).size;
  }
}

/** The fields of a sheet's header, by column index; a missing required column refuses the file. */
export function mapReportColumns(header: readonly string[]): Map<number, ReportField> {
  const byName = new Map<string, ReportField>();
  for (const field of REPORT_FIELDS) for (const name of REPORT_COLUMNS[field]) byName.set(compact(name), field);
  const map = new Map<number, ReportField>();
  header.forEach((cell, i) => {
    const field = byName.get(compact(cell));
    if (field && ![...map.values()].includes(field)) map.set(i, field);
  });
  const missing = [...REQUIRED].filter((f) => ![...map.values()].includes(f));
  if (missing.length > 0) {
    throw new ImportFileError(
      `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `${REPORT_COLUMNS[f][0]} (${f})`).join(', ')}; found: ${header.slice(0, 20).join(', ')}`,
    );
  }
  return map;
}

/** Reads a CSV or XLSX report into the validator. */
export async function readReportSheet(content: Buffer, limits: RegisterFileLimits, validator: ReportRowValidator): Promise<{ format: 'csv' | 'xlsx'; warnings: string[] }> {
  let columns: Map<number, ReportField> | undefined;
  const file = await readRegisterFile(content, limits, {
    isHeader: (cells) => cells.some((c) => REPORT_COLUMNS.platformShopId.includes(compact(c))),
    onHeader: (header) => {
      columns = mapReportColumns(header);
    },
  });
  columns ??= mapReportColumns(file.header);
  for (const row of file.rows) {
    const values: Partial<Record<ReportField, string>> = {};
    for (const [i, field] of columns) values[field] = row.cells[i];
    validator.add(row.row, values);
  }
  return { format: file.format, warnings: file.warnings };
}

/** Reads JSON Lines (one JSON object a line, blank lines skipped) from a stream of text chunks into the validator. */
export async function readJsonLines(chunks: AsyncIterable<string>, validator: ReportRowValidator): Promise<void> {
  let buffered = '';
  let line = 0;
  const take = (text: string) => {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      validator.count++;
      validator.errors.push({ row: line, field: null, reason: 'not valid JSON' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      validator.count++;
      validator.errors.push({ row: line, field: null, reason: 'each line must be one JSON object' });
      return;
    }
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).filter((k) => !(REPORT_FIELDS as readonly string[]).includes(k));
    validator.add(line, record as Partial<Record<ReportField, unknown>>, unknown);
  };
  for await (const chunk of chunks) {
    buffered += chunk;
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      take(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
    }
    if (buffered.length > 1024 * 1024) throw new ImportFileError(`line ${line + 1} is longer than 1 MiB: is this JSON Lines?`);
  }
  if (buffered.trim() !== '') take(buffered);
}
