import { Migration } from '@mikro-orm/migrations';

/**
 * Clues (线索): `clue` (one open clue per shop and rule: a partial unique index), `clue_finding` (the
 * findings behind a clue, each finding on at most one clue) and `clue_event` (every step: who, when, why).
 */
export class CluesMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create type "clue_source" as enum ('finding', 'complaint', 'patrol', 'manual')`,
      `create type "clue_status" as enum ('received', 'registered', 'assigned', 'handled', 'fed_back', 'archived')`,
      `create type "clue_outcome" as enum ('verified', 'not_verified', 'case_filed')`,
      `create type "clue_action" as enum ('raised', 'created', 'merged', 'registered', 'assigned', 'handled', 'fed_back', 'archived')`,
      `create table "clue" ("id" serial primary key, "source" "clue_source" not null, "status" "clue_status" not null default 'received',
        "shop_id" int not null, "rule_id" varchar(64) null, "region_code" varchar(12) not null, "title" varchar(200) not null,
        "description" text not null, "assigned_unit_id" int null, "deadline" timestamptz null, "assigned_at" timestamptz null,
        "outcome" "clue_outcome" null, "handled_at" timestamptz null, "created_by" varchar(100) not null,
        "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now())`,
      `create unique index "clue_open_shop_rule_unique" on "clue" ("shop_id", "rule_id") where "rule_id" is not null and "status" <> 'archived'`,
      `create index "clue_status_index" on "clue" ("status")`,
      `create index "clue_shop_id_index" on "clue" ("shop_id")`,
      `create index "clue_assigned_unit_id_index" on "clue" ("assigned_unit_id")`,
      `create index "clue_deadline_index" on "clue" ("deadline") where "status" = 'assigned'`,
      `create index "clue_region_code_index" on "clue" ("region_code" varchar_pattern_ops)`,
      `alter table "clue" add constraint "clue_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`,
      `alter table "clue" add constraint "clue_assigned_unit_id_foreign" foreign key ("assigned_unit_id") references "unit" ("id") on update cascade`,
      `alter table "clue" add constraint "clue_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `create table "clue_finding" ("id" serial primary key, "clue_id" int not null, "finding_id" int not null, "region_code" varchar(12) not null,
        "at" timestamptz not null default now(), constraint "clue_finding_finding_id_unique" unique ("finding_id"))`,
      `create index "clue_finding_clue_id_index" on "clue_finding" ("clue_id")`,
      `alter table "clue_finding" add constraint "clue_finding_clue_id_foreign" foreign key ("clue_id") references "clue" ("id") on update cascade on delete cascade`,
      `alter table "clue_finding" add constraint "clue_finding_finding_id_foreign" foreign key ("finding_id") references "finding" ("id") on update cascade on delete cascade`,
      `create table "clue_event" ("id" serial primary key, "clue_id" int not null, "action" "clue_action" not null,
        "from_status" "clue_status" null, "to_status" "clue_status" not null, "note" text null, "details" jsonb null,
        "actor_name" varchar(100) not null, "actor_unit_id" int null, "region_code" varchar(12) not null,
        "at" timestamptz not null default now())`,
      `create index "clue_event_clue_id_index" on "clue_event" ("clue_id")`,
      `create index "clue_event_region_code_index" on "clue_event" ("region_code" varchar_pattern_ops)`,
      `alter table "clue_event" add constraint "clue_event_clue_id_foreign" foreign key ("clue_id") references "clue" ("id") on update cascade on delete cascade`,
    ]) {
      this.addSql(sql);
    }
  }
}
