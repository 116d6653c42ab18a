import { Migration } from '@mikro-orm/migrations';
import { jurisdictionPolicySql } from '../../entities/jurisdiction';

/** The jurisdiction-bound tables of this migration, with the region-code columns their policy reads. */
export const PLATFORM_REPORT_TABLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['platform_report', ['region_code']],
  ['platform_shop', ['region_code']],
  ['reconciliation_conflict', ['region_code']],
];

/**
 * Platform reports (平台报送, issue 16): the platforms, the reports they send, the shops as they report
 * them, a platform's reporting key (`api_key.platform_id`) and the conflicts the reconciliation of the
 * register's sources finds. Row-level security as on every jurisdiction-bound table (20261213).
 */
export class PlatformReportsMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "ecommerce_platform" ("id" serial primary key, "code" varchar(32) not null unique, "name" varchar(100) not null unique,
        "operator_uscc" varchar(18) null, "report_due_day" int not null default 10 check ("report_due_day" between 1 and 28),
        "region_code" varchar(12) not null default '37', "created_at" timestamptz not null default now())`,
    );
    this.addSql(`alter table "api_key" add column "platform_id" int null references "ecommerce_platform" ("id") on delete restrict`);
    this.addSql(
      `create table "platform_report" ("id" serial primary key, "platform_id" int not null references "ecommerce_platform" ("id") on delete restrict,
        "report_id" varchar(100) not null, "mode" varchar(8) not null check ("mode" in ('full', 'delta')), "format" varchar(8) not null,
        "sha256" varchar(64) not null, "status" varchar(16) not null check ("status" in ('committed', 'rejected')), "as_of" timestamptz not null,
        "total_rows" int not null, "created" int not null default 0, "updated" int not null default 0, "unchanged" int not null default 0,
        "absent" int not null default 0, "rejected" int not null default 0, "errors" jsonb not null default '[]', "error_count" int not null default 0,
        "warnings" jsonb not null default '[]', "region_code" varchar(12) not null default '37', "received_at" timestamptz not null default now(),
        constraint "platform_report_platform_id_report_id_unique" unique ("platform_id", "report_id"))`,
    );
    this.addSql(`create index "platform_report_received_at_index" on "platform_report" ("platform_id", "received_at")`);
    this.addSql(`create type "platform_shop_status" as enum ('open', 'closed')`);
    this.addSql(
      `create table "platform_shop" ("id" serial primary key, "platform_id" int not null references "ecommerce_platform" ("id") on delete restrict,
        "platform_shop_id" varchar(64) not null, "url" varchar(1000) not null, "name" varchar(200) not null, "operator_name" varchar(200) not null,
        "uscc" varchar(18) null, "address" varchar(300) null, "contact" varchar(100) null, "status" "platform_shop_status" not null,
        "opened_on" date null, "closed_on" date null, "region_code" varchar(12) not null,
        "shop_id" int null references "shop" ("id") on delete set null,
        "first_reported_at" timestamptz not null, "last_reported_at" timestamptz not null, "last_report_id" varchar(100) not null,
        "absent_since" timestamptz null,
        constraint "platform_shop_platform_id_platform_shop_id_unique" unique ("platform_id", "platform_shop_id"))`,
    );
    this.addSql(`create index "platform_shop_url_index" on "platform_shop" ("url")`);
    // matching a reported shop to the register's by platform shop id (reconcile.ts)
    this.addSql(`create index if not exists "shop_platform_shop_id_index" on "shop" ("platform_shop_id")`);
    this.addSql(`create index "platform_shop_uscc_index" on "platform_shop" ("uscc")`);
    this.addSql(`create index "platform_shop_shop_id_index" on "platform_shop" ("shop_id")`);
    this.addSql(`create index "platform_shop_region_code_index" on "platform_shop" ("region_code" varchar_pattern_ops)`);
    this.addSql(
      `create type "conflict_kind" as enum ('open_but_gone', 'closed_but_online', 'uscc_mismatch', 'unknown_to_crawl', 'unreported', 'deregistered_still_open')`,
    );
    this.addSql(`create type "conflict_status" as enum ('open', 'resolved', 'dismissed', 'clue_raised')`);
    this.addSql(
      `create table "reconciliation_conflict" ("id" serial primary key, "kind" "conflict_kind" not null, "subject" varchar(64) not null,
        "platform_id" int null references "ecommerce_platform" ("id") on delete cascade,
        "platform_shop_id" int null references "platform_shop" ("id") on delete cascade,
        "shop_id" int null references "shop" ("id") on delete cascade,
        "entity_id" int null references "online_entity" ("id") on delete set null,
        "region_code" varchar(12) not null, "details" jsonb not null, "status" "conflict_status" not null default 'open',
        "first_detected_at" timestamptz not null, "last_detected_at" timestamptz not null, "closed_at" timestamptz null,
        "reviewed_by" varchar(100) null, "review_note" varchar(500) null, "clue_id" int null,
        constraint "reconciliation_conflict_kind_subject_unique" unique ("kind", "subject"))`,
    );
    this.addSql(`create index "reconciliation_conflict_region_code_index" on "reconciliation_conflict" ("region_code" varchar_pattern_ops)`);
    this.addSql(`create index "reconciliation_conflict_status_index" on "reconciliation_conflict" ("status", "kind")`);
    this.addSql(`alter type "clue_source" add value if not exists 'reconciliation'`);
    for (const [table, columns] of PLATFORM_REPORT_TABLES) for (const sql of jurisdictionPolicySql(table, columns)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "reconciliation_conflict"`);
    this.addSql(`drop type if exists "conflict_status"`);
    this.addSql(`drop type if exists "conflict_kind"`);
    this.addSql(`drop index if exists "shop_platform_shop_id_index"`);
    this.addSql(`drop table if exists "platform_shop"`);
    this.addSql(`drop type if exists "platform_shop_status"`);
    this.addSql(`drop table if exists "platform_report"`);
    this.addSql(`alter table "api_key" drop column if exists "platform_id"`);
    this.addSql(`drop table if exists "ecommerce_platform"`);
  }
}
