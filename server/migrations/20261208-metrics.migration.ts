import { Migration } from '@mikro-orm/migrations';

/**
 * Supervision metrics (issue 7): the per-unit monthly rollup of every indicator of the catalog
 * (analytics/metrics/catalog.ts). One row per unit, month and indicator holds the unit's OWN value —
 * rows attributed to the unit itself, not to the units below it; a subtree's value is summed at read time
 * over `unit.path` prefixes, so a parent equals the sum of its children plus its own rows by construction.
 * `region_code` is the unit's region (`unitRegion`), the column the access rule reads.
 */
export class MetricsMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "unit_metric_month" ("unit_id" int not null references "unit" ("id") on delete cascade, "month" date not null,
        "key" varchar(80) not null, "region_code" varchar(12) not null, "numerator" numeric not null, "denominator" numeric null,
        "refreshed_at" timestamptz not null default now(),
        constraint "unit_metric_month_pkey" primary key ("month", "key", "unit_id"))`,
    );
    this.addSql(`create index "unit_metric_month_unit_id_index" on "unit_metric_month" ("unit_id", "month")`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "unit_metric_month"`);
  }
}
