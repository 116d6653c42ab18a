import { RegistrationStatus } from '../../../entities';
import { ImportFileError } from './read-register-file';

/**
 * The columns of a register file and how their headers map to OnlineEntity fields. Registration exports
 * (国家企业信用信息公示系统, 登记注册系统, county spreadsheets) name the same column many ways; the
 * English field names are accepted too. Matching ignores whitespace, full-/half-width differences
 * (（）vs ()), a leading `*` (templates mark required columns so) and, for English keys, case, `_` and `-`.
 */
export type RegisterField =
  | 'uscc'
  | 'name'
  | 'legalRepresentative'
  | 'address'
  | 'regionCode'
  | 'regionName'
  | 'registrationAuthority'
  | 'registrationStatus'
  | 'businessScope';

/**
 * Columns a file must have. The region is not among them: a file without a region code column gives it
 * by name (regionName), by registration authority (登记机关) or, failing both, through the USCC's
 * division code (see resolve-region.ts).
 */
export const REQUIRED_FIELDS: readonly RegisterField[] = ['uscc', 'name'];

/** The columns a row's region can come from, most preferred first. */
export const REGION_FIELDS: readonly RegisterField[] = ['regionCode', 'regionName', 'registrationAuthority'];

/** Header spellings of each field (normalised by `normalizeHeader` before lookup). */
export const FIELD_ALIASES: Readonly<Record<RegisterField, readonly string[]>> = {
  uscc: ['uscc', '统一社会信用代码', '社会信用代码', '信用代码', '统一代码', '统一社会信用代码/注册号'],
  name: ['name', '企业名称', '主体名称', '名称', '市场主体名称', '企业(机构)名称', '个体工商户名称'],
  legalRepresentative: [
    'legalRepresentative',
    '法定代表人',
    '法定代表人(负责人)',
    '法定代表人/负责人',
    '负责人',
    '经营者',
    '法人代表',
    '投资人',
  ],
  address: ['address', '住所', '注册地址', '经营场所', '住所(经营场所)', '住所/经营场所', '地址'],
  regionCode: ['regionCode', '行政区划代码', '区划代码', '所属区域代码', '属地代码', '所属行政区划代码', '区域代码'],
  regionName: [
    'regionName',
    '所属区域',
    '所属地区',
    '行政区划',
    '区域',
    '区县',
    '所属区县',
    '所在地区',
    '所在区县',
    '所属行政区划',
    '行政区划名称',
    '区划名称',
    '所属辖区',
  ],
  registrationAuthority: ['registrationAuthority', '登记机关', '登记机关名称', '注册机关', '发照机关'],
  registrationStatus: ['registrationStatus', '登记状态', '经营状态', '企业状态', '状态'],
  businessScope: ['businessScope', '经营范围'],
};

/** Normalises a header cell for lookup: NFKC (full-width → half-width), no whitespace, no `*`/`:` marks, English lower-cased. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^[*＊]+|[*＊:]+$/g, '')
    .replace(/[_-]/g, '')
    .toLowerCase();
}

const ALIAS_TO_FIELD: ReadonlyMap<string, RegisterField> = new Map(
  (Object.entries(FIELD_ALIASES) as [RegisterField, readonly string[]][]).flatMap(([field, aliases]) =>
    aliases.map((alias) => [normalizeHeader(alias), field] as const),
  ),
);

/** The field a header names, or undefined for a column the import does not know. */
export function fieldOfHeader(header: string): RegisterField | undefined {
  return ALIAS_TO_FIELD.get(normalizeHeader(header));
}

/** True for a row that looks like the header of a register file: it names the USCC column, or two known columns. */
export function looksLikeRegisterHeader(cells: string[]): boolean {
  const fields = new Set(cells.map(fieldOfHeader).filter((f) => f !== undefined));
  return fields.has('uscc') || fields.size >= 2;
}

export interface RegisterColumns {
  /** column index of each field present in the file */
  index: Partial<Record<RegisterField, number>>;
  /** the header text of each column, as written in the file (for row errors) */
  header: string[];
  /** "column X ignored" for every column that maps to no field */
  warnings: string[];
}

/** Spreadsheet letter of a 0-based column index: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/**
 * Maps a header row to fields. A missing required column and two columns naming the same field are
 * file-level errors (the file cannot be read unambiguously); an unknown column is a warning, never
 * silently dropped.
 */
export function mapRegisterColumns(header: string[]): RegisterColumns {
  const index: Partial<Record<RegisterField, number>> = {};
  const warnings: string[] = [];
  header.forEach((text, i) => {
    if (text === '') {
      warnings.push(`column ${columnLetter(i)} has no header: its values are ignored`);
      return;
    }
    const field = fieldOfHeader(text);
    if (!field) {
      warnings.push(`column "${text}" (${columnLetter(i)}) ignored: not a register field`);
      return;
    }
    const earlier = index[field];
    if (earlier !== undefined) {
      throw new ImportFileError(
        `columns "${header[earlier]}" (${columnLetter(earlier)}) and "${text}" (${columnLetter(i)}) both give ${field}: keep one of them`,
      );
    }
    index[field] = i;
  });
  const missing = REQUIRED_FIELDS.filter((f) => index[f] === undefined);
  if (missing.length > 0) {
    const names = missing.map((f) => `${FIELD_ALIASES[f][1]} (${f})`).join(', ');
    throw new ImportFileError(`required column${missing.length > 1 ? 's' : ''} missing: ${names}; the header row read was: ${header.join(' | ') || '(empty)'}`);
  }
  // a region column that a preferred one overrides is read by nobody: say so (the name column keeps
  // the authority column as its fallback for rows whose name cell is empty)
  const regionFrom = REGION_FIELDS.find((f) => index[f] !== undefined);
  if (regionFrom === 'regionCode') {
    for (const f of ['regionName', 'registrationAuthority'] as const) {
      const i = index[f];
      if (i !== undefined) {
        warnings.push(`column "${header[i]}" (${columnLetter(i)}) not used: regions are taken from the region code column "${header[index.regionCode!]}"`);
      }
    }
  }
  return { index, header, warnings };
}

const STATUS_VALUES: ReadonlyMap<string, RegistrationStatus> = new Map(
  (
    [
      [RegistrationStatus.ACTIVE, ['存续', '在业', '开业', '在营', '在册', '存续(在营、开业、在册)', 'active']],
      [RegistrationStatus.REVOKED, ['吊销', '吊销,未注销', '吊销未注销', 'revoked']],
      [RegistrationStatus.CANCELLED, ['注销', '吊销,已注销', '吊销后注销', '已注销', 'cancelled', 'canceled']],
      [RegistrationStatus.MOVED_OUT, ['迁出', '已迁出', 'moved_out', 'movedout', 'moved out']],
    ] as const
  ).flatMap(([status, words]) => words.map((w) => [normalizeStatusWord(w), status] as const)),
);

function normalizeStatusWord(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/**
 * The registration status a cell names: 存续/在业/开业/在营/active → ACTIVE; 吊销/吊销，未注销/revoked →
 * REVOKED; 注销/cancelled → CANCELLED; 迁出/moved_out → MOVED_OUT; an empty cell → ACTIVE. Undefined for
 * anything else (a row error).
 */
export function parseRegistrationStatus(value: string): RegistrationStatus | undefined {
  const v = normalizeStatusWord(value);
  if (v === '') return RegistrationStatus.ACTIVE;
  return STATUS_VALUES.get(v);
}

/** The words accepted for a status, for the row error message. */
export const STATUS_HINT = '存续/在业/开业/在营, 吊销, 注销, 迁出 or active, revoked, cancelled, moved_out';
