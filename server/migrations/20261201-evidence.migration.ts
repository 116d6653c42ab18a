import { Migration } from '@mikro-orm/migrations';

/**
 * The evidence store's table (crawlers/evidence): one row per captured response or screenshot, the
 * bytes themselves in the content-addressed blob folder. Rows form one hash chain per shop
 * (`seq` 1, 2, 3 …; `prev_hash` = the previous row's `record_hash`), so an edit or a deletion is
 * detectable by `EvidenceStore.verify`.
 *
 * Evidence outlives mistakes: deleting a shop with captures is refused (`on delete restrict`, no
 * cascade), and a trigger refuses UPDATE, DELETE and TRUNCATE of the table. Whoever owns the table can
 * still disable the trigger; that is what the hash chain is for.
 */
export class EvidenceMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create table "evidence_capture" (
        "id" bigserial primary key,
        "shop_id" int not null,
        "region_code" varchar(12) not null,
        "seq" int not null check ("seq" >= 1),
        "kind" text not null check ("kind" in ('response', 'screenshot')),
        "url" varchar(2000) not null,
        "observed_at" timestamptz not null,
        "status" int null,
        "content_type" text null,
        "headers" jsonb null,
        "sha256" char(64) not null check ("sha256" ~ '^[0-9a-f]{64}$'),
        "bytes" bigint not null check ("bytes" >= 0),
        "crawler" text not null,
        "run_id" int null,
        "prev_hash" char(64) null,
        "record_hash" char(64) not null,
        "created_at" timestamptz not null default now())`,
      `alter table "evidence_capture" add constraint "evidence_capture_shop_id_seq_unique" unique ("shop_id", "seq")`,
      // the natural key of a capture: a retried crawl finds its capture instead of appending a duplicate
      // (the URL through md5: a 2,000-character URL may exceed a btree entry)
      `create unique index "evidence_capture_natural_key" on "evidence_capture" ("shop_id", "kind", "observed_at", "sha256", md5("url"))`,
      `create index "evidence_capture_region_code_index" on "evidence_capture" ("region_code" varchar_pattern_ops)`,
      `create index "evidence_capture_observed_at_index" on "evidence_capture" ("observed_at")`,
      `create index "evidence_capture_sha256_index" on "evidence_capture" ("sha256")`,
      `create index "evidence_capture_run_id_index" on "evidence_capture" ("run_id") where "run_id" is not null`,
      `alter table "evidence_capture" add constraint "evidence_capture_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update restrict on delete restrict`,
      `alter table "evidence_capture" add constraint "evidence_capture_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `create function "evidence_capture_append_only"() returns trigger language plpgsql as $$
        begin
          raise exception 'evidence_capture is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
        end
      $$`,
      `create trigger "evidence_capture_no_update_delete" before update or delete on "evidence_capture"
        for each row execute function "evidence_capture_append_only"()`,
      `create trigger "evidence_capture_no_truncate" before truncate on "evidence_capture"
        for each statement execute function "evidence_capture_append_only"()`,
    ]) {
      this.addSql(sql);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "evidence_capture"`);
    this.addSql(`drop function if exists "evidence_capture_append_only"()`);
  }
}
