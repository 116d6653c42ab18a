import { Migration } from '@mikro-orm/migrations';

/** The register, the bureau tree, access (users, sessions, API keys) and the audit log. */
export class InitialMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create type "registration_status" as enum ('active', 'revoked', 'cancelled', 'moved_out')`,
      `create type "region_level" as enum ('province', 'city', 'county', 'town')`,
      `create type "unit_level" as enum ('province', 'city', 'county', 'station')`,
      `create type "shop_classification" as enum ('platform', 'own_site_trading', 'own_site_non_trading', 'platform_merchant')`,
      `create type "filing_status" as enum ('unfiled', 'filed')`,
      `create type "maintenance_status" as enum ('normal', 'link_dead', 'not_in_jurisdiction', 'info_mismatch')`,
      `create type "shop_event_kind" as enum ('discovered', 'filed', 'updated', 'marked_link_dead', 'marked_not_in_jurisdiction', 'marked_info_mismatch', 'restored')`,
      `create type "user_role" as enum ('leader', 'analyst', 'inspector', 'admin', 'system')`,
      `create table "audit_entry" ("id" bigserial primary key, "at" timestamptz not null default now(), "actor_kind" varchar(16) not null, "actor_id" int null, "actor_name" varchar(100) not null, "actor_unit_id" int null, "operation" varchar(100) not null, "entity_type" varchar(64) not null, "entity_id" varchar(64) not null, "action" varchar(16) not null, "before" jsonb null, "after" jsonb null, "region_code" varchar(12) not null, "previous_region_code" varchar(12) null)`,
      `create index "audit_entry_at_index" on "audit_entry" ("at")`,
      `create index "audit_entry_region_code_index" on "audit_entry" ("region_code" varchar_pattern_ops)`,
      `create index "audit_entry_entity_type_entity_id_index" on "audit_entry" ("entity_type", "entity_id")`,
      `create table "import_batch" ("id" serial primary key, "file_name" varchar(255) not null, "sha256" varchar(64) not null, "format" varchar(8) not null, "strict" boolean not null, "status" varchar(16) not null, "total_rows" int not null, "created" int not null, "updated" int not null, "unchanged" int not null, "rejected" int not null, "errors" jsonb not null, "warnings" jsonb not null, "actor_name" varchar(100) not null, "region_code" varchar(12) not null, "created_at" timestamptz not null default now())`,
      `create table "online_entity" ("id" serial primary key, "uscc" varchar(18) not null, "name" varchar(200) not null, "legal_representative" varchar(100) null, "address" varchar(300) null, "region_code" varchar(12) not null, "registration_status" "registration_status" not null default 'active', "business_scope" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now())`,
      `alter table "online_entity" add constraint "online_entity_uscc_unique" unique ("uscc")`,
      `create index "online_entity_name_index" on "online_entity" ("name")`,
      `create index "online_entity_region_code_index" on "online_entity" ("region_code" varchar_pattern_ops)`,
      `create table "region" ("code" varchar(12) not null, "name" varchar(100) not null, "level" "region_level" not null, "parent_code" varchar(12) null, constraint "region_pkey" primary key ("code"))`,
      `create index "region_parent_code_index" on "region" ("parent_code")`,
      `create table "unit" ("id" serial primary key, "code" varchar(32) not null, "name" varchar(100) not null, "level" "unit_level" not null, "parent_id" int null, "path" varchar(255) not null, "region_code" varchar(12) not null, "jurisdiction" text[] not null, "created_at" timestamptz not null default now())`,
      `alter table "unit" add constraint "unit_code_unique" unique ("code")`,
      `create index "unit_path_index" on "unit" ("path")`,
      `create table "shop" ("id" serial primary key, "name" varchar(200) not null, "platform" varchar(100) not null, "url" varchar(1000) not null, "domain" varchar(255) not null, "icp_number" varchar(64) null, "platform_shop_id" varchar(64) null, "classification" "shop_classification" not null, "entity_id" int null, "region_code" varchar(12) not null, "responsible_unit_id" int null, "filing_status" "filing_status" not null default 'unfiled', "maintenance_status" "maintenance_status" not null default 'normal', "discovered_at" timestamptz not null default now(), "filed_at" timestamptz null, "last_maintained_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now())`,
      `create index "shop_name_index" on "shop" ("name")`,
      `alter table "shop" add constraint "shop_url_unique" unique ("url")`,
      `create index "shop_domain_index" on "shop" ("domain")`,
      `create index "shop_entity_id_index" on "shop" ("entity_id")`,
      `create index "shop_region_code_index" on "shop" ("region_code" varchar_pattern_ops)`,
      `create index "shop_responsible_unit_id_index" on "shop" ("responsible_unit_id")`,
      `create table "shop_event" ("id" serial primary key, "shop_id" int not null, "kind" "shop_event_kind" not null, "note" text null, "region_code" varchar(12) not null, "actor_name" varchar(100) not null, "actor_unit_id" int null, "details" jsonb null, "at" timestamptz not null default now())`,
      `create index "shop_event_shop_id_index" on "shop_event" ("shop_id")`,
      `create table "app_user" ("id" serial primary key, "username" varchar(64) not null, "display_name" varchar(100) not null, "password_hash" varchar(255) not null, "unit_id" int not null, "role" "user_role" not null, "active" boolean not null default true, "last_login_at" timestamptz null, "failed_logins" int not null default 0, "locked_until" timestamptz null, "created_at" timestamptz not null default now())`,
      `alter table "app_user" add constraint "app_user_username_unique" unique ("username")`,
      `create table "session" ("id" serial primary key, "token_hash" varchar(64) not null, "user_id" int not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "revoked_at" timestamptz null)`,
      `alter table "session" add constraint "session_token_hash_unique" unique ("token_hash")`,
      `create table "api_key" ("id" serial primary key, "name" varchar(100) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "unit_id" int not null, "scopes" text[] not null, "created_by_id" int null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, "last_used_at" timestamptz null)`,
      `alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix")`,
      `alter table "api_key" add constraint "api_key_secret_hash_unique" unique ("secret_hash")`,
      `alter table "unit" add constraint "unit_parent_id_foreign" foreign key ("parent_id") references "unit" ("id") on update cascade on delete restrict`,
      `alter table "shop" add constraint "shop_entity_id_foreign" foreign key ("entity_id") references "online_entity" ("id") on update cascade on delete set null`,
      `alter table "shop" add constraint "shop_responsible_unit_id_foreign" foreign key ("responsible_unit_id") references "unit" ("id") on update cascade on delete set null`,
      `alter table "shop_event" add constraint "shop_event_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`,
      `alter table "app_user" add constraint "app_user_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`,
      `alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade`,
      `alter table "api_key" add constraint "api_key_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict`,
      `alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null`,
      `alter table "region" add constraint "region_parent_code_foreign" foreign key ("parent_code") references "region" ("code")`,
      `alter table "unit" add constraint "unit_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `alter table "online_entity" add constraint "online_entity_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `alter table "shop" add constraint "shop_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `create index "audit_entry_previous_region_code_index" on "audit_entry" ("previous_region_code" varchar_pattern_ops)`,
      `create index "shop_event_region_code_index" on "shop_event" ("region_code" varchar_pattern_ops)`,
      `create index "import_batch_region_code_index" on "import_batch" ("region_code" varchar_pattern_ops)`,
      `create index "shop_filing_status_index" on "shop" ("filing_status", "id")`,
      `create index "app_user_unit_id_index" on "app_user" ("unit_id")`,
    ]) {
      this.addSql(sql);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['api_key', 'session', 'app_user', 'shop_event', 'shop', 'online_entity', 'import_batch', 'audit_entry', 'unit', 'region']) {
      this.addSql(`drop table if exists "${table}" cascade`);
    }
    for (const type of ['registration_status', 'region_level', 'unit_level', 'shop_classification', 'filing_status', 'maintenance_status', 'shop_event_kind', 'user_role']) {
      this.addSql(`drop type if exists "${type}"`);
    }
  }
}
