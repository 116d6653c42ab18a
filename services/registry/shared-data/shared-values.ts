import { PenaltyCategory, type RegisterChangeField, RegistrationChangeKind } from '../../../entities';
import { chinaDay } from '../../calendar/working-days';
import { quote } from '../import/resolve-region';
import { normalizeUscc, usccProblem } from '../uscc';

/**
 * The cell values of shared-data files (registration changes, administrative penalties): USCCs, days,
 * kinds of change, items, penalty categories and amounts. Each parser returns the value or the reason a
 * row error gives, in words for the person who sent the file.
 */

export type Parsed<T> = { value: T } | { reason: string };

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * A USCC cell checked as the register import checks it (GB 32100-2015 check character; a code Excel
 * stored as a number and cut is named as such).
 */
export function parseUsccCell(raw: string, lossy: boolean): Parsed<string> {
  const uscc = normalizeUscc(raw.normalize('NFKC')).replace(/^'/, '');
  if (uscc === '') return { reason: 'required: the cell is empty' };
  if (lossy || /^\d(\.\d+)?E\+\d+$/i.test(uscc)) {
    return { reason: `${quote(raw)} was stored as a number and Excel dropped its last digits: format the column as text and enter the code again` };
  }
  const problem = usccProblem(uscc);
  if (problem) return { reason: `invalid USCC ${quote(raw)}: ${problem}` };
  return { value: uscc };
}

/**
 * A text cell: control characters refused, runs of whitespace made one space unless `keepLines`, at most
 * `max` characters (PostgreSQL counts characters); empty → null.
 */
export function parseText(raw: string, max: number, keepLines = false): Parsed<string | null> {
  if (CONTROL_CHARS.test(raw)) return { reason: 'contains control characters (invisible bytes, e.g. from a broken copy): retype the cell' };
  const text = keepLines ? raw : raw.replace(/\s+/g, ' ');
  const length = [...text].length;
  if (length > max) return { reason: `too long: ${length} characters, at most ${max}` };
  return { value: text === '' ? null : text };
}

/**
 * A day as registration and enforcement exports write it: 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日,
 * 20260305, an XLSX date cell (a time after it is ignored). It must exist in the calendar and not lie
 * after today (China time): a registration fact or a decision is of the past.
 */
export function parseDay(raw: string): Parsed<string> {
  const text = raw.normalize('NFKC').trim();
  if (text === '') return { reason: 'required: the cell is empty' };
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return { reason: `${quote(raw)} is not a date (write it as 2026-03-05, 2026/3/5 or 2026年3月5日)` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { reason: `${quote(raw)} is not a day of the calendar` };
  }
  const iso = date.toISOString().slice(0, 10);
  if (year < 1949) return { reason: `${quote(raw)} lies before 1949` };
  const today = chinaDay();
  if (iso > today) return { reason: `${quote(raw)} lies in the future (today is ${today})` };
  return { value: iso };
}

function word(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const KIND_WORDS: ReadonlyMap<string, RegistrationChangeKind> = new Map(
  (
    [
      [RegistrationChangeKind.ESTABLISHED, ['设立', '成立', '设立登记', '开业', '开业登记', '新设', '新设立', '存续', '在业', '在营', 'established', 'establishment', 'active']],
      [RegistrationChangeKind.CHANGED, ['变更', '变更登记', '变更备案', '备案', 'changed', 'change']],
      [
        RegistrationChangeKind.DEREGISTERED,
        ['注销', '注销登记', '简易注销', '已注销', '吊销,已注销', '吊销后注销', 'deregistered', 'deregistration', 'cancelled', 'canceled'],
      ],
      [RegistrationChangeKind.REVOKED, ['吊销', '吊销营业执照', '吊销,未注销', '吊销未注销', '撤销登记', 'revoked', 'revocation']],
    ] as const
  ).flatMap(([kind, words]) => words.map((w) => [word(w), kind] as const)),
);

/** The words accepted for a kind of change, for the row error message. */
export const KIND_HINT = '设立/成立, 变更, 注销, 吊销 or established, changed, deregistered, revoked';

/** The kind of change a 变更类型 / 登记状态 cell names. */
export function parseChangeKind(raw: string): Parsed<RegistrationChangeKind> {
  if (raw.trim() === '') return { reason: `required: the cell is empty (use ${KIND_HINT})` };
  const kind = KIND_WORDS.get(word(raw));
  return kind ? { value: kind } : { reason: `unknown kind of change ${quote(raw)} (use ${KIND_HINT})` };
}

const ITEM_FIELDS: ReadonlyMap<string, RegisterChangeField> = new Map(
  (
    [
      ['name', ['名称', '企业名称', '主体名称', '字号名称', '个体工商户名称', '市场主体名称', '名称变更', 'name']],
      ['address', ['住所', '经营场所', '住所(经营场所)', '住所/经营场所', '地址', '注册地址', '经营地址', '住所变更', '经营场所变更', 'address']],
      [
        'legalRepresentative',
        ['法定代表人', '法定代表人(负责人)', '法定代表人/负责人', '负责人', '经营者', '法人代表', '法定代表人变更', '负责人变更', '经营者变更', 'legalrepresentative'],
      ],
      ['businessScope', ['经营范围', '经营范围变更', '一般经营项目', 'businessscope']],
    ] as const
  ).flatMap(([field, words]) => words.map((w) => [word(w), field as RegisterChangeField] as const)),
);

/**
 * The register field a 变更事项 names (名称, 住所/经营场所, 法定代表人/负责人/经营者, 经营范围, with or
 * without a trailing 变更), or null for an item the register does not hold (注册资本, 股东 …).
 */
export function registerFieldOfItem(item: string): RegisterChangeField | null {
  return ITEM_FIELDS.get(word(item)) ?? null;
}

/** Most characters of each register field (the online_entity column lengths). */
export const REGISTER_FIELD_MAX: Readonly<Record<RegisterChangeField, number>> = { name: 200, address: 300, legalRepresentative: 100, businessScope: 100_000 };

const CATEGORY_WORDS: ReadonlyArray<readonly [string, PenaltyCategory]> = (
  [
    [PenaltyCategory.WARNING, ['警告']],
    [PenaltyCategory.PUBLIC_CRITICISM, ['通报批评']],
    [PenaltyCategory.FINE, ['罚款']],
    [PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS, ['没收违法所得']],
    [PenaltyCategory.CONFISCATION_OF_ILLEGAL_PROPERTY, ['没收非法财物']],
    [PenaltyCategory.LICENCE_SUSPENDED, ['暂扣许可证件', '暂扣许可证', '暂扣营业执照', '暂扣执照', '暂扣许可证或者执照']],
    [PenaltyCategory.QUALIFICATION_LOWERED, ['降低资质等级']],
    [PenaltyCategory.LICENCE_REVOKED, ['吊销许可证件', '吊销许可证', '吊销营业执照', '吊销执照', '吊销许可证或者执照', '吊销']],
    [PenaltyCategory.BUSINESS_RESTRICTED, ['限制开展生产经营活动']],
    [PenaltyCategory.PRODUCTION_SUSPENDED, ['责令停产停业', '责令停业', '停产停业', '责令停业整顿']],
    [PenaltyCategory.CLOSURE_ORDERED, ['责令关闭']],
    [PenaltyCategory.PRACTICE_RESTRICTED, ['限制从业']],
    [PenaltyCategory.DETENTION, ['行政拘留']],
    [PenaltyCategory.OTHER, ['其他']],
  ] as const
).flatMap(([category, words]) => words.map((w) => [word(w), category] as const));

const CATEGORY_OF: ReadonlyMap<string, PenaltyCategory> = new Map(CATEGORY_WORDS);
const ENGLISH_CATEGORIES: ReadonlySet<string> = new Set(Object.values(PenaltyCategory));

/** The words accepted for a category of penalty, for the row error message. */
export const CATEGORY_HINT = '警告, 通报批评, 罚款, 没收违法所得, 没收非法财物, 暂扣许可证件, 降低资质等级, 吊销许可证件/营业执照, 限制开展生产经营活动, 责令停产停业, 责令关闭, 限制从业, 行政拘留, 其他';

/**
 * The kinds of penalty a 处罚类别 cell names, in the order written: several joined by 、 , ， ; ； / or
 * spaces (罚款、没收违法所得); "其他" and anything starting with it (其他-责令改正) is OTHER; English keys
 * (fine, warning …) are accepted too. Repeats are dropped.
 */
export function parsePenaltyCategories(raw: string): Parsed<PenaltyCategory[]> {
  const parts = raw
    .normalize('NFKC')
    .split(/[、,;/|\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return { reason: `required: the cell is empty (use ${CATEGORY_HINT})` };
  const out: PenaltyCategory[] = [];
  for (const part of parts) {
    const w = word(part);
    const category = CATEGORY_OF.get(w) ?? (ENGLISH_CATEGORIES.has(w) ? (w as PenaltyCategory) : w.startsWith('其他') ? PenaltyCategory.OTHER : undefined);
    if (!category) return { reason: `unknown kind of penalty ${quote(part)} (use ${CATEGORY_HINT})` };
    if (!out.includes(category)) out.push(category);
  }
  return { value: out };
}

/** Most yuan numeric(16,2) holds. */
const MAX_YUAN_DIGITS = 14;

/**
 * An amount in yuan as a decimal string with two places (exact: no floating point), from a cell in the
 * column's unit (1 = 元, 10,000 = 万元); a cell may end in its own 元/万元, which wins. Thousands
 * separators are accepted; negative amounts, more than two places of yuan (fen) and anything not a
 * number are refused. An empty cell is null.
 */
export function parseAmount(raw: string, columnUnit: 1 | 10000): Parsed<string | null> {
  let text = raw.normalize('NFKC').replace(/\s+/g, '');
  if (text === '') return { value: null };
  let unit = columnUnit;
  const suffix = /(万元|万|元)$/.exec(text);
  if (suffix) {
    unit = suffix[1] === '元' ? 1 : 10000;
    text = text.slice(0, suffix.index);
  }
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(text)) {
    return { reason: `${quote(raw)} is not an amount (a number of ${columnUnit === 10000 ? '万元' : '元'}, e.g. ${columnUnit === 10000 ? '1.5' : '15000.00'})` };
  }
  const [whole, fraction = ''] = text.replace(/,/g, '').split('.');
  const shift = unit === 10000 ? 4 : 0;
  const digits = whole + fraction.padEnd(shift, '0');
  const intPart = digits.slice(0, whole.length + shift).replace(/^0+(?=\d)/, '');
  const cents = digits.slice(whole.length + shift);
  if (/[1-9]/.test(cents.slice(2))) {
    return { reason: `${quote(raw)}${unit === 10000 ? ' 万元' : ''} is not a whole number of fen (at most two decimal places of yuan)` };
  }
  if (intPart.length > MAX_YUAN_DIGITS) return { reason: `${quote(raw)} is too large an amount` };
  return { value: `${intPart}.${cents.slice(0, 2).padEnd(2, '0')}` };
}

/** The sum of decimal strings with two places (exact), or null when all are null. */
export function sumAmounts(...amounts: (string | null)[]): string | null {
  const given = amounts.filter((a): a is string => a !== null);
  if (given.length === 0) return null;
  const cents = given.reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
  const s = cents.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}
