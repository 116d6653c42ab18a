import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ImportBatch,
  OnlineEntity,
  type RegisterChangeField,
  RegistrationChange,
  RegistrationChangeKind,
  RegistrationStatus,
} from '../../../entities';
import { runCommand } from '../../command';
import { runAsSystem } from '../../system-actor';
import { IMPORT_CHUNK_SIZE, type RowErrorAt, summarise } from '../import/import-entities.command';
import { formatCount, readRegisterFile, type RegisterFile } from '../import/read-register-file';
import { CHANGE_ALIASES, CHANGE_REQUIRED, type ChangeField, headerRecogniser, mapSharedColumns, rowReader, type SharedColumns } from './shared-columns';
import { batchFields, checkImporter, matchEntities, recordRejected, type SharedImportProps, type SharedImportReport, unmatchedReason } from './shared-import';
import { parseChangeKind, parseDay, parseUsccCell, REGISTER_FIELD_MAX, registerFieldOfItem } from './shared-values';

/** Name of the operation in the audit log. */
export const IMPORT_CHANGES_OPERATION = 'importRegistrationChanges';

/** The registration status each status-bearing kind of change gives a business. */
export const STATUS_OF_KIND: Readonly<Partial<Record<RegistrationChangeKind, RegistrationStatus>>> = {
  [RegistrationChangeKind.ESTABLISHED]: RegistrationStatus.ACTIVE,
  [RegistrationChangeKind.REVOKED]: RegistrationStatus.REVOKED,
  [RegistrationChangeKind.DEREGISTERED]: RegistrationStatus.CANCELLED,
};

/** Order of status facts on the same day: established, then revoked, then deregistered (吊销后注销). */
const SAME_DAY_RANK: Readonly<Record<RegistrationChangeKind, number>> = { established: 0, changed: 1, revoked: 2, deregistered: 3 };

interface Candidate {
  row: number;
  uscc: string;
  key: string;
  values: {
    kind: RegistrationChangeKind;
    changeDate: string;
    item: string;
    registerField: RegisterChangeField | null;
    /** undefined: the file has no such column (a recorded value is then left as it is) */
    entityName?: string | null;
    beforeValue?: string | null;
    afterValue?: string | null;
    authority?: string | null;
    reason?: string | null;
  };
}

/** The compared (and, on a correction, rewritten) values of a recorded change. */
const CONTENT: readonly (keyof Candidate['values'])[] = ['registerField', 'entityName', 'beforeValue', 'afterValue', 'authority', 'reason'];

const keyOf = (uscc: string, kind: string, day: string, item: string) => `${uscc}|${kind}|${day}|${item}`;

/**
 * Imports registration changes as another body's registration system exports them (登记信息变更, 注销,
 * 吊销; shared data, issue 16): XLSX or CSV, one fact per row — 统一社会信用代码, 变更类型/登记状态
 * (设立/成立, 变更, 注销, 吊销), 变更日期/核准日期, 变更事项, 变更前内容, 变更后内容, 登记机关 … — matched to
 * the register by USCC. Every row is validated (USCC checksum; the business registered and in the
 * caller's jurisdiction — an unknown USCC is a row error, import the business first; a day; a known kind;
 * an item for a 变更), every fact is kept as a RegistrationChange naming its batch, unique by (uscc, kind,
 * day, item): the same file again writes nothing, a corrected row updates its fact.
 *
 * The register follows the newest fact: a deregistration sets the business's registration status to
 * cancelled, a revocation to revoked, an establishment to active; a 变更 of 名称, 住所, 法定代表人 or
 * 经营范围 sets that field to the 变更后内容. A fact older than one already recorded for the same status or
 * field is kept but changes nothing (`applied` false), so importing an old file never undoes a newer one.
 *
 * Strict and non-strict as the register import (`importEntities`): one command transaction, every write
 * checked by the access subscriber and audited; an ImportBatch (kind registration_changes) recorded either
 * way; a problem with the file as a whole throws `ImportFileError` and writes nothing.
 */
export async function importRegistrationChanges(em: EntityManager, props: SharedImportProps): Promise<SharedImportReport> {
  const actor = checkImporter('registration changes');
  let mapped: SharedColumns<ChangeField> | undefined;
  const file = await readRegisterFile(props.content, props.limits, {
    isHeader: headerRecogniser(CHANGE_ALIASES),
    onHeader: (header) => {
      mapped = mapSharedColumns(header, CHANGE_ALIASES, CHANGE_REQUIRED, 'a registration change file');
    },
  });
  const columns = mapped ?? mapSharedColumns(file.header, CHANGE_ALIASES, CHANGE_REQUIRED, 'a registration change file');
  const warnings = [...file.warnings, ...columns.warnings];
  const { candidates, errors } = validateRows(file, columns);
  const fields = batchFields(props, file, actor, 'registration_changes');
  const usccColumn = columns.index.uscc!;

  const committed = await runCommand(em, IMPORT_CHANGES_OPERATION, async (tem) => {
    const { inside, outside } = await matchEntities(tem, candidates.map((c) => c.uscc), actor.prefixes);
    const matched: Candidate[] = [];
    for (const c of candidates) {
      if (inside.has(c.uscc)) matched.push(c);
      else errors.push({ row: c.row, col: usccColumn, column: columns.header[usccColumn], reason: unmatchedReason(c.uscc, outside, 'registration changes') });
    }
    if (props.strict && errors.length > 0) return null;
    const summary = summarise(errors, warnings);
    const batch = tem.create(ImportBatch, { ...fields, status: 'committed', created: 0, updated: 0, unchanged: 0, ...summary.stored });
    await tem.flush();
    const counts = await writeChanges(tem, batch.id, matched, actor.prefixes, props.onProgress);
    if (counts.elsewhere > 0) {
      summary.report.warnings.push(
        `${formatCount(counts.elsewhere)} row(s) already recorded under the business's former region (outside your jurisdiction): left as they are`,
      );
    }
    const stored = await tem.findOneOrFail(ImportBatch, batch.id);
    Object.assign(stored, { created: counts.created, updated: counts.updated, unchanged: counts.unchanged, warnings: summary.report.warnings });
    await tem.flush();
    return { batchId: batch.id, counts, summary };
  });

  if (!committed) return recordRejected(em, IMPORT_CHANGES_OPERATION, fields, errors, warnings);
  const { created, updated, unchanged, entitiesUpdated } = committed.counts;
  return {
    batchId: committed.batchId,
    kind: 'registration_changes',
    status: 'committed',
    totalRows: file.rows.length,
    created,
    updated,
    unchanged,
    entitiesUpdated,
    ...committed.summary.report,
  };
}

/**
 * Writes the matched rows business by business (a chunk of businesses per flush): each fact created,
 * corrected or left as it is, then the newest facts of each business applied to the register.
 */
async function writeChanges(
  tem: EntityManager,
  batchId: number,
  rows: Candidate[],
  prefixes: readonly string[],
  onProgress?: (done: number, total: number) => void,
) {
  const counts = { created: 0, updated: 0, unchanged: 0, elsewhere: 0, entitiesUpdated: 0 };
  const byUscc = new Map<string, Candidate[]>();
  for (const c of rows) byUscc.set(c.uscc, [...(byUscc.get(c.uscc) ?? []), c]);
  const usccs = [...byUscc.keys()];
  let done = 0;
  for (let i = 0; i < usccs.length; i += IMPORT_CHUNK_SIZE) {
    const chunk = usccs.slice(i, i + IMPORT_CHUNK_SIZE);
    // the jurisdiction filter applies: every one was matched inside it above
    const entities = new Map((await tem.find(OnlineEntity, { uscc: { $in: chunk } })).map((e) => [e.uscc, e]));
    // every recorded fact of these businesses, also those written under a former region of a business
    // that moved (outside the caller's jurisdiction: seen to keep the key unique, never changed)
    const recorded = await runAsSystem('import: recorded registration changes', () => tem.find(RegistrationChange, { uscc: { $in: chunk } }));
    const recordedByKey = new Map(recorded.map((r) => [keyOf(r.uscc, r.kind, r.changeDate, r.item), r]));
    for (const uscc of chunk) {
      const entity = entities.get(uscc)!;
      // the facts of the business after this file: [row, order within a day, touched by this file]
      const facts: { change: RegistrationChange; seq: number; touched: boolean }[] = recorded
        .filter((r) => r.uscc === uscc)
        .map((r) => ({ change: r, seq: r.id, touched: false }));
      for (const c of byUscc.get(uscc)!) {
        const existing = recordedByKey.get(c.key);
        if (!existing) {
          const change = tem.create(RegistrationChange, {
            entity,
            uscc,
            ...c.values,
            regionCode: entity.regionCode,
            importBatchId: batchId,
          });
          facts.push({ change, seq: Number.MAX_SAFE_INTEGER - 1_000_000 + c.row, touched: true });
          counts.created++;
        } else if (!inJurisdictionOf(existing.regionCode, prefixes)) {
          counts.unchanged++;
          counts.elsewhere++;
        } else if (CONTENT.some((k) => c.values[k] !== undefined && existing[k] !== c.values[k])) {
          for (const k of CONTENT) if (c.values[k] !== undefined) (existing as unknown as Record<string, unknown>)[k] = c.values[k];
          existing.importBatchId = batchId;
          facts.find((f) => f.change === existing)!.touched = true;
          counts.updated++;
        } else counts.unchanged++;
      }
      if (applyNewest(entity, facts)) counts.entitiesUpdated++;
    }
    await tem.flush();
    tem.clear(); // keeps each flush's change-set computation to one chunk
    done += chunk.reduce((n, u) => n + byUscc.get(u)!.length, 0);
    onProgress?.(done, rows.length);
  }
  return counts;
}

function inJurisdictionOf(regionCode: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => regionCode.startsWith(p));
}

/**
 * Applies the newest status fact and the newest change of each register field to the business when this
 * file wrote it (created or corrected it): facts ordered by day, then established < revoked <
 * deregistered on one day, then the order recorded (file order for new ones). Marks the applied facts.
 * True when a value of the business changed.
 */
function applyNewest(entity: OnlineEntity, facts: { change: RegistrationChange; seq: number; touched: boolean }[]): boolean {
  const order = (a: (typeof facts)[number], b: (typeof facts)[number]) =>
    a.change.changeDate.localeCompare(b.change.changeDate) || SAME_DAY_RANK[a.change.kind] - SAME_DAY_RANK[b.change.kind] || a.seq - b.seq;
  const newest = <T>(list: T[]) => list[list.length - 1];
  let changed = false;

  const status = newest(facts.filter((f) => STATUS_OF_KIND[f.change.kind] !== undefined).sort(order));
  if (status?.touched) {
    status.change.applied = true;
    const value = STATUS_OF_KIND[status.change.kind]!;
    if (entity.registrationStatus !== value) {
      entity.registrationStatus = value;
      changed = true;
    }
  }
  const fields = new Set(facts.map((f) => f.change.registerField).filter((f): f is RegisterChangeField => f !== null));
  for (const field of fields) {
    const latest = newest(facts.filter((f) => f.change.kind === RegistrationChangeKind.CHANGED && f.change.registerField === field).sort(order));
    if (!latest?.touched || latest.change.afterValue === null) continue;
    latest.change.applied = true;
    if (entity[field] !== latest.change.afterValue) {
      entity[field] = latest.change.afterValue;
      changed = true;
    }
  }
  return changed;
}

// --------------------------------------------------------------------------------------- validation

/**
 * Checks every row on its own (no database): USCC, kind, day, item and texts, and facts given twice in the
 * file (the later row is the error, naming the earlier one).
 */
function validateRows(file: RegisterFile, columns: SharedColumns<ChangeField>): { candidates: Candidate[]; errors: RowErrorAt[] } {
  const errors: RowErrorAt[] = [];
  const candidates: Candidate[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, cells, lossy } of file.rows) {
    const r = rowReader(columns, row, cells, errors);
    const { fail, has, cell, text } = r;

    const usccCell = parseUsccCell(cell('uscc'), lossy?.includes(columns.index.uscc!) ?? false);
    if ('reason' in usccCell) fail('uscc', usccCell.reason);
    const kindCell = parseChangeKind(cell('kind'));
    if ('reason' in kindCell) fail('kind', kindCell.reason);
    // 变更日期, else 核准日期 (a row may leave the first empty)
    const dateField: ChangeField = has('changeDate') && (cell('changeDate') !== '' || !has('approvalDate')) ? 'changeDate' : 'approvalDate';
    const dayCell = parseDay(cell(dateField));
    if ('reason' in dayCell) fail(dateField, dayCell.reason);

    const item = text('item', 100) ?? '';
    const entityName = text('name', 200);
    const beforeValue = text('before', 100_000, true);
    const afterValue = text('after', 100_000, true);
    const authority = text('authority', 200);
    const reason = text('reason', 2000, true);
    const kind = 'value' in kindCell ? kindCell.value : undefined;
    let registerField: RegisterChangeField | null = null;
    if (kind === RegistrationChangeKind.CHANGED) {
      if (item === '') {
        if (has('item')) fail('item', 'required for a change (变更): which item changed');
        else if (!r.failed) fail('kind', 'a change (变更) needs the item changed: the file has no 变更事项 column');
      } else {
        registerField = registerFieldOfItem(item);
        if (registerField) {
          const value = afterValue?.trim() ?? '';
          const max = REGISTER_FIELD_MAX[registerField];
          if (!has('after')) fail('item', `a change of ${item} needs its new value: the file has no 变更后内容 column`);
          else if (value === '') fail('after', `required for a change of ${item}: the new value`);
          else if ([...value].length > max) fail('after', `too long for ${item}: ${[...value].length} characters, at most ${max}`);
        }
      }
    }

    if (r.failed || !('value' in usccCell) || !kind || !('value' in dayCell)) continue;
    const key = keyOf(usccCell.value, kind, dayCell.value, item);
    const earlier = firstRowOf.get(key);
    if (earlier !== undefined) {
      fail(has('item') && item !== '' ? 'item' : 'kind', `the same fact (${usccCell.value}, ${kind}, ${dayCell.value}${item ? `, ${item}` : ''}) is already given in row ${earlier}`);
      continue;
    }
    firstRowOf.set(key, row);
    const normalisedAfter = registerField && afterValue != null ? (registerField === 'businessScope' || registerField === 'address' ? afterValue.trim() : afterValue.replace(/\s+/g, ' ').trim()) : afterValue;
    candidates.push({
      row,
      uscc: usccCell.value,
      key,
      values: { kind, changeDate: dayCell.value, item, registerField, entityName, beforeValue, afterValue: normalisedAfter, authority, reason },
    });
  }
  return { candidates, errors };
}
