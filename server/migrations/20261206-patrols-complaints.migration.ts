import { Migration } from '@mikro-orm/migrations';

/**
 * Patrols (plans, generated tasks unique per plan/shop/period, records) and complaints (with their
 * append-only event history).
 */
export class PatrolsComplaintsMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "patrol_plan_kind" as enum ('routine', 'campaign')`);
    this.addSql(`create type "patrol_plan_status" as enum ('active', 'closed')`);
    this.addSql(`create type "patrol_task_status" as enum ('open', 'done', 'cancelled')`);
    this.addSql(`create type "patrol_mode" as enum ('online', 'on_site')`);
    this.addSql(`create type "patrol_outcome" as enum ('compliant', 'rectification_ordered', 'clue_raised')`);
    this.addSql(`create type "complaint_kind" as enum ('complaint', 'report')`);
    this.addSql(`create type "complaint_channel" as enum ('staff', 'public', 'api')`);
    this.addSql(`create type "complaint_status" as enum ('received', 'accepted', 'rejected', 'mediating', 'resolved', 'closed')`);
    this.addSql(`create type "complaint_result" as enum ('agreement', 'no_agreement', 'withdrawn', 'terminated', 'report_handled')`);
    this.addSql(`create type "complaint_feedback" as enum ('satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable')`);
    this.addSql(`create type "complaint_action" as enum ('received', 'accepted', 'rejected', 'mediation_started', 'resolved', 'closed', 'clue_raised', 'reassigned')`);
    this.addSql(`create table "patrol_plan" ("id" serial primary key, "kind" "patrol_plan_kind" not null, "status" "patrol_plan_status" not null default 'active', "name" varchar(200) not null, "theme" text null, "owner_unit_id" int not null, "region_code" varchar(12) not null, "scope" text[] not null, "starts_on" date not null, "ends_on" date null, "rules" jsonb null, "target" jsonb null, "checklist" jsonb not null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now(), "closed_at" timestamptz null, "close_reason" text null)`);
    this.addSql(`create index "patrol_plan_owner_unit_id_index" on "patrol_plan" ("owner_unit_id")`);
    this.addSql(`create table "patrol_task" ("id" serial primary key, "plan_id" int not null, "shop_id" int not null, "unit_id" int not null, "region_code" varchar(12) not null, "period_start" date not null, "due_on" date not null, "status" "patrol_task_status" not null default 'open', "done_at" timestamptz null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "patrol_task_plan_id_index" on "patrol_task" ("plan_id")`);
    this.addSql(`create index "patrol_task_shop_id_index" on "patrol_task" ("shop_id")`);
    this.addSql(`create index "patrol_task_status_index" on "patrol_task" ("status")`);
    this.addSql(`create index "patrol_task_unit_id_due_on_index" on "patrol_task" ("unit_id", "due_on")`);
    this.addSql(`alter table "patrol_task" add constraint "patrol_task_plan_id_shop_id_period_start_unique" unique ("plan_id", "shop_id", "period_start")`);
    this.addSql(`create table "patrol_record" ("id" serial primary key, "task_id" int null, "shop_id" int not null, "unit_id" int not null, "region_code" varchar(12) not null, "mode" "patrol_mode" not null, "patrolled_at" timestamptz not null, "checklist" jsonb not null, "snapshot_at" timestamptz null, "evidence_sha256" text[] not null, "site_address" varchar(300) null, "people_met" varchar(300) null, "photos" jsonb not null, "outcome" "patrol_outcome" not null, "rectify_by" date null, "clue_id" int null, "note" text null, "recorded_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "patrol_record_task_id_index" on "patrol_record" ("task_id")`);
    this.addSql(`create index "patrol_record_shop_id_index" on "patrol_record" ("shop_id")`);
    this.addSql(`create index "patrol_record_unit_id_index" on "patrol_record" ("unit_id")`);
    this.addSql(`create index "patrol_record_patrolled_at_index" on "patrol_record" ("patrolled_at")`);
    this.addSql(`create table "complaint" ("id" serial primary key, "number" varchar(32) not null, "kind" "complaint_kind" not null, "channel" "complaint_channel" not null, "status" "complaint_status" not null default 'received', "shop_id" int not null, "region_code" varchar(12) not null, "assigned_unit_id" int not null, "complainant_name" varchar(100) not null, "complainant_phone" varchar(32) null, "complainant_email" varchar(200) null, "shop_url" varchar(1000) null, "shop_name" varchar(200) null, "order_number" varchar(100) null, "order_date" date null, "product_name" varchar(200) null, "amount_paid" numeric(14,2) null, "title" varchar(200) not null, "description" text not null, "attachments" jsonb not null, "received_at" timestamptz not null, "acceptance_due_on" date not null, "decided_at" timestamptz null, "resolution_due_on" date null, "result" "complaint_result" null, "amount_recovered" numeric(14,2) null, "resolved_at" timestamptz null, "feedback" "complaint_feedback" null, "closed_at" timestamptz null, "clue_id" int null, "submitter_key" varchar(64) null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now())`);
    this.addSql(`alter table "complaint" add constraint "complaint_number_unique" unique ("number")`);
    this.addSql(`create index "complaint_status_index" on "complaint" ("status")`);
    this.addSql(`create index "complaint_shop_id_index" on "complaint" ("shop_id")`);
    this.addSql(`create index "complaint_assigned_unit_id_index" on "complaint" ("assigned_unit_id")`);
    this.addSql(`create index "complaint_received_at_index" on "complaint" ("received_at")`);
    this.addSql(`create index "complaint_submitter_key_index" on "complaint" ("submitter_key")`);
    this.addSql(`create table "complaint_event" ("id" serial primary key, "complaint_id" int not null, "action" "complaint_action" not null, "from_status" "complaint_status" null, "to_status" "complaint_status" not null, "note" text null, "details" jsonb null, "actor_name" varchar(100) not null, "actor_unit_id" int null, "region_code" varchar(12) not null, "at" timestamptz not null default now())`);
    this.addSql(`create index "complaint_event_complaint_id_index" on "complaint_event" ("complaint_id")`);
    this.addSql(`alter table "patrol_plan" add constraint "patrol_plan_owner_unit_id_foreign" foreign key ("owner_unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "patrol_task" add constraint "patrol_task_plan_id_foreign" foreign key ("plan_id") references "patrol_plan" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "patrol_task" add constraint "patrol_task_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "patrol_task" add constraint "patrol_task_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "patrol_record" add constraint "patrol_record_task_id_foreign" foreign key ("task_id") references "patrol_task" ("id") on update cascade on delete set null`);
    this.addSql(`alter table "patrol_record" add constraint "patrol_record_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "patrol_record" add constraint "patrol_record_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "patrol_record" add constraint "patrol_record_clue_id_foreign" foreign key ("clue_id") references "clue" ("id") on update cascade on delete set null`);
    this.addSql(`alter table "complaint" add constraint "complaint_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "complaint" add constraint "complaint_assigned_unit_id_foreign" foreign key ("assigned_unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "complaint" add constraint "complaint_clue_id_foreign" foreign key ("clue_id") references "clue" ("id") on update cascade on delete set null`);
    this.addSql(`alter table "complaint_event" add constraint "complaint_event_complaint_id_foreign" foreign key ("complaint_id") references "complaint" ("id") on update cascade on delete cascade`);
    this.addSql(`create index "patrol_task_region_code_index" on "patrol_task" ("region_code")`);
    this.addSql(`create index "patrol_record_region_code_patrolled_at_index" on "patrol_record" ("region_code", "patrolled_at")`);
    this.addSql(`create index "complaint_region_code_index" on "complaint" ("region_code")`);
    this.addSql(`create function complaint_event_append_only() returns trigger language plpgsql as $$ begin raise exception 'complaint_event is append-only'; end $$`);
    this.addSql(`create trigger complaint_event_append_only before update on "complaint_event" for each row execute function complaint_event_append_only()`);
  }
}
