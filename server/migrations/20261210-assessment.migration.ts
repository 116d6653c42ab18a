import { Migration } from '@mikro-orm/migrations';

/**
 * The annual assessment (年度考核, issue 7):
 * - `assessment_scheme`: the scheme versions saved by the province (JSON as checked by `checkScheme`, with
 *   its SHA-256 fingerprint). An id + version is immutable (primary key; the service refuses a changed
 *   copy). The versions in code (`DEFAULT_SCHEMES`) count without a row.
 * - `assessment_bonus`: occurrences of bonus items (加分项) the province records per unit and year, e.g.
 *   typical experience promoted twice; one row per unit, year and bonus item.
 * - `assessment_result`: one row per unit and year — the total, the ranks among peers (same level,
 *   province-wide) and among siblings (same parent), the scored items and bonuses with their explanations
 *   (`result`), the indicator values used and the scheme (id, version, fingerprint). `region_code` is the
 *   unit's region (`unitRegion`): a result is seen by the unit and the units above it. A run replaces a
 *   year's rows in one transaction.
 */
export class AssessmentMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "assessment_scheme" ("id" varchar(63) not null, "version" int not null, "name" varchar(200) not null,
        "from_year" int not null, "body" jsonb not null, "fingerprint" char(64) not null,
        "created_by" varchar(100) not null, "created_at" timestamptz not null default now(),
        constraint "assessment_scheme_pkey" primary key ("id", "version"))`,
    );
    this.addSql(
      `create table "assessment_bonus" ("year" int not null, "unit_id" int not null references "unit" ("id") on delete cascade,
        "bonus_key" varchar(63) not null, "count" int not null check ("count" >= 0), "note" varchar(500) not null,
        "region_code" varchar(12) not null, "recorded_by" varchar(100) not null, "recorded_at" timestamptz not null default now(),
        constraint "assessment_bonus_pkey" primary key ("year", "unit_id", "bonus_key"))`,
    );
    this.addSql(
      `create table "assessment_result" ("year" int not null, "unit_id" int not null references "unit" ("id") on delete cascade,
        "region_code" varchar(12) not null, "level" varchar(16) not null, "parent_id" int null,
        "scheme_id" varchar(63) not null, "scheme_version" int not null, "scheme_fingerprint" char(64) not null,
        "total" numeric(7, 2) not null, "items_total" numeric(7, 2) not null, "bonus_total" numeric(7, 2) not null,
        "rank" int not null, "peer_count" int not null, "sibling_rank" int not null, "sibling_count" int not null,
        "result" jsonb not null, "values" jsonb not null, "through_month" char(7) not null, "provisional" boolean not null,
        "computed_at" timestamptz not null default now(),
        constraint "assessment_result_pkey" primary key ("year", "unit_id"))`,
    );
    this.addSql(`create index "assessment_result_region_code_index" on "assessment_result" ("region_code" varchar_pattern_ops)`);
    this.addSql(`create index "assessment_result_year_level_index" on "assessment_result" ("year", "level", "rank")`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "assessment_result"`);
    this.addSql(`drop table if exists "assessment_bonus"`);
    this.addSql(`drop table if exists "assessment_scheme"`);
  }
}
