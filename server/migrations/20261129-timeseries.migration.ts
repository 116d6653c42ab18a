import { Migration } from '@mikro-orm/migrations';

/**
 * The `listing` table (one product page of a shop). The time-series tables themselves (shop_snapshot,
 * listing_observation, listing_change, listing_price_daily) are not created here: their shape depends
 * on whether TimescaleDB is present (hypertables) or not (monthly partitions), so
 * `openTimeSeriesStore()` in store creates them idempotently at start-up after detecting it.
 */
export class TimeseriesMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create table "listing" ("id" serial primary key, "shop_id" int not null, "url" varchar(1000) not null, "platform_listing_id" varchar(64) null, "title" varchar(500) null, "category" varchar(200) null, "first_seen_at" timestamptz not null default now(), "last_seen_at" timestamptz not null default now(), "removed_at" timestamptz null, "region_code" varchar(12) not null)`,
      `alter table "listing" add constraint "listing_url_unique" unique ("url")`,
      `create index "listing_shop_id_index" on "listing" ("shop_id")`,
      `create index "listing_region_code_index" on "listing" ("region_code" varchar_pattern_ops)`,
      `create index "listing_removed_at_index" on "listing" ("removed_at") where "removed_at" is not null`,
      `alter table "listing" add constraint "listing_shop_id_foreign" foreign key ("shop_id") references "shop" ("id") on update cascade on delete cascade`,
      `alter table "listing" add constraint "listing_region_code_foreign" foreign key ("region_code") references "region" ("code")`,
    ]) {
      this.addSql(sql);
    }
  }
}
