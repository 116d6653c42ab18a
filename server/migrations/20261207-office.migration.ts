import { Migration } from '@mikro-orm/migrations';

/**
 * Office work (issue 6): information reports with versions and review events, notices and messages with
 * recipients, read receipts and replies, login events, training sessions, publicity activities, consumer
 * warnings, designated staff, unit equipment and annual work plans.
 */
export class OfficeMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "training_form" as enum ('lecture', 'online', 'meeting', 'on_the_job', 'exam')`);
    this.addSql(`create type "publicity_kind" as enum ('event', 'media', 'outreach', 'online', 'leaflets')`);
    this.addSql(`create type "notice_kind" as enum ('notice', 'message')`);
    this.addSql(`create type "info_report_kind" as enum ('work_info', 'case_report', 'campaign_summary', 'statistics')`);
    this.addSql(`create type "info_report_status" as enum ('draft', 'submitted', 'returned', 'approved')`);
    this.addSql(`create type "info_report_action" as enum ('drafted', 'revised', 'submitted', 'forwarded', 'returned', 'approved')`);
    this.addSql(`create type "staff_assignment" as enum ('full_time', 'part_time')`);
    this.addSql(`create type "consumer_warning_status" as enum ('draft', 'published', 'withdrawn')`);
    this.addSql(`create table "training_session" ("id" serial primary key, "unit_id" int not null, "region_code" varchar(12) not null, "form" "training_form" not null, "topic" varchar(200) not null, "held_on" date not null, "hours" numeric(5,1) not null, "participants" jsonb not null, "participant_count" int not null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "training_session_unit_id_index" on "training_session" ("unit_id")`);
    this.addSql(`create index "training_session_held_on_index" on "training_session" ("held_on")`);
    this.addSql(`create table "publicity_activity" ("id" serial primary key, "unit_id" int not null, "region_code" varchar(12) not null, "kind" "publicity_kind" not null, "title" varchar(200) not null, "audience" varchar(200) not null, "reach" int not null, "held_on" date not null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "publicity_activity_unit_id_index" on "publicity_activity" ("unit_id")`);
    this.addSql(`create index "publicity_activity_held_on_index" on "publicity_activity" ("held_on")`);
    this.addSql(`create table "notice" ("id" serial primary key, "kind" "notice_kind" not null, "sender_unit_id" int not null, "region_code" varchar(12) not null, "title" varchar(200) not null, "body" text not null, "attachments" jsonb not null, "reply_required" boolean not null default false, "reply_due_on" date null, "created_by" varchar(100) not null, "sent_at" timestamptz not null default now())`);
    this.addSql(`create index "notice_sender_unit_id_index" on "notice" ("sender_unit_id")`);
    this.addSql(`create index "notice_sent_at_index" on "notice" ("sent_at")`);
    this.addSql(`create table "notice_reply" ("id" serial primary key, "notice_id" int not null, "unit_id" int not null, "body" text not null, "attachments" jsonb not null, "region_code" varchar(12) not null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "notice_reply_notice_id_index" on "notice_reply" ("notice_id")`);
    this.addSql(`create table "notice_recipient" ("id" serial primary key, "notice_id" int not null, "unit_id" int not null, "region_code" varchar(12) not null, "first_read_at" timestamptz null, "replied_at" timestamptz null)`);
    this.addSql(`create index "notice_recipient_notice_id_index" on "notice_recipient" ("notice_id")`);
    this.addSql(`create index "notice_recipient_unit_id_index" on "notice_recipient" ("unit_id")`);
    this.addSql(`alter table "notice_recipient" add constraint "notice_recipient_notice_id_unit_id_unique" unique ("notice_id", "unit_id")`);
    this.addSql(`create table "notice_read" ("id" serial primary key, "notice_id" int not null, "unit_id" int not null, "user_id" int not null, "user_name" varchar(100) not null, "region_code" varchar(12) not null, "read_at" timestamptz not null default now())`);
    this.addSql(`create index "notice_read_notice_id_index" on "notice_read" ("notice_id")`);
    this.addSql(`alter table "notice_read" add constraint "notice_read_notice_id_user_id_unique" unique ("notice_id", "user_id")`);
    this.addSql(`create table "login_event" ("id" bigserial primary key, "user_id" int not null, "unit_id" int not null, "region_code" varchar(12) not null, "day" date not null, "at" timestamptz not null default now())`);
    this.addSql(`create index "login_event_unit_id_day_index" on "login_event" ("unit_id", "day")`);
    this.addSql(`create table "info_report" ("id" serial primary key, "kind" "info_report_kind" not null, "status" "info_report_status" not null default 'draft', "title" varchar(200) not null, "author_unit_id" int not null, "region_code" varchar(12) not null, "reviewer_unit_id" int null, "approved_by_unit_id" int null, "period_start" date not null, "period_end" date not null, "due_on" date null, "version" int not null default 1, "submitted_at" timestamptz null, "approved_at" timestamptz null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now())`);
    this.addSql(`create index "info_report_status_index" on "info_report" ("status")`);
    this.addSql(`create index "info_report_author_unit_id_index" on "info_report" ("author_unit_id")`);
    this.addSql(`create index "info_report_reviewer_unit_id_index" on "info_report" ("reviewer_unit_id")`);
    this.addSql(`create table "info_report_version" ("id" serial primary key, "report_id" int not null, "version" int not null, "title" varchar(200) not null, "body" text not null, "attachments" jsonb not null, "region_code" varchar(12) not null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`alter table "info_report_version" add constraint "info_report_version_report_id_version_unique" unique ("report_id", "version")`);
    this.addSql(`create table "info_report_event" ("id" serial primary key, "report_id" int not null, "action" "info_report_action" not null, "from_status" "info_report_status" null, "to_status" "info_report_status" not null, "version" int not null, "comment" text null, "details" jsonb null, "actor_name" varchar(100) not null, "actor_unit_id" int null, "region_code" varchar(12) not null, "at" timestamptz not null default now())`);
    this.addSql(`create index "info_report_event_report_id_index" on "info_report_event" ("report_id")`);
    this.addSql(`create table "designated_staff" ("id" serial primary key, "unit_id" int not null, "region_code" varchar(12) not null, "name" varchar(100) not null, "assignment" "staff_assignment" not null, "since" date not null, "until" date null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "designated_staff_unit_id_index" on "designated_staff" ("unit_id")`);
    this.addSql(`create table "consumer_warning" ("id" serial primary key, "unit_id" int not null, "region_code" varchar(12) not null, "title" varchar(200) not null, "text" text not null, "category" varchar(100) not null, "status" "consumer_warning_status" not null default 'draft', "published_on" date null, "published_at" timestamptz null, "withdrawn_at" timestamptz null, "withdrawal_reason" text null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`create index "consumer_warning_unit_id_index" on "consumer_warning" ("unit_id")`);
    this.addSql(`create index "consumer_warning_status_index" on "consumer_warning" ("status")`);
    this.addSql(`create table "unit_equipment" ("id" serial primary key, "unit_id" int not null, "region_code" varchar(12) not null, "computers" int not null default 0, "printers" int not null default 0, "cameras" int not null default 0, "evidence_devices" int not null default 0, "updated_by" varchar(100) not null, "updated_at" timestamptz not null default now())`);
    this.addSql(`alter table "unit_equipment" add constraint "unit_equipment_unit_id_unique" unique ("unit_id")`);
    this.addSql(`create table "work_plan" ("id" serial primary key, "unit_id" int not null, "region_code" varchar(12) not null, "year" int not null, "title" varchar(200) not null, "body" text not null, "attachments" jsonb not null, "due_on" date not null, "published_at" timestamptz null, "created_by" varchar(100) not null, "created_at" timestamptz not null default now())`);
    this.addSql(`alter table "work_plan" add constraint "work_plan_unit_id_year_unique" unique ("unit_id", "year")`);
    this.addSql(`alter table "training_session" add constraint "training_session_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "publicity_activity" add constraint "publicity_activity_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "notice" add constraint "notice_sender_unit_id_foreign" foreign key ("sender_unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "notice_reply" add constraint "notice_reply_notice_id_foreign" foreign key ("notice_id") references "notice" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "notice_reply" add constraint "notice_reply_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "notice_recipient" add constraint "notice_recipient_notice_id_foreign" foreign key ("notice_id") references "notice" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "notice_recipient" add constraint "notice_recipient_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "notice_read" add constraint "notice_read_notice_id_foreign" foreign key ("notice_id") references "notice" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "notice_read" add constraint "notice_read_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "login_event" add constraint "login_event_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "info_report" add constraint "info_report_author_unit_id_foreign" foreign key ("author_unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "info_report" add constraint "info_report_reviewer_unit_id_foreign" foreign key ("reviewer_unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "info_report" add constraint "info_report_approved_by_unit_id_foreign" foreign key ("approved_by_unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "info_report_version" add constraint "info_report_version_report_id_foreign" foreign key ("report_id") references "info_report" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "info_report_event" add constraint "info_report_event_report_id_foreign" foreign key ("report_id") references "info_report" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "designated_staff" add constraint "designated_staff_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "consumer_warning" add constraint "consumer_warning_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "unit_equipment" add constraint "unit_equipment_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "work_plan" add constraint "work_plan_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`);
    this.addSql(`create index "info_report_region_code_index" on "info_report" ("region_code")`);
    this.addSql(`create index "notice_recipient_region_code_index" on "notice_recipient" ("region_code")`);
    this.addSql(`create index "login_event_region_code_day_index" on "login_event" ("region_code", "day")`);
  }
}
