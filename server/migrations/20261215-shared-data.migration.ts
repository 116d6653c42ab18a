import { Migration } from '@mikro-orm/migrations';
import { jurisdictionPolicySql } from '../../entities/jurisdiction';

/** The jurisdiction-bound tables of this migration, with the region-code columns their policy reads. */
export const SHARED_DATA_TABLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['registration_change', ['region_code']],
  ['administrative_penalty', ['region_code']],
];

/**
 * Shared data from other bodies (issue 16): registration changes (登记信息变更: 设立, 变更, 注销, 吊销) and
 * administrative penalties (行政处罚), imported from files and matched to the register by USCC, each row
 * naming the import batch it came from; `import_batch.kind` says what a batch held (earlier batches are
 * register imports). Row-level security as on every jurisdiction-bound table (20261213).
 */
export class SharedDataMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "import_batch" add column "kind" varchar(24) not null default 'entities'
        constraint "import_batch_kind_check" check ("kind" in ('entities', 'registration_changes', 'penalties'))`,
    );
    this.addSql(
      `create table "registration_change" ("id" serial primary key,
        "entity_id" int not null references "online_entity" ("id") on delete cascade, "uscc" varchar(18) not null, "entity_name" varchar(200) null,
        "kind" text not null constraint "registration_change_kind_check" check ("kind" in ('established', 'changed', 'deregistered', 'revoked')),
        "change_date" date not null, "item" varchar(100) not null default '', "register_field" varchar(32) null,
        "before_value" text null, "after_value" text null, "authority" varchar(200) null, "reason" text null,
        "applied" boolean not null default false, "region_code" varchar(12) not null,
        "import_batch_id" int not null references "import_batch" ("id") on delete restrict,
        "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
        constraint "registration_change_key_unique" unique ("uscc", "kind", "change_date", "item"))`,
    );
    this.addSql(`create index "registration_change_entity_id_index" on "registration_change" ("entity_id")`);
    this.addSql(`create index "registration_change_region_code_index" on "registration_change" ("region_code" varchar_pattern_ops)`);
    this.addSql(`create index "registration_change_import_batch_id_index" on "registration_change" ("import_batch_id")`);
    this.addSql(
      `create table "administrative_penalty" ("id" serial primary key, "decision_number" varchar(100) not null,
        "entity_id" int not null references "online_entity" ("id") on delete cascade, "uscc" varchar(18) not null, "party_name" varchar(200) null,
        "violation_type" text null, "violation_facts" text null, "legal_basis" text null, "penalty_type" varchar(200) not null,
        "categories" text[] not null, "content" text null,
        "fine_amount" numeric(16,2) null, "confiscation_amount" numeric(16,2) null, "total_amount" numeric(16,2) null,
        "decision_date" date not null, "authority" varchar(200) null, "region_code" varchar(12) not null,
        "import_batch_id" int not null references "import_batch" ("id") on delete restrict,
        "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
        constraint "administrative_penalty_decision_number_unique" unique ("decision_number"))`,
    );
    this.addSql(`create index "administrative_penalty_entity_id_index" on "administrative_penalty" ("entity_id")`);
    this.addSql(`create index "administrative_penalty_uscc_index" on "administrative_penalty" ("uscc")`);
    this.addSql(`create index "administrative_penalty_region_code_index" on "administrative_penalty" ("region_code" varchar_pattern_ops)`);
    this.addSql(`create index "administrative_penalty_import_batch_id_index" on "administrative_penalty" ("import_batch_id")`);
    for (const [table, columns] of SHARED_DATA_TABLES) for (const sql of jurisdictionPolicySql(table, columns)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "administrative_penalty"`);
    this.addSql(`drop table if exists "registration_change"`);
    this.addSql(`alter table "import_batch" drop column if exists "kind"`);
  }
}
