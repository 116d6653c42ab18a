import ExcelJS from 'exceljs';
import { graphql } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorFromEntityManager } from '../store';
import { checkRules } from '../crawlers/runs/check-rules';
import {
  type Actor,
  AdministrativePenalty,
  AuditEntry,
  Finding,
  ImportBatch,
  OnlineEntity,
  PenaltyCategory,
  RegistrationChange,
  RegistrationChangeKind,
  RegistrationStatus,
  runAs,
  Shop,
  ShopClassification,
} from '../entities';
import { createLoaders } from '../resolvers/loaders';
import { loadConfig } from '../kernel/config';
import { timeSeriesOf } from '../server/database';
import { buildHongdunSchema } from '../server/graphql';
import { importEntities, ImportFileError } from '../services/registry/import/import-entities.command';
import { quote } from '../services/registry/import/resolve-region';
import { loadRegions } from '../services/registry/region-catalog';
import { importPenalties } from '../services/registry/shared-data/import-penalties.command';
import { importRegistrationChanges } from '../services/registry/shared-data/import-registration-changes.command';
import { mapSharedColumns, PENALTY_ALIASES, PENALTY_REQUIRED } from '../services/registry/shared-data/shared-columns';
import type { SharedImportReport } from '../services/registry/shared-data/shared-import';
import {
  CATEGORY_HINT,
  KIND_HINT,
  parseAmount,
  parseChangeKind,
  parseDay,
  parsePenaltyCategories,
  registerFieldOfItem,
} from '../services/registry/shared-data/shared-values';
import { makeUscc, usccProblem } from '../services/registry/uscc';
import { runAsSystem } from '../services/system-actor';
import { BACKEND, openTestDatabase, type TestDatabase } from './support/database';

// ------------------------------------------------------------------------------------------ harness

/** An inspector of 历下区 (370102), Jinan. */
const tester: Actor = {
  kind: 'user',
  id: 1,
  name: 'tester',
  unitId: null,
  role: 'inspector',
  permissions: new Set(['registry:import']),
  prefixes: ['370102'],
};

const LIMITS = { maxRows: 5000, maxBytes: 5 * 1024 * 1024 };

let db: TestDatabase;
const fork = () => db.orm.em.fork() as EntityManager;

/** A valid USCC: `series` keeps the tests' businesses apart. */
function code(series: string, n: number, division = '370102'): string {
  return makeUscc(division, `${series}${String(n).padStart(7, '0')}`);
}

type Run = (em: EntityManager, props: Parameters<typeof importPenalties>[1]) => Promise<SharedImportReport>;
function importAs(run: Run, actor: Actor, content: Buffer, opts: { strict?: boolean; fileName?: string } = {}): Promise<SharedImportReport> {
  return runAs(actor, () => run(fork(), { fileName: opts.fileName ?? 'shared.xlsx', content, strict: opts.strict ?? false, limits: LIMITS }));
}
const importChanges = (content: Buffer, opts?: { strict?: boolean; fileName?: string }) => importAs(importRegistrationChanges, tester, content, opts);
const importPenaltyFile = (content: Buffer, opts?: { strict?: boolean; fileName?: string }) => importAs(importPenalties, tester, content, opts);

/** Everything in the database, seen past the access rule (for assertions only). */
function systemFind<T extends object>(entity: new () => T, where: object, orderBy: object = { id: 'asc' }) {
  return runAsSystem('test', () => fork().find(entity as never, where as never, { orderBy } as never) as Promise<T[]>);
}
async function entity(uscc: string): Promise<OnlineEntity> {
  const [e] = await systemFind(OnlineEntity, { uscc });
  return e;
}
function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('test', () => fork().getConnection().execute(query, params)) as Promise<T[]>;
}
/** Row count and an md5 of every row: equal means nothing was written. */
async function fingerprint(): Promise<Record<string, string>> {
  const tables = ['online_entity', 'registration_change', 'administrative_penalty', 'audit_entry'];
  const [row] = await sql<Record<string, string>>(
    `select ${tables.map((t) => `(select count(*) || ':' || md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from ${t} x) as ${t}`).join(', ')}`,
  );
  return { ...row };
}

async function xlsx(rows: ExcelJS.CellValue[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function csvText(rows: string[][]): string {
  const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}

/** A GB18030 (GBK part) encoder for the test files, built from the platform's decoder (as test/import-entities.test.ts). */
let gbk: Map<string, number[]> | undefined;
function encodeGb18030(text: string): Buffer {
  if (!gbk) {
    gbk = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(a, b));
        if (ch.length === 1 && ch !== '\ufffd' && !gbk.has(ch)) gbk.set(ch, [a, b]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else bytes.push(...gbk.get(ch)!);
  }
  return Buffer.from(bytes);
}

const AUTHORITY = '济南市历下区市场监督管理局';

// the register: businesses of 历下区 (imported by the tester) and one of 市中区 (370103, outside)
const A = code('C', 1);
const B = code('C', 2);
const C = code('C', 3);
const D = code('C', 4);
const E = code('C', 5);
const F = code('C', 6);
const G = code('C', 7);
const H = code('C', 8);
const P = code('C', 10);
const Q = code('C', 11);
const UNKNOWN = code('C', 90);
const OUTSIDE = code('C', 91, '370103');

beforeAll(async () => {
  db = await openTestDatabase();
  await runAsSystem('test', () => loadRegions(fork()));
  const register = [
    ['统一社会信用代码', '企业名称', '法定代表人', '住所', '行政区划代码'],
    [A, '济南甲商贸有限公司', '张甲', '济南市历下区文化东路1号', '370102'],
    [B, '济南乙电子商务有限公司', '李乙', '济南市历下区旧址路2号', '370102'],
    [C, '济南丙食品有限公司', '王丙', '济南市历下区解放路3号', '370102'],
    [D, '济南丁服饰有限公司', '赵丁', '济南市历下区和平路4号', '370102'],
    [E, '济南戊科技有限公司', '钱戊', '济南市历下区山大路5号', '370102'],
    [F, '济南己百货有限公司', '孙己', '济南市历下区泺源大街6号', '370102'],
    [G, '济南庚商行', '周庚', '济南市历下区趵突泉北路7号', '370102'],
    [H, '济南辛网店有限公司', '吴辛', '济南市历下区经十路8号', '370102'],
    [P, '济南壬药房有限公司', '郑壬', '济南市历下区花园路9号', '370102'],
    [Q, '济南癸餐饮管理有限公司', '冯癸', '济南市历下区千佛山路10号', '370102'],
  ];
  const seeded = await runAs(tester, () =>
    importEntities(fork(), { fileName: 'register.csv', content: Buffer.from(csvText(register)), strict: true, limits: LIMITS }),
  );
  expect(seeded).toMatchObject({ status: 'committed', created: 10 });
  const outside = await runAsSystem('test', () =>
    importEntities(fork(), {
      fileName: 'other.csv',
      content: Buffer.from(csvText([['统一社会信用代码', '企业名称', '行政区划代码'], [OUTSIDE, '济南市中某某有限公司', '370103']])),
      strict: true,
      limits: LIMITS,
    }),
  );
  expect(outside).toMatchObject({ status: 'committed', created: 1 });
});

afterAll(async () => {
  await db?.close();
});

// ------------------------------------------------------------------------------------ vocabulary

describe('shared-data vocabulary', () => {
  it('reads the kinds of change as registration systems write them', () => {
    const kinds = (words: string[]) => words.map((w) => ('value' in parseChangeKind(w) ? (parseChangeKind(w) as { value: string }).value : null));
    expect(kinds(['设立', '成立', '设立登记', '开业', 'established'])).toEqual(Array(5).fill(RegistrationChangeKind.ESTABLISHED));
    expect(kinds(['变更', '变更登记', 'Changed'])).toEqual(Array(3).fill(RegistrationChangeKind.CHANGED));
    expect(kinds(['注销', '简易注销', '注销登记', '吊销，已注销', 'deregistered', 'cancelled'])).toEqual(Array(6).fill(RegistrationChangeKind.DEREGISTERED));
    expect(kinds(['吊销', '吊销营业执照', '吊销，未注销', 'revoked'])).toEqual(Array(4).fill(RegistrationChangeKind.REVOKED));
    expect(parseChangeKind('迁出')).toEqual({ reason: `unknown kind of change "迁出" (use ${KIND_HINT})` });
    expect(parseChangeKind('')).toEqual({ reason: `required: the cell is empty (use ${KIND_HINT})` });
  });

  it('maps change items to register fields, others to none', () => {
    expect(['名称', '企业名称', '名称变更', '住所', '经营场所', '住所（经营场所）', '法定代表人', '负责人', '经营者', '经营范围'].map(registerFieldOfItem)).toEqual([
      'name', 'name', 'name', 'address', 'address', 'address', 'legalRepresentative', 'legalRepresentative', 'legalRepresentative', 'businessScope',
    ]);
    expect(['注册资本', '股东(发起人)', '经营期限'].map(registerFieldOfItem)).toEqual([null, null, null]);
  });

  it('reads days in the usual spellings and refuses impossible or future ones', () => {
    for (const day of ['2024-05-06', '2024/5/6', '2024.5.6', '2024年5月6日', '20240506', '2024-05-06 00:00:00']) expect(parseDay(day)).toEqual({ value: '2024-05-06' });
    expect(parseDay('2026-02-30')).toEqual({ reason: '"2026-02-30" is not a day of the calendar' });
    expect(parseDay('五月六日')).toEqual({ reason: '"五月六日" is not a date (write it as 2026-03-05, 2026/3/5 or 2026年3月5日)' });
    expect(parseDay('2999-01-01')).toMatchObject({ reason: expect.stringMatching(/^"2999-01-01" lies in the future \(today is \d{4}-\d{2}-\d{2}\)$/) });
  });

  it('reads penalty categories, several to a cell', () => {
    expect(parsePenaltyCategories('警告、罚款')).toEqual({ value: [PenaltyCategory.WARNING, PenaltyCategory.FINE] });
    expect(parsePenaltyCategories('罚款；没收违法所得，没收非法财物')).toEqual({
      value: [PenaltyCategory.FINE, PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS, PenaltyCategory.CONFISCATION_OF_ILLEGAL_PROPERTY],
    });
    expect(parsePenaltyCategories('吊销营业执照')).toEqual({ value: [PenaltyCategory.LICENCE_REVOKED] });
    expect(parsePenaltyCategories('责令停产停业 其他-责令改正')).toEqual({ value: [PenaltyCategory.PRODUCTION_SUSPENDED, PenaltyCategory.OTHER] });
    expect(parsePenaltyCategories('罚金')).toEqual({ reason: `unknown kind of penalty "罚金" (use ${CATEGORY_HINT})` });
  });

  it('converts amounts to exact yuan, 万元 included', () => {
    expect(parseAmount('1.5', 10000)).toEqual({ value: '15000.00' });
    expect(parseAmount('0.35', 10000)).toEqual({ value: '3500.00' });
    expect(parseAmount('1.234567', 10000)).toEqual({ value: '12345.67' });
    expect(parseAmount('12,500.5', 1)).toEqual({ value: '12500.50' });
    expect(parseAmount('3万元', 1)).toEqual({ value: '30000.00' });
    expect(parseAmount('', 10000)).toEqual({ value: null });
    expect(parseAmount('1.2345678', 10000)).toEqual({ reason: '"1.2345678" 万元 is not a whole number of fen (at most two decimal places of yuan)' });
    expect(parseAmount('-5', 1)).toEqual({ reason: '"-5" is not an amount (a number of 元, e.g. 15000.00)' });
  });

  it('takes an amount column in the unit its header names, and says when it names none', () => {
    const columns = mapSharedColumns(
      ['行政处罚决定书文号', '统一社会信用代码', '处罚类别', '罚款金额（万元）', '没收违法所得、没收非法财物的金额（万元）', '罚没金额', '处罚决定日期'],
      PENALTY_ALIASES,
      PENALTY_REQUIRED,
      'an administrative penalty file',
    );
    expect(columns.index).toEqual({ decisionNumber: 0, uscc: 1, penaltyType: 2, fineAmount: 3, confiscationAmount: 4, totalAmount: 5, decisionDate: 6 });
    expect(columns.unit).toEqual({ fineAmount: 10000, confiscationAmount: 10000, totalAmount: 1 });
    expect(columns.warnings).toEqual(['column "罚没金额" (F) names no unit: its amounts are read as yuan (元)']);
  });
});

// ------------------------------------------------------------------------- registration changes

const CHANGE_HEADER = ['统一社会信用代码', '企业名称', '变更类型', '变更事项', '变更前内容', '变更后内容', '变更日期', '登记机关', '注销原因', '备注'];

describe(`registration changes (${BACKEND})`, () => {
  let first: SharedImportReport;
  let file: Buffer;
  const badUscc = `${UNKNOWN.slice(0, 17)}${UNKNOWN[17] === '1' ? '2' : '1'}`;

  it('imports an XLSX export: facts kept, the register set to the newest, every bad row reported', async () => {
    file = await xlsx([
      ['登记信息变更记录（2025年度）'],
      CHANGE_HEADER,
      [A, '济南甲商贸有限公司', '设立', '', '', '', new Date(Date.UTC(2015, 2, 2)), AUTHORITY, '', ''],
      [B, '济南乙电子商务有限公司', '变更', '名称', '济南乙电子商务有限公司', '济南乙网络科技有限公司', '2024/5/6', AUTHORITY, '', ''],
      [B, '济南乙网络科技有限公司', '变更', '住所', '济南市历下区旧址路2号', '济南市历下区泉城路1号', '2024年5月6日', AUTHORITY, '', ''],
      [B, '济南乙网络科技有限公司', '变更', '注册资本', '100万元人民币', '500万元人民币', '2023-01-10', AUTHORITY, '', ''],
      [C, '济南丙食品有限公司', '注销', '', '', '', '2025-11-20', AUTHORITY, '决议解散', '简易注销'],
      [D, '济南丁服饰有限公司', '吊销', '', '', '', '2025-08-01', AUTHORITY, '', '连续六个月未开业'],
      [UNKNOWN, '济南未登记有限公司', '注销', '', '', '', '2025-01-01', AUTHORITY, '', ''],
      [OUTSIDE, '济南市中某某有限公司', '注销', '', '', '', '2025-01-01', AUTHORITY, '', ''],
      [badUscc, '校验位错误有限公司', '注销', '', '', '', '2025-01-01', AUTHORITY, '', ''],
      [A, '济南甲商贸有限公司', '变更', '', '', '', '2025-01-01', AUTHORITY, '', ''],
      [A, '济南甲商贸有限公司', '迁出', '', '', '', '2025-01-01', AUTHORITY, '', ''],
      [A, '济南甲商贸有限公司', '设立', '', '', '', '2026-02-30', AUTHORITY, '', ''],
      [C, '济南丙食品有限公司', '注销', '', '', '', '2025/11/20', AUTHORITY, '', ''],
    ]);
    first = await importChanges(file, { fileName: '登记变更.xlsx' });
    expect(first).toEqual({
      batchId: expect.any(Number),
      kind: 'registration_changes',
      status: 'committed',
      totalRows: 13,
      created: 6,
      updated: 0,
      unchanged: 0,
      rejected: 7,
      entitiesUpdated: 3,
      errors: [
        { row: 9, column: '统一社会信用代码', reason: `${UNKNOWN} is not in the register: import the business first (import entities), then this file again` },
        {
          row: 10,
          column: '统一社会信用代码',
          reason: `${OUTSIDE} is registered to a business outside your jurisdiction: only the unit responsible for it can record its registration changes`,
        },
        { row: 11, column: '统一社会信用代码', reason: `invalid USCC ${quote(badUscc)}: ${usccProblem(badUscc)}` },
        { row: 12, column: '变更事项', reason: 'required for a change (变更): which item changed' },
        { row: 13, column: '变更类型', reason: `unknown kind of change "迁出" (use ${KIND_HINT})` },
        { row: 14, column: '变更日期', reason: '"2026-02-30" is not a day of the calendar' },
        { row: 15, column: '变更类型', reason: `the same fact (${C}, deregistered, 2025-11-20) is already given in row 7` },
      ],
      warnings: ['row 1 above the header (row 2) ignored', 'column "备注" (J) ignored: not a field of a registration change file'],
    });

    // the register follows the newest facts
    expect(await entity(A)).toMatchObject({ registrationStatus: RegistrationStatus.ACTIVE, name: '济南甲商贸有限公司' });
    expect(await entity(B)).toMatchObject({ registrationStatus: RegistrationStatus.ACTIVE, name: '济南乙网络科技有限公司', address: '济南市历下区泉城路1号' });
    expect((await entity(C)).registrationStatus).toBe(RegistrationStatus.CANCELLED);
    expect((await entity(D)).registrationStatus).toBe(RegistrationStatus.REVOKED);

    // every fact kept, naming its batch
    const rows = await systemFind(RegistrationChange, {}, { id: 'asc' });
    expect(
      rows.map((r) => ({ uscc: r.uscc, kind: r.kind, day: r.changeDate, item: r.item, field: r.registerField, after: r.afterValue, applied: r.applied, reason: r.reason })),
    ).toEqual([
      { uscc: A, kind: 'established', day: '2015-03-02', item: '', field: null, after: null, applied: true, reason: null },
      { uscc: B, kind: 'changed', day: '2024-05-06', item: '名称', field: 'name', after: '济南乙网络科技有限公司', applied: true, reason: null },
      { uscc: B, kind: 'changed', day: '2024-05-06', item: '住所', field: 'address', after: '济南市历下区泉城路1号', applied: true, reason: null },
      { uscc: B, kind: 'changed', day: '2023-01-10', item: '注册资本', field: null, after: '500万元人民币', applied: false, reason: null },
      { uscc: C, kind: 'deregistered', day: '2025-11-20', item: '', field: null, after: null, applied: true, reason: '决议解散' },
      { uscc: D, kind: 'revoked', day: '2025-08-01', item: '', field: null, after: null, applied: true, reason: null },
    ]);
    expect(new Set(rows.map((r) => r.importBatchId))).toEqual(new Set([first.batchId]));
    expect(new Set(rows.map((r) => r.regionCode))).toEqual(new Set(['370102']));
    expect(rows.every((r) => r.authority === AUTHORITY)).toBe(true);

    const [batch] = await systemFind(ImportBatch, { id: first.batchId });
    expect(batch).toMatchObject({ kind: 'registration_changes', fileName: '登记变更.xlsx', format: 'xlsx', status: 'committed', created: 6, unchanged: 0, rejected: 7, actorName: 'tester', regionCode: '370102' });
    expect(batch.errors).toEqual(first.errors);

    // audited under the operation's name: six facts and three businesses
    const audit = await systemFind(AuditEntry, { operation: 'importRegistrationChanges' });
    expect(audit.filter((a) => a.entityType === 'RegistrationChange').map((a) => a.action)).toEqual(Array(6).fill('create'));
    expect(audit.filter((a) => a.entityType === 'OnlineEntity').map((a) => [a.entityId, a.action])).toEqual(
      await Promise.all([B, C, D].map(async (u) => [String((await entity(u)).id), 'update'])),
    );
  });

  it('the same file again changes nothing (but records its batch)', async () => {
    const before = await fingerprint();
    const again = await importChanges(file, { fileName: '登记变更.xlsx' });
    expect(again).toMatchObject({ status: 'committed', totalRows: 13, created: 0, updated: 0, unchanged: 6, rejected: 7, entitiesUpdated: 0 });
    expect(again.errors).toEqual(first.errors);
    expect(again.batchId).not.toBe(first.batchId);
    expect(await fingerprint()).toEqual(before);
  });

  it('strict: one bad row and nothing is written', async () => {
    const strictFile = Buffer.from(
      csvText([
        ['统一社会信用代码', '企业名称', '变更类型', '变更日期'],
        [E, '济南戊科技有限公司', '注销', '2025-10-10'],
        [UNKNOWN, '济南未登记有限公司', '注销', '2025-10-10'],
      ]),
    );
    const before = await fingerprint();
    const report = await importChanges(strictFile, { strict: true, fileName: 'strict.csv' });
    expect(report).toEqual({
      batchId: expect.any(Number),
      kind: 'registration_changes',
      status: 'rejected',
      totalRows: 2,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 1,
      entitiesUpdated: 0,
      errors: [{ row: 3, column: '统一社会信用代码', reason: `${UNKNOWN} is not in the register: import the business first (import entities), then this file again` }],
      warnings: [],
    });
    expect(await fingerprint()).toEqual(before);
    expect((await entity(E)).registrationStatus).toBe(RegistrationStatus.ACTIVE);
    const [batch] = await systemFind(ImportBatch, { id: report.batchId });
    expect(batch).toMatchObject({ kind: 'registration_changes', status: 'rejected', strict: true, format: 'csv', created: 0, rejected: 1 });
  });

  it('an older fact is kept but never undoes a newer one; a corrected fact is updated and applied', async () => {
    const older = Buffer.from(
      csvText([
        ['统一社会信用代码', '企业名称', '变更类型', '变更事项', '变更前内容', '变更后内容', '变更日期'],
        [C, '济南丙食品有限公司', '设立', '', '', '', '2010-01-05'],
        [B, '济南乙电子商务有限公司', '变更', '名称', '济南乙商贸有限公司', '济南乙电子商务有限公司', '2020-03-03'],
        [B, '济南乙电子商务有限公司', '变更', '住所', '济南市历下区旧址路2号', '济南市历下区泉城路1号甲', '2024-05-06'],
      ]),
    );
    const report = await importChanges(older, { fileName: 'older.csv' });
    expect(report).toMatchObject({ status: 'committed', created: 2, updated: 1, unchanged: 0, rejected: 0, entitiesUpdated: 1, errors: [] });
    expect((await entity(C)).registrationStatus).toBe(RegistrationStatus.CANCELLED); // 2025 注销 stands over the 2010 设立
    expect(await entity(B)).toMatchObject({ name: '济南乙网络科技有限公司', address: '济南市历下区泉城路1号甲' });
    const facts = await systemFind(RegistrationChange, { importBatchId: report.batchId }, { id: 'asc' });
    expect(facts.map((f) => [f.uscc, f.kind, f.changeDate, f.item, f.applied])).toEqual([
      [B, 'changed', '2024-05-06', '住所', true],
      [C, 'established', '2010-01-05', '', false],
      [B, 'changed', '2020-03-03', '名称', false],
    ]);
  });

  it('imports a GB18030 status export (登记状态, 核准日期, English kinds)', async () => {
    const text = csvText([
      ['统一社会信用代码', '企业名称', '登记状态', '核准日期', '登记机关'],
      [F, '济南己百货有限公司', 'revoked', '20250301', AUTHORITY],
      [G, '济南庚商行', '吊销，已注销', '2025.6.30', AUTHORITY],
    ]);
    const report = await importChanges(encodeGb18030(text), { fileName: '经营异常状态.csv' });
    expect(report).toMatchObject({ status: 'committed', totalRows: 2, created: 2, rejected: 0, entitiesUpdated: 2, errors: [], warnings: [] });
    expect((await entity(F)).registrationStatus).toBe(RegistrationStatus.REVOKED);
    expect((await entity(G)).registrationStatus).toBe(RegistrationStatus.CANCELLED);
    const [g] = await systemFind(RegistrationChange, { uscc: G });
    expect(g).toMatchObject({ kind: RegistrationChangeKind.DEREGISTERED, changeDate: '2025-06-30', entityName: '济南庚商行', authority: AUTHORITY });
  });

  it('refuses a file without the columns it needs, writing nothing', async () => {
    const before = await fingerprint();
    const error = await importChanges(Buffer.from(csvText([['统一社会信用代码', '企业名称', '变更类型'], [A, '甲', '注销']]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toBe(
      'required column missing: 变更日期 (changeDate) or 核准日期 (approvalDate); the header row read was: 统一社会信用代码 | 企业名称 | 变更类型',
    );
    expect(await fingerprint()).toEqual(before);
  });

  it('a deregistration feeds the registration-inactive rule on the next check', async () => {
    const h = await entity(H);
    const shopId = await runAsSystem('test', () =>
      fork().transactional(async (em) => {
        const shop = em.create(Shop, {
          name: '辛网店旗舰店',
          platform: '演示商城',
          url: 'https://mall.example/shop/h-flagship',
          domain: 'mall.example',
          classification: ShopClassification.PLATFORM_MERCHANT,
          regionCode: '370102',
          entity: h.id,
        });
        await em.flush();
        return shop.id;
      }),
    );
    const snapshotAt = async (observedAt: Date) => {
      await runAsSystem('test', async () => {
        const store = timeSeriesOf(db.orm)(executorFromEntityManager(fork()));
        await store.writeSnapshots([
          { shopId, regionCode: '370102', observedAt, title: '辛网店旗舰店', licenceName: null, licenceUscc: null, licenceAddress: null, contact: null, listingCount: 3, contentHash: `h-${observedAt.getTime()}` },
        ]);
      });
      return checkRules(db.orm, { observedAt, regionCode: '370102', runId: null });
    };
    const findings = () => systemFind(Finding, { ruleId: 'registration-inactive', shop: shopId });

    const day1 = new Date(Date.now() - 2 * 86_400_000);
    expect((await snapshotAt(day1)).hits['registration-inactive'] ?? 0).toBe(0);
    expect(await findings()).toEqual([]);

    const report = await importChanges(Buffer.from(csvText([['统一社会信用代码', '企业名称', '登记状态', '核准日期'], [H, '济南辛网店有限公司', '注销', '2025-12-01']])), {
      fileName: 'h.csv',
    });
    expect(report).toMatchObject({ status: 'committed', created: 1, entitiesUpdated: 1 });

    const day2 = new Date(Date.now() - 86_400_000);
    expect((await snapshotAt(day2)).hits['registration-inactive']).toBe(1);
    const found = await findings();
    expect(found.map((f) => f.detail)).toEqual([`店铺“辛网店旗舰店”：店铺关联的登记主体“济南辛网店有限公司”（${H}）登记状态为已注销，仍在经营`]);
  });
});

// ------------------------------------------------------------------------------------ penalties

/** The column layout of 信用中国's 行政处罚 export (amounts in 万元). */
const CREDIT_CHINA_HEADER = [
  '行政相对人名称',
  '行政相对人类别',
  '统一社会信用代码',
  '法定代表人',
  '行政处罚决定书文号',
  '违法行为类型',
  '违法事实',
  '处罚依据',
  '处罚类别',
  '处罚内容',
  '罚款金额（万元）',
  '没收违法所得、没收非法财物的金额（万元）',
  '处罚决定日期',
  '处罚机关',
];

describe(`administrative penalties (${BACKEND})`, () => {
  let file: Buffer;
  const N1 = '济历市监处罚〔2025〕101号';
  const N2 = '济历市监处罚〔2025〕102号';
  const N3 = '济历市监处罚〔2025〕103号';

  it('imports 信用中国\'s XLSX layout: amounts in yuan, categories read, every bad row reported', async () => {
    file = await xlsx([
      CREDIT_CHINA_HEADER,
      ['济南壬药房有限公司', '法人及非法人组织', P, '郑壬', N1, '违反《中华人民共和国广告法》', '在网店发布含有“最佳”用语的广告', '《中华人民共和国广告法》第五十七条', '罚款', '罚款人民币2万元', 2, '', new Date(Date.UTC(2025, 3, 8)), AUTHORITY],
      ['济南癸餐饮管理有限公司', '法人及非法人组织', Q, '冯癸', N2, '违反《中华人民共和国食品安全法》', '经营超过保质期的食品', '《中华人民共和国食品安全法》第一百二十四条', '警告、罚款、没收违法所得', '警告，罚款0.5万元，没收违法所得1234.56元', 0.5, 0.123456, '2025-09-12', AUTHORITY],
      ['济南未登记有限公司', '法人及非法人组织', UNKNOWN, '某', N3, '违法', '', '', '罚款', '', 1, '', '2025-09-12', AUTHORITY],
      ['济南壬药房有限公司', '法人及非法人组织', P, '郑壬', N1, '违法', '', '', '警告', '', '', '', '2025-04-08', AUTHORITY],
      ['济南壬药房有限公司', '法人及非法人组织', P, '郑壬', '济历市监处罚〔2025〕104号', '违法', '', '', '罚金', '', 'abc', '', '2025-04-31', AUTHORITY],
      ['济南壬药房有限公司', '法人及非法人组织', P, '郑壬', '', '违法', '', '', '警告', '', '', '', '2025-04-08', AUTHORITY],
    ]);
    const report = await importPenaltyFile(file, { fileName: '行政处罚.xlsx' });
    expect(report).toEqual({
      batchId: expect.any(Number),
      kind: 'penalties',
      status: 'committed',
      totalRows: 6,
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 4,
      entitiesUpdated: 0,
      errors: [
        { row: 4, column: '统一社会信用代码', reason: `${UNKNOWN} is not in the register: import the business first (import entities), then this file again` },
        { row: 5, column: '行政处罚决定书文号', reason: `duplicate decision number ${N1}: already given in row 2` },
        { row: 6, column: '处罚类别', reason: `unknown kind of penalty "罚金" (use ${CATEGORY_HINT})` },
        { row: 6, column: '罚款金额（万元）', reason: '"abc" is not an amount (a number of 万元, e.g. 1.5)' },
        { row: 6, column: '处罚决定日期', reason: '"2025-04-31" is not a day of the calendar' },
        { row: 7, column: '行政处罚决定书文号', reason: 'required: the cell is empty' },
      ],
      warnings: [
        'column "行政相对人类别" (B) ignored: not a field of an administrative penalty file',
        'column "法定代表人" (D) ignored: not a field of an administrative penalty file',
      ],
    });
    const rows = await systemFind(AdministrativePenalty, {}, { id: 'asc' });
    expect(
      rows.map((r) => ({
        n: r.decisionNumber,
        uscc: r.uscc,
        party: r.partyName,
        categories: r.categories,
        fine: r.fineAmount,
        confiscation: r.confiscationAmount,
        total: r.totalAmount,
        day: r.decisionDate,
        authority: r.authority,
        batch: r.importBatchId,
        region: r.regionCode,
      })),
    ).toEqual([
      { n: N1, uscc: P, party: '济南壬药房有限公司', categories: ['fine'], fine: '20000.00', confiscation: null, total: '20000.00', day: '2025-04-08', authority: AUTHORITY, batch: report.batchId, region: '370102' },
      {
        n: N2,
        uscc: Q,
        party: '济南癸餐饮管理有限公司',
        categories: ['warning', 'fine', 'confiscation_of_illegal_gains'],
        fine: '5000.00',
        confiscation: '1234.56',
        total: '6234.56',
        day: '2025-09-12',
        authority: AUTHORITY,
        batch: report.batchId,
        region: '370102',
      },
    ]);
    expect(rows[0]).toMatchObject({ violationType: '违反《中华人民共和国广告法》', legalBasis: '《中华人民共和国广告法》第五十七条', penaltyType: '罚款', content: '罚款人民币2万元' });
    const [batch] = await systemFind(ImportBatch, { id: report.batchId });
    expect(batch).toMatchObject({ kind: 'penalties', status: 'committed', created: 2, rejected: 4 });
    const audit = await systemFind(AuditEntry, { operation: 'importPenalties' });
    expect(audit.map((a) => [a.entityType, a.action])).toEqual([
      ['AdministrativePenalty', 'create'],
      ['AdministrativePenalty', 'create'],
    ]);
  });

  it('the same file again changes nothing', async () => {
    const before = await fingerprint();
    const again = await importPenaltyFile(file, { fileName: '行政处罚.xlsx' });
    expect(again).toMatchObject({ status: 'committed', created: 0, updated: 0, unchanged: 2, rejected: 4 });
    expect(await fingerprint()).toEqual(before);
  });

  it('a UTF-8 CSV of the enforcement system (罚没金额（元）): a corrected decision is updated, a number of another business refused', async () => {
    const csv = csvText([
      ['行政处罚决定书文号', '统一社会信用代码', '当事人名称', '违法行为类型', '处罚依据', '处罚类别', '罚没金额（元）', '处罚决定日期', '处罚机关'],
      [N1, P, '济南壬药房有限公司', '违反《中华人民共和国广告法》', '《中华人民共和国广告法》第五十七条', '罚款', '25,000.00', '2025-04-08', AUTHORITY],
      [N2, P, '济南壬药房有限公司', '违法', '', '罚款', '100', '2025-09-12', AUTHORITY],
      ['济历市监处罚〔2025〕105号', Q, '济南癸餐饮管理有限公司', '违反《中华人民共和国电子商务法》', '《中华人民共和国电子商务法》第七十六条', '警告', '', '2025/10/9', AUTHORITY],
    ]);
    const report = await importPenaltyFile(Buffer.from(`\ufeff${csv}`), { fileName: '处罚.csv' });
    expect(report).toMatchObject({
      status: 'committed',
      totalRows: 3,
      created: 1,
      updated: 1,
      unchanged: 0,
      rejected: 1,
      errors: [{ row: 3, column: '行政处罚决定书文号', reason: `decision ${N2} is already recorded for ${Q}, not ${P}: a decision number names one decision` }],
      warnings: [],
    });
    const [n1] = await systemFind(AdministrativePenalty, { decisionNumber: N1 });
    // the file has no separate fine column: the decision keeps the fine recorded, its total is corrected
    expect(n1).toMatchObject({ fineAmount: '20000.00', totalAmount: '25000.00', violationFacts: '在网店发布含有“最佳”用语的广告', importBatchId: report.batchId });
    const [n5] = await systemFind(AdministrativePenalty, { decisionNumber: '济历市监处罚〔2025〕105号' });
    expect(n5).toMatchObject({ categories: ['warning'], totalAmount: null, decisionDate: '2025-10-09' });
  });

  it('strict with an outsider\'s USCC: nothing written', async () => {
    const before = await fingerprint();
    const csv = csvText([
      ['行政处罚决定书文号', '统一社会信用代码', '处罚类别', '处罚决定日期'],
      ['济历市监处罚〔2025〕201号', P, '警告', '2025-11-01'],
      ['济中市监处罚〔2025〕9号', OUTSIDE, '警告', '2025-11-01'],
    ]);
    const report = await importPenaltyFile(Buffer.from(csv), { strict: true, fileName: 'strict.csv' });
    expect(report).toMatchObject({
      status: 'rejected',
      created: 0,
      rejected: 1,
      errors: [
        { row: 3, column: '统一社会信用代码', reason: `${OUTSIDE} is registered to a business outside your jurisdiction: only the unit responsible for it can record its penalties` },
      ],
    });
    expect(await fingerprint()).toEqual(before);
  });
});

// ------------------------------------------------------------------------------------- GraphQL

describe(`shared data through GraphQL (${BACKEND})`, () => {
  /** A document run against the built schema as `actor`, on a request's EntityManager (as the HTTP layer runs it). */
  async function gql(source: string, actor: Actor): Promise<any> {
    const schema = await buildHongdunSchema();
    const em = fork();
    const contextValue = { actor, em, loaders: createLoaders(em, () => timeSeriesOf(db.orm)(executorFromEntityManager(em))), config: loadConfig(), token: null };
    const result = await runAs(actor, () => graphql({ schema, source, contextValue }));
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data;
  }
  const reader: Actor = { ...tester, name: 'reader', permissions: new Set(['registry:read']) };
  const cityReader: Actor = { ...reader, prefixes: ['370103'] };

  it('a business shows its registration history and penalties, newest first, each naming its batch', async () => {
    const data = await gql(
      `{ entity(uscc: "${B}") { name address registrationChanges { kind changeDate item afterValue applied importBatchId entity { uscc } } } }`,
      reader,
    );
    const rows = await systemFind(RegistrationChange, { uscc: B });
    const batchOf = (item: string, day: string) => String(rows.find((r) => r.item === item && r.changeDate === day)!.importBatchId);
    expect(data.entity).toEqual({
      name: '济南乙网络科技有限公司',
      address: '济南市历下区泉城路1号甲',
      registrationChanges: [
        // one day: as recorded, the later first
        { kind: 'CHANGED', changeDate: '2024-05-06', item: '住所', afterValue: '济南市历下区泉城路1号甲', applied: true, importBatchId: batchOf('住所', '2024-05-06'), entity: { uscc: B } },
        { kind: 'CHANGED', changeDate: '2024-05-06', item: '名称', afterValue: '济南乙网络科技有限公司', applied: true, importBatchId: batchOf('名称', '2024-05-06'), entity: { uscc: B } },
        { kind: 'CHANGED', changeDate: '2023-01-10', item: '注册资本', afterValue: '500万元人民币', applied: false, importBatchId: batchOf('注册资本', '2023-01-10'), entity: { uscc: B } },
        { kind: 'CHANGED', changeDate: '2020-03-03', item: '名称', afterValue: '济南乙电子商务有限公司', applied: false, importBatchId: batchOf('名称', '2020-03-03'), entity: { uscc: B } },
      ],
    });
    const penalties = await gql(`{ entity(uscc: "${Q}") { penalties { decisionNumber categories fineAmount confiscationAmount totalAmount decisionDate } } }`, reader);
    expect(penalties.entity.penalties).toEqual([
      { decisionNumber: '济历市监处罚〔2025〕105号', categories: ['WARNING'], fineAmount: null, confiscationAmount: null, totalAmount: null, decisionDate: '2025-10-09' },
      {
        decisionNumber: '济历市监处罚〔2025〕102号',
        categories: ['WARNING', 'FINE', 'CONFISCATION_OF_ILLEGAL_GAINS'],
        fineAmount: '5000.00',
        confiscationAmount: '1234.56',
        totalAmount: '6234.56',
        decisionDate: '2025-09-12',
      },
    ]);
  });

  it('the lists: by kind, by business, and nothing of another jurisdiction', async () => {
    // the corrected 住所 fact now names the batch that corrected it
    expect(new Set((await systemFind(RegistrationChange, { uscc: B })).map((r) => r.importBatchId)).size).toBe(2);
    const deregistered = await gql(`{ registrationChanges(kind: DEREGISTERED) { uscc changeDate } }`, reader);
    expect(deregistered.registrationChanges).toEqual([
      { uscc: H, changeDate: '2025-12-01' },
      { uscc: C, changeDate: '2025-11-20' },
      { uscc: G, changeDate: '2025-06-30' },
    ]);
    const ofP = await gql(`{ penalties(uscc: "${P.toLowerCase()}") { decisionNumber uscc } }`, reader);
    expect(ofP.penalties).toEqual([{ decisionNumber: '济历市监处罚〔2025〕101号', uscc: P }]);
    const other = await gql(`{ registrationChanges { id } penalties { id } }`, cityReader);
    expect(other).toEqual({ registrationChanges: [], penalties: [] });
  });
});
