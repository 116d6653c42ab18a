import { Migration } from '@mikro-orm/migrations';

/**
 * Cases (案件): `legal_case` (the case number assigned at filing, unique), `case_clue` (the clues behind
 * a case, each clue in at most one case), `case_evidence` (captures copied from evidence_capture, files,
 * notes) and `case_event` (every step: who, in which role, when, why).
 */
export class CasesMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create type "case_status" as enum ('proposed', 'filed', 'investigating', 'notified', 'decided', 'executed', 'closed', 'not_filed', 'transferred')`,
      `create type "case_action" as enum ('opened', 'filing_approved', 'filing_rejected', 'transferred', 'investigation_started', 'evidence_added', 'prior_notice_issued', 'penalty_decided', 'execution_recorded', 'closed')`,
      `create type "case_evidence_kind" as enum ('capture', 'file', 'note')`,
      `create table "legal_case" ("id" serial primary key, "case_number" varchar(64) null, "status" "case_status" not null default 'proposed',
        "region_code" varchar(12) not null, "shop_id" int not null, "handling_unit_id" int null, "title" varchar(200) not null,
        "facts" text not null, "legal_basis" jsonb not null default '[]', "fine_amount" numeric(14,2) null check ("fine_amount" >= 0),
        "confiscation" text null, "decision" text null, "stage_deadline" timestamptz null, "filed_at" timestamptz null,
        "created_by" varchar(100) not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
        constraint "legal_case_case_number_unique" unique ("case_number"))`,
      `create index "legal_case_status_index" on "legal_case" ("status")`,
      `create index "legal_case_shop_id_index" on "legal_case" ("shop_id")`,
      `create index "legal_case_handling_unit_id_index" on "legal_case" ("handling_unit_id")`,
      `create index "legal_case_region_code_index" on "legal_case" ("region_code" varchar_pattern_ops)`,
      `alter table "legal_case" add constraint "legal_case_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade`,
      `alter table "legal_case" add constraint "legal_case_handling_unit_id_foreign" foreign key ("handling_unit_id") references "unit" ("id") on update cascade`,
      `alter table "legal_case" add constraint "legal_case_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `create table "case_clue" ("id" serial primary key, "case_id" int not null, "clue_id" int not null, "region_code" varchar(12) not null,
        "at" timestamptz not null default now(), constraint "case_clue_clue_id_unique" unique ("clue_id"))`,
      `create index "case_clue_case_id_index" on "case_clue" ("case_id")`,
      `alter table "case_clue" add constraint "case_clue_case_id_foreign" foreign key ("case_id") references "legal_case" ("id") on update cascade on delete cascade`,
      `alter table "case_clue" add constraint "case_clue_clue_id_foreign" foreign key ("clue_id") references "clue" ("id") on update cascade`,
      `create table "case_evidence" ("id" serial primary key, "case_id" int not null, "kind" "case_evidence_kind" not null,
        "evidence_capture_id" bigint null, "sha256" varchar(64) null, "url" varchar(2000) null, "observed_at" timestamptz null,
        "tool" text null, "note" text null, "added_by" varchar(100) not null, "region_code" varchar(12) not null,
        "at" timestamptz not null default now())`,
      `create index "case_evidence_case_id_index" on "case_evidence" ("case_id")`,
      `create unique index "case_evidence_case_capture_unique" on "case_evidence" ("case_id", "evidence_capture_id") where "evidence_capture_id" is not null`,
      `create index "case_evidence_region_code_index" on "case_evidence" ("region_code" varchar_pattern_ops)`,
      `alter table "case_evidence" add constraint "case_evidence_case_id_foreign" foreign key ("case_id") references "legal_case" ("id") on update cascade on delete cascade`,
      // no foreign key to evidence_capture: that table is append-only (its trigger refuses deletes), the
      // capture's URL, time, tool and SHA-256 are copied here, and a reference would pre-empt its TRUNCATE trigger
      `create table "case_event" ("id" serial primary key, "case_id" int not null, "action" "case_action" not null,
        "from_status" "case_status" null, "to_status" "case_status" not null, "note" text null, "details" jsonb null,
        "actor_name" varchar(100) not null, "actor_role" varchar(20) not null, "actor_unit_id" int null, "region_code" varchar(12) not null,
        "at" timestamptz not null default now())`,
      `create index "case_event_case_id_index" on "case_event" ("case_id")`,
      `create index "case_event_region_code_index" on "case_event" ("region_code" varchar_pattern_ops)`,
      `alter table "case_event" add constraint "case_event_case_id_foreign" foreign key ("case_id") references "legal_case" ("id") on update cascade on delete cascade`,
    ]) {
      this.addSql(sql);
    }
  }
}
