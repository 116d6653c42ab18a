import { Migration } from '@mikro-orm/migrations';

/**
 * Rule checks: `finding` (one per rule, shop, listing and moment), `rule_setting` (a rule on or off per
 * region prefix), and the description of a listing (absolute terms are looked for in it too).
 */
export class FindingsMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create type "finding_severity" as enum ('low', 'medium', 'high')`,
      `create type "finding_status" as enum ('open', 'dismissed')`,
      `create table "finding" ("id" serial primary key, "rule_id" varchar(64) not null, "severity" "finding_severity" not null,
        "shop_id" int not null, "listing_id" int null, "region_code" varchar(12) not null, "observed_at" timestamptz not null,
        "run_id" int null, "detail" text not null, "trigger" jsonb not null, "legal_basis" jsonb not null,
        "evidence" jsonb not null default '[]', "status" "finding_status" not null default 'open', "created_at" timestamptz not null default now())`,
      `create unique index "finding_natural_key" on "finding" ("rule_id", "shop_id", coalesce("listing_id", 0), "observed_at")`,
      `create index "finding_rule_id_index" on "finding" ("rule_id")`,
      `create index "finding_shop_id_index" on "finding" ("shop_id")`,
      `create index "finding_observed_at_index" on "finding" ("observed_at")`,
      `create index "finding_region_code_index" on "finding" ("region_code" varchar_pattern_ops)`,
      `alter table "finding" add constraint "finding_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`,
      `alter table "finding" add constraint "finding_listing_id_foreign" foreign key ("listing_id") references "listing" ("id") on update cascade on delete cascade`,
      `alter table "finding" add constraint "finding_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `create table "rule_setting" ("id" serial primary key, "rule_id" varchar(64) not null, "region_code" varchar(12) not null,
        "enabled" boolean not null, "updated_by" varchar(100) not null, "updated_at" timestamptz not null default now(),
        constraint "rule_setting_rule_region_unique" unique ("rule_id", "region_code"))`,
      `alter table "rule_setting" add constraint "rule_setting_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `alter table "listing" add column "description" text null`,
    ]) {
      this.addSql(sql);
    }
  }
}
