import type { EntityManager } from '@mikro-orm/postgresql';
import { AdministrativePenalty, ImportBatch, inJurisdiction, OnlineEntity, type PenaltyCategory } from '../../../entities';
import { runCommand } from '../../command';
import { runAsSystem } from '../../system-actor';
import { IMPORT_CHUNK_SIZE, type RowErrorAt, summarise } from '../import/import-entities.command';
import { readRegisterFile, type RegisterFile } from '../import/read-register-file';
import { headerRecogniser, mapSharedColumns, PENALTY_ALIASES, PENALTY_REQUIRED, type PenaltyField, rowReader, type SharedColumns } from './shared-columns';
import { batchFields, checkImporter, matchEntities, recordRejected, type SharedImportProps, type SharedImportReport, unmatchedReason } from './shared-import';
import { parseAmount, parseDay, parsePenaltyCategories, parseUsccCell, sumAmounts } from './shared-values';

/** Name of the operation in the audit log. */
export const IMPORT_PENALTIES_OPERATION = 'importPenalties';

type PenaltyValues = Pick<
  AdministrativePenalty,
  | 'partyName'
  | 'violationType'
  | 'violationFacts'
  | 'legalBasis'
  | 'penaltyType'
  | 'categories'
  | 'content'
  | 'fineAmount'
  | 'confiscationAmount'
  | 'totalAmount'
  | 'decisionDate'
  | 'authority'
>;

interface Candidate {
  row: number;
  decisionNumber: string;
  uscc: string;
  /** the values of the columns the file has (a recorded value of a column it lacks is left as it is) */
  values: Partial<PenaltyValues> & Pick<PenaltyValues, 'penaltyType' | 'categories' | 'decisionDate'>;
}

const CONTENT: readonly (keyof PenaltyValues)[] = [
  'partyName',
  'violationType',
  'violationFacts',
  'legalBasis',
  'penaltyType',
  'categories',
  'content',
  'fineAmount',
  'confiscationAmount',
  'totalAmount',
  'decisionDate',
  'authority',
];

/** Equal stored values: amounts (numeric(16,2) is read back as a string with two places, as parsed), days, texts, category lists. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * Imports administrative penalties as 信用中国 and the enforcement systems publish them (行政处罚; shared
 * data, issue 16): XLSX or CSV, one decision per row — 行政处罚决定书文号, 统一社会信用代码, 当事人名称,
 * 违法行为类型, 违法事实, 处罚依据, 处罚类别, 处罚内容, 罚款金额（万元）, 没收违法所得、没收非法财物的金额（万元）
 * or 罚没金额（元）, 处罚决定日期, 处罚机关 … — matched to the register by USCC. Every row is validated (decision
 * number; USCC checksum, the business registered and in the caller's jurisdiction — an unknown USCC is a row
 * error; a day; known kinds of penalty; amounts, 万元 converted to yuan exactly), kept as an
 * AdministrativePenalty naming its batch, unique by decision number: the same file again writes nothing, a
 * corrected row updates its decision; a decision number recorded for another business is a row error.
 *
 * Strict and non-strict as the register import (`importEntities`): one command transaction, audited; an
 * ImportBatch (kind penalties) recorded either way; a problem with the file as a whole throws
 * `ImportFileError` and writes nothing. A penalty changes nothing of the register itself: a revoked licence
 * reaches the registration status through the registration system's 吊销 (importRegistrationChanges).
 */
export async function importPenalties(em: EntityManager, props: SharedImportProps): Promise<SharedImportReport> {
  const actor = checkImporter('administrative penalties');
  let mapped: SharedColumns<PenaltyField> | undefined;
  const file = await readRegisterFile(props.content, props.limits, {
    isHeader: headerRecogniser(PENALTY_ALIASES),
    onHeader: (header) => {
      mapped = mapSharedColumns(header, PENALTY_ALIASES, PENALTY_REQUIRED, 'an administrative penalty file');
    },
  });
  const columns = mapped ?? mapSharedColumns(file.header, PENALTY_ALIASES, PENALTY_REQUIRED, 'an administrative penalty file');
  const warnings = [...file.warnings, ...columns.warnings];
  const { candidates, errors } = validateRows(file, columns);
  const fields = batchFields(props, file, actor, 'penalties');
  const at = (field: PenaltyField) => ({ col: columns.index[field]!, column: columns.header[columns.index[field]!] });

  const committed = await runCommand(em, IMPORT_PENALTIES_OPERATION, async (tem) => {
    const { inside, outside } = await matchEntities(tem, candidates.map((c) => c.uscc), actor.prefixes);
    // decisions already recorded under these numbers, wherever they lie (numbers and owners only)
    const recorded = await recordedOwners(tem, candidates.map((c) => c.decisionNumber));
    const matched: Candidate[] = [];
    for (const c of candidates) {
      const owner = recorded.get(c.decisionNumber);
      if (!inside.has(c.uscc)) errors.push({ row: c.row, ...at('uscc'), reason: unmatchedReason(c.uscc, outside, 'penalties') });
      else if (owner && !inJurisdiction(owner.regionCode, actor.prefixes)) {
        errors.push({ row: c.row, ...at('decisionNumber'), reason: `decision ${c.decisionNumber} is already recorded for a business outside your jurisdiction` });
      } else if (owner && owner.uscc !== c.uscc) {
        errors.push({ row: c.row, ...at('decisionNumber'), reason: `decision ${c.decisionNumber} is already recorded for ${owner.uscc}, not ${c.uscc}: a decision number names one decision` });
      } else matched.push(c);
    }
    if (props.strict && errors.length > 0) return null;
    const summary = summarise(errors, warnings);
    const batch = tem.create(ImportBatch, { ...fields, status: 'committed', created: 0, updated: 0, unchanged: 0, ...summary.stored });
    await tem.flush();
    const counts = await writePenalties(tem, batch.id, matched, props.onProgress);
    const stored = await tem.findOneOrFail(ImportBatch, batch.id);
    Object.assign(stored, counts);
    await tem.flush();
    return { batchId: batch.id, counts, summary };
  });

  if (!committed) return recordRejected(em, IMPORT_PENALTIES_OPERATION, fields, errors, warnings);
  return {
    batchId: committed.batchId,
    kind: 'penalties',
    status: 'committed',
    totalRows: file.rows.length,
    ...committed.counts,
    entitiesUpdated: 0,
    ...committed.summary.report,
  };
}

/**
 * The USCC and region of each decision number already recorded. A named look past the access rule (as the
 * register import's USCC ownership check), selecting nothing but those three columns: the number is
 * unique across the province, so a decision of another jurisdiction must be told apart from a new one.
 */
async function recordedOwners(tem: EntityManager, numbers: string[]): Promise<Map<string, { uscc: string; regionCode: string }>> {
  const owners = new Map<string, { uscc: string; regionCode: string }>();
  for (let i = 0; i < numbers.length; i += 5000) {
    const rows = await runAsSystem('import: decision number ownership check', () =>
      tem
        .createQueryBuilder(AdministrativePenalty)
        .select(['decisionNumber', 'uscc', 'regionCode'])
        .where({ decisionNumber: { $in: numbers.slice(i, i + 5000) } })
        .execute<{ decisionNumber: string; uscc: string; regionCode: string }[]>('all', true),
    );
    for (const r of rows) owners.set(r.decisionNumber, { uscc: r.uscc, regionCode: r.regionCode });
  }
  return owners;
}

/** The given values only (an absent column leaves the entity's default, null). */
function given<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Creates, corrects or leaves each decision, chunk by chunk through the unit of work. */
async function writePenalties(tem: EntityManager, batchId: number, rows: Candidate[], onProgress?: (done: number, total: number) => void) {
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK_SIZE) {
    const chunk = rows.slice(i, i + IMPORT_CHUNK_SIZE);
    const entities = new Map((await tem.find(OnlineEntity, { uscc: { $in: [...new Set(chunk.map((c) => c.uscc))] } })).map((e) => [e.uscc, e]));
    const existing = new Map(
      (await tem.find(AdministrativePenalty, { decisionNumber: { $in: chunk.map((c) => c.decisionNumber) } })).map((p) => [p.decisionNumber, p]),
    );
    for (const c of chunk) {
      const entity = entities.get(c.uscc)!;
      const penalty = existing.get(c.decisionNumber);
      if (!penalty) {
        tem.create(AdministrativePenalty, { decisionNumber: c.decisionNumber, entity, uscc: c.uscc, ...(given(c.values) as typeof c.values), regionCode: entity.regionCode, importBatchId: batchId });
        created++;
      } else if (CONTENT.some((k) => c.values[k] !== undefined && !sameValue(penalty[k], c.values[k]))) {
        for (const k of CONTENT) if (c.values[k] !== undefined) (penalty as unknown as Record<string, unknown>)[k] = c.values[k];
        penalty.importBatchId = batchId;
        updated++;
      } else unchanged++;
    }
    await tem.flush();
    tem.clear();
    onProgress?.(Math.min(i + IMPORT_CHUNK_SIZE, rows.length), rows.length);
  }
  return { created, updated, unchanged };
}

// --------------------------------------------------------------------------------------- validation

/** Checks every row on its own (no database); a decision number given twice is an error of the later row. */
function validateRows(file: RegisterFile, columns: SharedColumns<PenaltyField>): { candidates: Candidate[]; errors: RowErrorAt[] } {
  const errors: RowErrorAt[] = [];
  const candidates: Candidate[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, cells, lossy } of file.rows) {
    const r = rowReader(columns, row, cells, errors);
    const { fail, has, cell, text } = r;
    const amount = (field: PenaltyField): string | null | undefined => {
      if (!has(field)) return undefined;
      const parsed = parseAmount(cell(field), columns.unit[field] ?? 1);
      if ('reason' in parsed) {
        fail(field, parsed.reason);
        return null;
      }
      return parsed.value;
    };

    const decisionNumber = text('decisionNumber', 100)?.trim() ?? '';
    if (!r.failed && decisionNumber === '') fail('decisionNumber', 'required: the cell is empty');
    const usccCell = parseUsccCell(cell('uscc'), lossy?.includes(columns.index.uscc!) ?? false);
    if ('reason' in usccCell) fail('uscc', usccCell.reason);
    const penaltyText = text('penaltyType', 200);
    // a cell refused as text (control characters, length) is not read for its categories
    const categories = penaltyText !== null || cell('penaltyType').trim() === '' ? parsePenaltyCategories(penaltyText ?? '') : undefined;
    if (categories && 'reason' in categories) fail('penaltyType', categories.reason);
    const penaltyType = penaltyText ?? '';
    const day = parseDay(cell('decisionDate'));
    if ('reason' in day) fail('decisionDate', day.reason);
    const fineAmount = amount('fineAmount');
    const confiscationAmount = amount('confiscationAmount');
    // 罚没金额 as given, else the sum of the amounts given (left alone when the file gives no amount at all)
    const totalAmount = has('totalAmount')
      ? amount('totalAmount')
      : has('fineAmount') || has('confiscationAmount')
        ? sumAmounts(fineAmount ?? null, confiscationAmount ?? null)
        : undefined;
    const values = {
      partyName: text('partyName', 200),
      violationType: text('violationType', 2000, true),
      violationFacts: text('violationFacts', 100_000, true),
      legalBasis: text('legalBasis', 100_000, true),
      content: text('content', 100_000, true),
      authority: text('authority', 200),
    };
    if (r.failed || !('value' in usccCell) || !categories || !('value' in categories) || !('value' in day)) continue;
    const earlier = firstRowOf.get(decisionNumber);
    if (earlier !== undefined) {
      fail('decisionNumber', `duplicate decision number ${decisionNumber}: already given in row ${earlier}`);
      continue;
    }
    firstRowOf.set(decisionNumber, row);
    candidates.push({
      row,
      decisionNumber,
      uscc: usccCell.value,
      values: {
        ...values,
        penaltyType,
        categories: categories.value as PenaltyCategory[],
        fineAmount,
        confiscationAmount,
        totalAmount,
        decisionDate: day.value,
      },
    });
  }
  return { candidates, errors };
}
