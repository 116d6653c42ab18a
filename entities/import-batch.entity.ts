import { Entity, Filter, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';

/** One row-level problem found in an import file. */
export interface ImportRowError {
  /** 1-based row number as a spreadsheet shows it (the header is row 1) */
  row: number;
  column: string | null;
  reason: string;
}

/** What an imported file held: the register (经济户口), registration changes (登记信息变更) or administrative penalties (行政处罚). */
export type ImportKind = 'entities' | 'registration_changes' | 'penalties';

/** A run of the register import (经济户口数据导入): the file, the outcome and the row-level report. */
@Entity({ tableName: 'import_batch' })
@Filter(jurisdictionFilter())
export class ImportBatch implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  /** what the file held (migration 20261215-shared-data; earlier batches are register imports) */
  @Property({ type: 'string', length: 24, default: 'entities' })
  kind: ImportKind & Opt = 'entities';

  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'string', length: 8 })
  format!: string;

  @Property({ type: 'boolean' })
  strict!: boolean;

  /** committed (valid rows written) or rejected (strict mode with errors: nothing written) */
  @Property({ type: 'string', length: 16 })
  status!: string;

  @Property({ type: 'integer' })
  totalRows!: number;

  @Property({ type: 'integer' })
  created!: number;

  @Property({ type: 'integer' })
  updated!: number;

  @Property({ type: 'integer' })
  unchanged!: number;

  @Property({ type: 'integer' })
  rejected!: number;

  @Property({ type: 'json' })
  errors!: ImportRowError[];

  @Property({ type: 'json' })
  warnings!: string[];

  @Property({ type: 'string', length: 100 })
  actorName!: string;

  /** the importer's unit region (jurisdiction scope of the batch record) */
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
