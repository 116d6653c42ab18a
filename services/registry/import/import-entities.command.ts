import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  AccessDeniedError,
  type Actor,
  currentActor,
  ImportBatch,
  type ImportRowError,
  inJurisdiction,
  OnlineEntity,
} from '../../../entities';
import { Permission } from '../../access/permissions';
import { runCommand } from '../../command';
import { ALL_PERMISSIONS_MARKER, runAsSystem } from '../../system-actor';
import { regionCatalog } from '../region-catalog';
import { normalizeUscc, usccProblem } from '../uscc';
import { formatCount, ImportFileError, type RegisterFile, type RegisterFileLimits, readRegisterFile } from './read-register-file';
import {
  looksLikeRegisterHeader,
  mapRegisterColumns,
  parseRegistrationStatus,
  REGION_FIELDS,
  type RegisterColumns,
  type RegisterField,
  STATUS_HINT,
} from './register-columns';
import { quote, RegionResolver, type RegionSource } from './resolve-region';

export { ImportFileError } from './read-register-file';
export { canonicalRegionCode } from './resolve-region';

/** Rows written per flush: one unit-of-work round (inserts/updates batched, audit entries inserted) per chunk. */
export const IMPORT_CHUNK_SIZE = 1000;
/** Most row errors stored with an ImportBatch; the report returned to the caller holds them all. */
export const STORED_ERRORS_CAP = 1000;
/** Name of the operation in the audit log. */
export const IMPORT_OPERATION = 'importEntities';

export interface ImportEntitiesProps {
  /** the name the file was sent under (recorded, never used to guess the format) */
  fileName: string;
  content: Buffer;
  /** true: any row error rejects the whole file (nothing written); false: valid rows are written, invalid ones reported */
  strict: boolean;
  /** called after each written chunk with rows written so far and rows to write */
  onProgress?: (done: number, total: number) => void;
  /** from the configuration: IMPORT_MAX_ROWS, IMPORT_MAX_BYTES */
  limits: RegisterFileLimits;
}

export type ImportStatus = 'committed' | 'rejected';

/** The outcome of an import, row by row. created + updated + unchanged + rejected = totalRows when committed. */
export interface ImportReport {
  batchId: number;
  /** committed: valid rows written; rejected: strict mode found errors, nothing was written */
  status: ImportStatus;
  /** data rows in the file (blank rows not counted) */
  totalRows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** rows with at least one error (a row can have several) */
  rejected: number;
  /** every row error, by row then column (the stored batch keeps the first STORED_ERRORS_CAP) */
  errors: ImportRowError[];
  warnings: string[];
}

/** The register values a row gives, for the fields whose columns the file has. */
type EntityValues = Partial<Pick<OnlineEntity, 'name' | 'legalRepresentative' | 'address' | 'regionCode' | 'registrationStatus' | 'businessScope'>>;

interface Candidate {
  row: number;
  uscc: string;
  values: EntityValues;
  /** where values.regionCode came from */
  regionSource: RegionSource;
}

export interface RowErrorAt extends ImportRowError {
  /** column index, for ordering */
  col: number;
}

/**
 * Imports a register file of online businesses (经济户口数据导入): XLSX or CSV, one business per row,
 * upserted by USCC. Every row is validated (USCC checksum, required fields, lengths, region known and
 * inside the caller's jurisdiction, no USCC twice in the file, no USCC that belongs to another
 * jurisdiction); the region comes from a code column, else from a region name or registration
 * authority column, else from the USCC's division code (see resolve-region.ts); an existing business is updated only where a value differs, so importing the same
 * file again changes nothing.
 *
 * All writes run in one command transaction through the unit of work, so the access subscriber checks
 * every row and the audit log records every change. Non-strict: valid rows are committed and invalid
 * ones reported. Strict: any error and nothing is written. An ImportBatch recording the run is written
 * either way. A problem with the file as a whole throws `ImportFileError` and writes nothing.
 */
export async function importEntities(em: EntityManager, props: ImportEntitiesProps): Promise<ImportReport> {
  const actor = currentActor();
  if (!actor.permissions.has(Permission.REGISTRY_IMPORT) && !actor.permissions.has(ALL_PERMISSIONS_MARKER)) {
    throw new AccessDeniedError(`${actor.name} may not import register files (needs ${Permission.REGISTRY_IMPORT})`);
  }
  if (actor.prefixes.length === 0) throw new AccessDeniedError(`${actor.name} has no jurisdiction to import into`);

  let mapped: RegisterColumns | undefined;
  const file = await readRegisterFile(props.content, props.limits, {
    isHeader: looksLikeRegisterHeader,
    onHeader: (header) => {
      mapped = mapRegisterColumns(header);
    },
  });
  const columns = mapped ?? mapRegisterColumns(file.header);
  const warnings = [...file.warnings, ...columns.warnings];
  const { candidates, errors, regionWarning } = validateRows(file, columns, actor);
  if (regionWarning) warnings.push(regionWarning);
  const usccColumn = columns.index.uscc!;

  const batchData = {
    fileName: truncate(path.basename(props.fileName.replace(/\\/g, '/')) || 'unnamed', 255),
    sha256: createHash('sha256').update(props.content).digest('hex'),
    format: file.format,
    strict: props.strict,
    actorName: truncate(actor.name, 100),
    regionCode: actor.prefixes[0] === '' ? '37' : actor.prefixes[0],
    totalRows: file.rows.length,
  };

  const committed = await runCommand(em, IMPORT_OPERATION, async (tem) => {
    const outside = await usccsOutsideJurisdiction(tem, candidates.map((c) => c.uscc), actor.prefixes);
    for (const c of candidates) {
      if (outside.has(c.uscc)) {
        errors.push({
          row: c.row,
          col: usccColumn,
          column: columns.header[usccColumn],
          reason: `${c.uscc} is registered to a business outside your jurisdiction: only the unit responsible for it can change it`,
        });
      }
    }
    if (props.strict && errors.length > 0) return null; // nothing written: the batch is recorded after this transaction
    const counts = await writeRows(tem, candidates.filter((c) => !outside.has(c.uscc)), props.onProgress);
    const summary = summarise(errors, warnings);
    const batch = tem.create(ImportBatch, { ...batchData, status: 'committed', ...counts, ...summary.stored });
    await tem.flush();
    return { batchId: batch.id, counts, summary };
  });

  if (committed) {
    return { batchId: committed.batchId, status: 'committed', totalRows: file.rows.length, ...committed.counts, ...committed.summary.report };
  }
  const summary = summarise(errors, warnings);
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const batchId = await runCommand(em, IMPORT_OPERATION, async (tem) => {
    const batch = tem.create(ImportBatch, { ...batchData, status: 'rejected', ...counts, ...summary.stored });
    await tem.flush();
    return batch.id;
  });
  return { batchId, status: 'rejected', totalRows: file.rows.length, ...counts, ...summary.report };
}

/** Sorted errors, exact counts for the report, and the capped lists stored with the batch. */
export function summarise(errorsAt: RowErrorAt[], warnings: string[]) {
  const sorted = [...errorsAt].sort((a, b) => a.row - b.row || a.col - b.col);
  const errors: ImportRowError[] = sorted.map(({ row, column, reason }) => ({ row, column, reason }));
  const rejected = new Set(errors.map((e) => e.row)).size;
  const storedWarnings = [...warnings];
  if (errors.length > STORED_ERRORS_CAP) {
    storedWarnings.push(`${formatCount(errors.length)} row errors: only the first ${formatCount(STORED_ERRORS_CAP)} are stored with this batch`);
  }
  return {
    report: { rejected, errors, warnings: storedWarnings },
    stored: { rejected, errors: errors.slice(0, STORED_ERRORS_CAP), warnings: storedWarnings },
  };
}

/**
 * The USCCs among `usccs` that exist in the database outside the caller's jurisdiction. The one place
 * the import looks past the access rule: as a named system actor, on the transaction's own
 * EntityManager (PGlite has a single connection), selecting nothing but the codes.
 */
export async function usccsOutsideJurisdiction(tem: EntityManager, usccs: string[], prefixes: readonly string[]): Promise<Set<string>> {
  const outside = new Set<string>();
  if (usccs.length === 0 || prefixes.includes('')) return outside;
  const notInside = { $not: { $or: prefixes.map((p) => ({ regionCode: { $like: `${p}%` } })) } };
  for (let i = 0; i < usccs.length; i += 5000) {
    const chunk = usccs.slice(i, i + 5000);
    const rows = await runAsSystem('import: USCC ownership check', () =>
      tem
        .createQueryBuilder(OnlineEntity)
        .select('uscc')
        .where({ uscc: { $in: chunk }, ...notInside })
        .execute<{ uscc: string }[]>('all', false),
    );
    for (const r of rows) outside.add(r.uscc);
  }
  return outside;
}

/** Upserts the valid rows chunk by chunk through the unit of work; counts created, updated and unchanged. */
async function writeRows(tem: EntityManager, rows: Candidate[], onProgress?: (done: number, total: number) => void) {
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK_SIZE) {
    const chunk = rows.slice(i, i + IMPORT_CHUNK_SIZE);
    // the jurisdiction filter applies: outside USCCs were set aside above, so what is not found is new
    const existing = await tem.find(OnlineEntity, { uscc: { $in: chunk.map((c) => c.uscc) } });
    const byUscc = new Map(existing.map((e) => [e.uscc, e]));
    for (const c of chunk) {
      const entity = byUscc.get(c.uscc);
      if (!entity) {
        tem.create(OnlineEntity, { uscc: c.uscc, name: c.values.name!, regionCode: c.values.regionCode!, ...c.values });
        created++;
        continue;
      }
      let changed = false;
      for (const [key, value] of Object.entries(updatesOf(c, entity)) as [keyof EntityValues, EntityValues[keyof EntityValues]][]) {
        if (entity[key] !== value) {
          (entity as unknown as Record<string, unknown>)[key] = value;
          changed = true;
        }
      }
      if (changed) updated++;
      else unchanged++;
    }
    await tem.flush();
    tem.clear(); // keeps each flush's change-set computation to one chunk
    onProgress?.(Math.min(i + IMPORT_CHUNK_SIZE, rows.length), rows.length);
  }
  return { created, updated, unchanged };
}

/**
 * The values a row changes on an existing business. A region given only by name, authority or USCC
 * never makes a stored one coarser: a stored town inside the named county stays. One derived from the
 * USCC never moves a business at all: the USCC keeps the division of the authority that issued it
 * when the business moves, so the stored region is the better one.
 */
function updatesOf(c: Candidate, entity: OnlineEntity): EntityValues {
  if (c.regionSource === 'code' || c.values.regionCode === undefined) return c.values;
  if (c.regionSource !== 'uscc' && !entity.regionCode.startsWith(c.values.regionCode)) return c.values;
  const { regionCode: _derived, ...rest } = c.values;
  return rest;
}

// --------------------------------------------------------------------------------------- validation

/** Most characters of each text column (the OnlineEntity column lengths; PostgreSQL counts characters). */
const MAX_LENGTH: Partial<Record<RegisterField, number>> = { name: 200, legalRepresentative: 100, address: 300 };
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Checks every row on its own (no database): fields, region, jurisdiction, and USCCs repeated in the file
 * (the later row is the error, naming the earlier one).
 */
function validateRows(file: RegisterFile, columns: RegisterColumns, actor: Actor): { candidates: Candidate[]; errors: RowErrorAt[]; regionWarning?: string } {
  const catalog = regionCatalog();
  const regions = new RegionResolver(catalog, columns);
  const errors: RowErrorAt[] = [];
  const candidates: Candidate[] = [];
  const firstRowOf = new Map<string, number>();
  const present = Object.entries(columns.index) as [RegisterField, number][];

  for (const { row, cells, lossy } of file.rows) {
    let ok = true;
    const failAt = (col: number, reason: string) => {
      errors.push({ row, col, column: columns.header[col], reason });
      ok = false;
    };
    const fail = (field: RegisterField, reason: string) => failAt(columns.index[field]!, reason);
    const cell = (field: RegisterField) => cells[columns.index[field]!] ?? '';
    const wasLossy = (field: RegisterField) => lossy?.includes(columns.index[field]!) ?? false;
    const values: EntityValues = {};

    // USCC
    const rawUscc = cell('uscc');
    const uscc = normalizeUscc(rawUscc.normalize('NFKC')).replace(/^'/, '');
    let usccValid = false;
    if (uscc === '') fail('uscc', 'required: the cell is empty');
    else if (wasLossy('uscc') || /^\d(\.\d+)?E\+\d+$/i.test(uscc)) {
      fail('uscc', `${quote(rawUscc)} was stored as a number and Excel dropped its last digits: format the column as text and enter the code again`);
    } else {
      const problem = usccProblem(uscc);
      if (problem) fail('uscc', `invalid USCC ${quote(rawUscc)}: ${problem}`);
      else {
        usccValid = true;
        const earlier = firstRowOf.get(uscc);
        if (earlier !== undefined) fail('uscc', `duplicate USCC ${uscc}: already given in row ${earlier}`);
        else firstRowOf.set(uscc, row);
      }
    }

    // region: from the region code column, else a region name or registration authority column, else the USCC
    const region = regions.resolve(cells, lossy, usccValid ? uscc : undefined);
    if (region && 'reason' in region) failAt(region.col, region.reason);
    else if (region && !inJurisdiction(region.code, actor.prefixes)) {
      const what =
        region.source === 'code'
          ? `${region.code} (${catalog.fullName(region.code)})`
          : region.source === 'uscc'
            ? `${region.code} (${catalog.fullName(region.code)}, from the USCC's division code)`
            : `${quote(region.raw)} → ${region.code} (${catalog.fullName(region.code)})`;
      failAt(region.col, `${what} lies outside your jurisdiction (${actor.prefixes.join(', ')})`);
    } else if (region) values.regionCode = region.code;
    const regionSource = region && 'code' in region ? region.source : regions.source;

    // the text fields and the status
    for (const [field] of present) {
      if (field === 'uscc' || REGION_FIELDS.includes(field)) continue;
      const raw = cell(field);
      if (field === 'registrationStatus') {
        const status = parseRegistrationStatus(raw);
        if (status === undefined) fail(field, `unknown registration status ${quote(raw)} (use ${STATUS_HINT})`);
        else values.registrationStatus = status;
        continue;
      }
      if (CONTROL_CHARS.test(raw)) {
        fail(field, 'contains control characters (invisible bytes, e.g. from a broken copy): retype the cell');
        continue;
      }
      const text = field === 'businessScope' || field === 'address' ? raw : raw.replace(/\s+/g, ' ');
      if (field === 'name' && text === '') {
        fail(field, 'required: the cell is empty');
        continue;
      }
      const max = MAX_LENGTH[field];
      const length = [...text].length;
      if (max !== undefined && length > max) {
        fail(field, `too long: ${length} characters, at most ${max}`);
        continue;
      }
      (values as Record<string, string | null>)[field] = text === '' ? null : text;
    }

    if (ok) candidates.push({ row, uscc, values, regionSource });
  }
  return { candidates, errors, regionWarning: regions.warning() };
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join('');
}
