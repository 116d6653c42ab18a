import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AccessDeniedError, type Actor, currentActor, ImportBatch, type ImportKind, OnlineEntity } from '../../../entities';
import { Permission } from '../../access/permissions';
import { runCommand } from '../../command';
import { ALL_PERMISSIONS_MARKER } from '../../system-actor';
import { type ImportReport, type RowErrorAt, summarise, truncate, usccsOutsideJurisdiction } from '../import/import-entities.command';
import type { RegisterFile, RegisterFileLimits } from '../import/read-register-file';

/**
 * What the shared-data imports (registration changes, administrative penalties) have in common with the
 * register import and with each other: who may import, the batch record, the outcome, and matching rows
 * to the register by USCC.
 */

export interface SharedImportProps {
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

/** The outcome of a shared-data import: the register import's report, what the file held, and the businesses it changed. */
export interface SharedImportReport extends ImportReport {
  kind: ImportKind;
  /** register businesses whose status, name, address, legal representative or business scope the file changed */
  entitiesUpdated: number;
}

/** Refuses an actor that may not import or has no jurisdiction (as the register import does). */
export function checkImporter(what: string): Actor {
  const actor = currentActor();
  if (!actor.permissions.has(Permission.REGISTRY_IMPORT) && !actor.permissions.has(ALL_PERMISSIONS_MARKER)) {
    throw new AccessDeniedError(`${actor.name} may not import ${what} (needs ${Permission.REGISTRY_IMPORT})`);
  }
  if (actor.prefixes.length === 0) throw new AccessDeniedError(`${actor.name} has no jurisdiction to import into`);
  return actor;
}

/** The fields of the batch record every outcome shares. */
export function batchFields(props: SharedImportProps, file: RegisterFile, actor: Actor, kind: ImportKind) {
  return {
    kind,
    fileName: truncate(path.basename(props.fileName.replace(/\\/g, '/')) || 'unnamed', 255),
    sha256: createHash('sha256').update(props.content).digest('hex'),
    format: file.format,
    strict: props.strict,
    actorName: truncate(actor.name, 100),
    regionCode: actor.prefixes[0] === '' ? '37' : actor.prefixes[0],
    totalRows: file.rows.length,
  };
}

/**
 * Records a strict import that found errors: nothing of the file is written, only the batch saying so
 * (its own command, after the transaction that found the errors ended without writing).
 */
export async function recordRejected(
  em: EntityManager,
  operation: string,
  fields: ReturnType<typeof batchFields>,
  errors: RowErrorAt[],
  warnings: string[],
): Promise<SharedImportReport> {
  const summary = summarise(errors, warnings);
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const batchId = await runCommand(em, operation, async (tem) => {
    const batch = tem.create(ImportBatch, { ...fields, status: 'rejected', ...counts, ...summary.stored });
    await tem.flush();
    return batch.id;
  });
  return { batchId, kind: fields.kind, status: 'rejected', totalRows: fields.totalRows, ...counts, entitiesUpdated: 0, ...summary.report };
}

/**
 * The register businesses of the given USCCs inside the caller's jurisdiction (the access filter applies),
 * and the USCCs registered outside it (the register import's one named look past the rule: codes only).
 */
export async function matchEntities(tem: EntityManager, usccs: string[], prefixes: readonly string[]): Promise<{ inside: Map<string, OnlineEntity>; outside: Set<string> }> {
  const inside = new Map<string, OnlineEntity>();
  const unique = [...new Set(usccs)];
  for (let i = 0; i < unique.length; i += 5000) {
    for (const e of await tem.find(OnlineEntity, { uscc: { $in: unique.slice(i, i + 5000) } })) inside.set(e.uscc, e);
  }
  const outside = await usccsOutsideJurisdiction(tem, unique.filter((u) => !inside.has(u)), prefixes);
  return { inside, outside };
}

/** The row error of a USCC the register does not hold in the caller's jurisdiction. */
export function unmatchedReason(uscc: string, outside: ReadonlySet<string>, what: string): string {
  return outside.has(uscc)
    ? `${uscc} is registered to a business outside your jurisdiction: only the unit responsible for it can record its ${what}`
    : `${uscc} is not in the register: import the business first (import entities), then this file again`;
}
