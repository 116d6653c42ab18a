import { Migration } from '@mikro-orm/migrations';

/**
 * Monthly statistical reports (月度统计报表, issue 7): one row per unit, month and format (xlsx, html, pdf,
 * and json — the report's table, whose SHA-256 is the data digest) naming a file stored content-addressed
 * in the evidence blob folder. Regeneration replaces the row; over unchanged data the xlsx, html and json
 * bytes — hence their SHA-256 — are the same. `region_code` is the unit's region (`unitRegion`), the
 * column the access rule reads: a report is seen by its unit and the units above it.
 */
export class MonthlyReportMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "monthly_report" ("id" serial primary key, "unit_id" int not null references "unit" ("id") on delete cascade,
        "region_code" varchar(12) not null, "month" date not null,
        "format" varchar(8) not null constraint "monthly_report_format_check" check ("format" in ('xlsx', 'html', 'pdf', 'json')),
        "sha256" char(64) not null, "size_bytes" int not null, "data_digest" char(64) not null,
        "generated_at" timestamptz not null default now(), "generated_by" varchar(100) not null, "trigger" varchar(40) not null,
        constraint "monthly_report_unit_month_format_unique" unique ("unit_id", "month", "format"))`,
    );
    this.addSql(`create index "monthly_report_month_region_index" on "monthly_report" ("month", "region_code" varchar_pattern_ops)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "monthly_report"`);
  }
}
