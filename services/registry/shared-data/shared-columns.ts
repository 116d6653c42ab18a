import { ImportFileError } from '../import/read-register-file';
import { columnLetter, FIELD_ALIASES, normalizeHeader } from '../import/register-columns';
import { parseText } from './shared-values';

/**
 * The columns of the files other bodies share (issue 16) and how their headers map to fields: registration
 * changes as a registration system exports them (登记信息变更/注销/吊销), administrative penalties as
 * 信用中国 and the enforcement systems publish them (行政处罚). Headers are matched as the register import
 * matches them (`normalizeHeader`: whitespace, full-/half-width, a leading `*`, English case, `_`/`-`);
 * an amount column may name its unit in brackets — 罚款金额（万元）, 罚没金额（元）— and is read in it.
 */

export type ChangeField = 'uscc' | 'name' | 'kind' | 'changeDate' | 'approvalDate' | 'item' | 'before' | 'after' | 'authority' | 'reason';

export const CHANGE_ALIASES: Readonly<Record<ChangeField, readonly string[]>> = {
  uscc: FIELD_ALIASES.uscc,
  name: FIELD_ALIASES.name,
  kind: ['kind', '变更类型', '登记类型', '业务类型', '登记业务类型', '变更登记类型', '事项类型', '类型', '登记状态', '经营状态', '企业状态', 'changeType', 'status'],
  changeDate: ['changeDate', '变更日期', '登记日期', '注销日期', '吊销日期', '成立日期', '设立日期', '日期', 'date'],
  approvalDate: ['approvalDate', '核准日期', '核准时间', '审核日期'],
  item: ['item', '变更事项', '变更项目', '变更事项名称', '变更内容项'],
  before: ['before', '变更前内容', '变更前', '变更前信息'],
  after: ['after', '变更后内容', '变更后', '变更后信息'],
  authority: ['authority', 'registrationAuthority', '登记机关', '登记机关名称', '核准机关', '注册机关'],
  reason: ['reason', '注销原因', '吊销原因', '原因', '变更原因'],
};

/** A change file needs the USCC and the kind; the date comes from 变更日期 or, failing it, 核准日期. */
export const CHANGE_REQUIRED: readonly (ChangeField | readonly ChangeField[])[] = ['uscc', 'kind', ['changeDate', 'approvalDate']];

export type PenaltyField =
  | 'decisionNumber'
  | 'uscc'
  | 'partyName'
  | 'violationType'
  | 'violationFacts'
  | 'legalBasis'
  | 'penaltyType'
  | 'content'
  | 'fineAmount'
  | 'confiscationAmount'
  | 'totalAmount'
  | 'decisionDate'
  | 'authority';

export const PENALTY_ALIASES: Readonly<Record<PenaltyField, readonly string[]>> = {
  decisionNumber: ['decisionNumber', '行政处罚决定书文号', '处罚决定书文号', '决定书文号', '处罚文号', '文书号', '文号'],
  uscc: [...FIELD_ALIASES.uscc, '当事人统一社会信用代码', '行政相对人统一社会信用代码', '行政相对人代码_1(统一社会信用代码)'],
  partyName: ['partyName', '当事人名称', '行政相对人名称', '被处罚单位名称', '当事人', ...FIELD_ALIASES.name.filter((a) => a !== 'name')],
  violationType: ['violationType', '违法行为类型', '违法类型', '案由', '违法行为'],
  violationFacts: ['violationFacts', '违法事实', '主要违法事实'],
  legalBasis: ['legalBasis', '处罚依据', '法律依据'],
  penaltyType: ['penaltyType', '处罚类别', '处罚种类', '处罚类型', 'categories'],
  content: ['content', '处罚内容', '处罚结果'],
  fineAmount: ['fineAmount', '罚款金额', '罚款'],
  confiscationAmount: ['confiscationAmount', '没收违法所得、没收非法财物的金额', '没收违法所得,没收非法财物的金额', '没收违法所得金额', '没收金额'],
  totalAmount: ['totalAmount', '罚没金额', '罚没款金额', '罚没款'],
  decisionDate: ['decisionDate', '处罚决定日期', '决定日期', '作出处罚决定日期', '处罚日期', '作出行政处罚决定日期'],
  authority: ['authority', '处罚机关', '处罚决定机关', '作出处罚决定的机关名称', '实施机关', '执法机关'],
};

export const PENALTY_REQUIRED: readonly (PenaltyField | readonly PenaltyField[])[] = ['decisionNumber', 'uscc', 'penaltyType', 'decisionDate'];

/** Fields read as amounts: their header may carry a unit (元 or 万元). */
export const AMOUNT_FIELDS: ReadonlySet<string> = new Set(['fineAmount', 'confiscationAmount', 'totalAmount']);

export interface SharedColumns<F extends string> {
  /** column index of each field present in the file */
  index: Partial<Record<F, number>>;
  /** the header text of each column, as written in the file (for row errors) */
  header: string[];
  /** the unit an amount column is in: 1 (元) or 10,000 (万元) */
  unit: Partial<Record<F, 1 | 10000>>;
  warnings: string[];
}

/** An amount header's unit in brackets at its end, after NFKC: 罚款金额(万元), 罚没金额(元). */
const UNIT_SUFFIX = /[(](万元|元)[)]$/;

function splitUnit(header: string): { base: string; unit?: 1 | 10000 } {
  const text = header.normalize('NFKC').replace(/\s+/g, '');
  const m = UNIT_SUFFIX.exec(text);
  if (!m) return { base: header };
  return { base: text.slice(0, m.index), unit: m[1] === '万元' ? 10000 : 1 };
}

/** The field lookup of an alias table (normalised header → field). */
export function aliasLookup<F extends string>(aliases: Readonly<Record<F, readonly string[]>>): (header: string) => F | undefined {
  const map = new Map<string, F>();
  for (const [field, names] of Object.entries(aliases) as [F, readonly string[]][]) {
    for (const name of names) if (!map.has(normalizeHeader(name))) map.set(normalizeHeader(name), field);
  }
  return (header) => map.get(normalizeHeader(header)) ?? map.get(normalizeHeader(splitUnit(header).base));
}

/** A header recogniser for readRegisterFile: the row names the USCC column and one more known column. */
export function headerRecogniser<F extends string>(aliases: Readonly<Record<F, readonly string[]>>): (cells: string[]) => boolean {
  const fieldOf = aliasLookup(aliases);
  return (cells) => {
    const fields = new Set(cells.map(fieldOf).filter((f) => f !== undefined));
    return fields.size >= 2 && (fields as Set<string>).has('uscc');
  };
}

/**
 * Maps a header row to fields as the register import does: a missing required column and two columns
 * giving the same field are file-level errors; an unknown column is a warning. `describe` names the file
 * kind in messages (e.g. "a registration change file").
 */
export function mapSharedColumns<F extends string>(
  header: string[],
  aliases: Readonly<Record<F, readonly string[]>>,
  required: readonly (F | readonly F[])[],
  describe: string,
): SharedColumns<F> {
  const fieldOf = aliasLookup(aliases);
  const index: Partial<Record<F, number>> = {};
  const unit: Partial<Record<F, 1 | 10000>> = {};
  const warnings: string[] = [];
  header.forEach((text, i) => {
    if (text === '') {
      warnings.push(`column ${columnLetter(i)} has no header: its values are ignored`);
      return;
    }
    const field = fieldOf(text);
    if (!field) {
      warnings.push(`column "${text}" (${columnLetter(i)}) ignored: not a field of ${describe}`);
      return;
    }
    const earlier = index[field];
    if (earlier !== undefined) {
      throw new ImportFileError(`columns "${header[earlier]}" (${columnLetter(earlier)}) and "${text}" (${columnLetter(i)}) both give ${field}: keep one of them`);
    }
    index[field] = i;
    if (AMOUNT_FIELDS.has(field)) {
      const given = splitUnit(text).unit;
      if (given === undefined) warnings.push(`column "${text}" (${columnLetter(i)}) names no unit: its amounts are read as yuan (元)`);
      unit[field] = given ?? 1;
    }
  });
  const missing = required.filter((r) => (typeof r === 'string' ? index[r as F] === undefined : (r as readonly F[]).every((f) => index[f] === undefined)));
  if (missing.length > 0) {
    const name = (f: F) => `${aliases[f][1]} (${f})`;
    const names = missing.map((r) => (typeof r === 'string' ? name(r as F) : (r as readonly F[]).map(name).join(' or '))).join(', ');
    throw new ImportFileError(`required column${missing.length > 1 ? 's' : ''} missing: ${names}; the header row read was: ${header.join(' | ') || '(empty)'}`);
  }
  return { index, header, unit, warnings };
}

/**
 * The cells of one data row of a shared-data file, read by field: `cell` (text, '' when the file lacks the
 * column), `has`, `text` (checked by parseText; undefined without the column, null on an error) and `fail`,
 * which records a row error at the field's column; `failed` says whether any did.
 */
export function rowReader<F extends string>(
  columns: SharedColumns<F>,
  row: number,
  cells: readonly string[],
  errors: Array<{ row: number; col: number; column: string | null; reason: string }>,
) {
  const reader = {
    failed: false,
    has: (field: F) => columns.index[field] !== undefined,
    cell: (field: F) => (reader.has(field) ? (cells[columns.index[field]!] ?? '') : ''),
    fail: (field: F, reason: string) => {
      const col = columns.index[field]!;
      errors.push({ row, col, column: columns.header[col], reason });
      reader.failed = true;
    },
    text: (field: F, max: number, keepLines = false): string | null | undefined => {
      if (!reader.has(field)) return undefined;
      const parsed = parseText(reader.cell(field), max, keepLines);
      if ('reason' in parsed) {
        reader.fail(field, parsed.reason);
        return null;
      }
      return parsed.value;
    },
  };
  return reader;
}
