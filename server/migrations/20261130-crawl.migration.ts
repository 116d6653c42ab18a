import { Migration } from '@mikro-orm/migrations';

/**
 * Crawl runs (`crawl_run`: what a crawl was asked to do, whether a shops run also photographs the shop
 * pages it reads, its progress and outcome) and the address the spiders fetch for a shop when it is not
 * its register URL (`shop.watch_url`, set by discovery).
 */
export class CrawlMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create type "crawl_kind" as enum ('discovery', 'shops', 'listings')`,
      `create type "crawl_run_status" as enum ('queued', 'running', 'succeeded', 'failed')`,
      `create table "crawl_run" ("id" serial primary key, "kind" "crawl_kind" not null, "status" "crawl_run_status" not null default 'queued',
        "region_code" varchar(12) not null, "observed_at" timestamptz not null, "seeds" jsonb not null default '[]', "shop_ids" jsonb null, "classifications" jsonb null,
        "screenshots" boolean not null default false,
        "requested_by" varchar(100) not null, "trigger" varchar(100) not null, "job_id" varchar(100) null, "attempts" int not null default 0,
        "started_at" timestamptz null, "finished_at" timestamptz null, "pages_ok" int not null default 0, "pages_failed" int not null default 0,
        "skipped" jsonb not null default '{}', "errors" jsonb not null default '[]', "shops_seen" int not null default 0,
        "shops_created" int not null default 0, "listings_seen" int not null default 0, "snapshots_written" int not null default 0,
        "observations_written" int not null default 0, "captures" int not null default 0, "changes" jsonb not null default '{}',
        "message" text null, "created_at" timestamptz not null default now())`,
      `create index "crawl_run_status_index" on "crawl_run" ("status")`,
      `create index "crawl_run_region_code_index" on "crawl_run" ("region_code" varchar_pattern_ops)`,
      `create index "crawl_run_created_at_index" on "crawl_run" ("created_at")`,
      `alter table "crawl_run" add constraint "crawl_run_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
      `alter table "shop" add column "watch_url" varchar(1000) null`,
      `alter table "shop" add constraint "shop_watch_url_unique" unique ("watch_url")`,
    ]) {
      this.addSql(sql);
    }
  }
}
