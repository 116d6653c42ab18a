import { Migration } from '@mikro-orm/migrations';

/**
 * Login throttling (issue 18): failed logins counted per key — the account, the account from one network
 * address, the address — in one table every API process shares, instead of a lock on the user row that
 * anyone could set by typing wrong passwords. The user row's lock columns go. The reading role gets
 * nothing here (no grant).
 */
export class LoginThrottleMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "login_throttle" ("key" varchar(300) primary key, "failures" int not null default 0,
      "last_failure_at" timestamptz null, "last_success_at" timestamptz null)`);
    this.addSql(`create index "login_throttle_last_failure_at_index" on "login_throttle" ("last_failure_at")`);
    this.addSql(`alter table "app_user" drop column "failed_logins", drop column "locked_until"`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" add column "failed_logins" int not null default 0, add column "locked_until" timestamptz null`);
    this.addSql(`drop table if exists "login_throttle"`);
  }
}
