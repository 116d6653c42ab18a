import { Migration } from '@mikro-orm/migrations';

/** The rule lexicon as data (absolute terms and their exceptions, urgency phrases, regulated and prohibited goods), versioned: the newest row is in force. */
export class LexiconMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rule_lexicon" ("id" serial primary key, "lexicon" jsonb not null, "updated_by" varchar(100) not null,
        "note" text null, "region_code" varchar(12) not null default '37', "created_at" timestamptz not null default now())`,
    );
  }
}
