import { Migration } from '@mikro-orm/migrations';

/** Working-day adjustments the province enters by hand (a year the holiday package does not hold yet). */
export class CalendarMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "calendar_day" ("day" date not null primary key, "working" boolean not null, "name" varchar(100) not null,
        "region_code" varchar(12) not null default '37', "updated_by" varchar(100) not null, "updated_at" timestamptz not null default now())`,
    );
  }
}
