import { Migration } from '@mikro-orm/migrations';
import { jurisdictionPolicySql, READER_ROLE } from '../../entities/jurisdiction';

/** The jurisdiction-bound tables of this migration and the region-code columns their policies read. */
export const SELF_FILING_TABLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['self_filing', ['region_code']],
  ['self_filing_shop', ['region_code']],
  ['badge_sighting', ['region_code']],
];

/**
 * Self-filing (主体备案) and the electronic badge (电子标识), issue 16: the filings and their shops (one
 * open filing per submission: a partial unique index on the submission hash), the badge secret kept by the
 * database when BADGE_SECRET is not set (never readable by the reading role), and the badges the shop
 * crawler sees on shop pages. Row-level security on the three jurisdiction-bound tables.
 */
export class SelfFilingMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "self_filing_status" as enum ('awaiting_verification', 'under_review', 'accepted', 'returned', 'revoked')`);
    this.addSql(`create table "self_filing" ("id" serial primary key, "number" varchar(32) not null, "status" "self_filing_status" not null default 'awaiting_verification',
      "uscc" varchar(18) not null, "entity_name" varchar(200) not null, "legal_representative" varchar(100) null, "contact_name" varchar(100) not null, "contact_phone" varchar(32) not null,
      "contact_email" varchar(200) null, "entity_id" int not null, "region_code" varchar(12) not null, "review_unit_id" int null, "submitted_at" timestamptz not null,
      "verified_at" timestamptz null, "review_due_on" date null, "reviewed_at" timestamptz null, "reviewed_by" varchar(100) null, "return_reason" text null,
      "revoked_at" timestamptz null, "revoke_reason" text null, "submission_hash" varchar(64) not null, "submitter_key" varchar(64) null, "last_verify_at" timestamptz null,
      "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now())`);
    this.addSql(`alter table "self_filing" add constraint "self_filing_number_unique" unique ("number")`);
    this.addSql(`create unique index "self_filing_open_submission_unique" on "self_filing" ("submission_hash") where "status" in ('awaiting_verification', 'under_review', 'accepted')`);
    this.addSql(`create index "self_filing_status_index" on "self_filing" ("status")`);
    this.addSql(`create index "self_filing_entity_id_index" on "self_filing" ("entity_id")`);
    this.addSql(`create index "self_filing_review_unit_id_index" on "self_filing" ("review_unit_id")`);
    this.addSql(`create index "self_filing_submitter_key_index" on "self_filing" ("submitter_key", "submitted_at")`);
    this.addSql(`create index "self_filing_region_code_index" on "self_filing" ("region_code" varchar_pattern_ops)`);
    this.addSql(`alter table "self_filing" add constraint "self_filing_entity_id_foreign" foreign key ("entity_id") references "online_entity" ("id") on update cascade on delete restrict`);
    this.addSql(`alter table "self_filing" add constraint "self_filing_review_unit_id_foreign" foreign key ("review_unit_id") references "unit" ("id") on update cascade on delete set null`);

    this.addSql(`create table "self_filing_shop" ("id" serial primary key, "filing_id" int not null, "region_code" varchar(12) not null, "url" varchar(1000) not null,
      "domain" varchar(255) not null, "platform" varchar(100) not null, "verification_token" varchar(64) not null, "verified_at" timestamptz null, "last_checked_at" timestamptz null,
      "last_check_result" text null, "badge_id" varchar(32) null, "shop_id" int null, "created_at" timestamptz not null default now())`);
    this.addSql(`alter table "self_filing_shop" add constraint "self_filing_shop_verification_token_unique" unique ("verification_token")`);
    this.addSql(`alter table "self_filing_shop" add constraint "self_filing_shop_badge_id_unique" unique ("badge_id")`);
    this.addSql(`create index "self_filing_shop_filing_id_index" on "self_filing_shop" ("filing_id")`);
    this.addSql(`create index "self_filing_shop_domain_index" on "self_filing_shop" ("domain")`);
    this.addSql(`create index "self_filing_shop_shop_id_index" on "self_filing_shop" ("shop_id")`);
    this.addSql(`create index "self_filing_shop_region_code_index" on "self_filing_shop" ("region_code" varchar_pattern_ops)`);
    this.addSql(`alter table "self_filing_shop" add constraint "self_filing_shop_filing_id_foreign" foreign key ("filing_id") references "self_filing" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "self_filing_shop" add constraint "self_filing_shop_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete set null`);

    this.addSql(`create table "badge_sighting" ("id" serial primary key, "shop_id" int not null, "region_code" varchar(12) not null, "observed_at" timestamptz not null,
      "token" varchar(200) not null, "page_url" varchar(1000) not null)`);
    this.addSql(`alter table "badge_sighting" add constraint "badge_sighting_shop_observed_token_unique" unique ("shop_id", "observed_at", "token")`);
    this.addSql(`create index "badge_sighting_shop_id_index" on "badge_sighting" ("shop_id")`);
    this.addSql(`create index "badge_sighting_observed_at_region_index" on "badge_sighting" ("observed_at", "region_code" varchar_pattern_ops)`);
    this.addSql(`alter table "badge_sighting" add constraint "badge_sighting_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`);

    // the HMAC key of badge links when BADGE_SECRET is not set: generated once by the platform, kept here
    this.addSql(`create table "badge_secret" ("id" int primary key check ("id" = 1), "secret" text not null, "created_at" timestamptz not null default now())`);
    this.addSql(`revoke all on "badge_secret" from ${READER_ROLE}`);
    for (const [table, columns] of SELF_FILING_TABLES) for (const sql of jurisdictionPolicySql(table, columns)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "badge_secret"`);
    this.addSql(`drop table if exists "badge_sighting"`);
    this.addSql(`drop table if exists "self_filing_shop"`);
    this.addSql(`drop table if exists "self_filing"`);
    this.addSql(`drop type if exists "self_filing_status"`);
  }
}
