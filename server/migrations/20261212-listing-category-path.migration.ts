import { Migration } from '@mikro-orm/migrations';

/**
 * The category path of a listing as the market reads compare it (issue 8: price index, listing counts and
 * price moves per category, the category tree): `categorySegments(category).join('/')` of
 * kernel/rules/text.ts — NFKC, whitespace removed, the separators / > » | ｜ \ turned into one '/', none
 * at either end — kept by PostgreSQL as a stored generated column, with a pattern index so that a category
 * and everything below it (`= '食品' or like '食品/%'`) is an index range, not a normalisation of every row.
 */
export class ListingCategoryPathMigration extends Migration {
  override async up(): Promise<void> {
    const space = String.raw`[\t\n\v\f\r \u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+`;
    const separator = String.raw`[/>»|｜\\]+`;
    this.addSql(
      `alter table "listing" add column "category_path" text generated always as
        (btrim(regexp_replace(regexp_replace(normalize("category", NFKC), '${space}', '', 'g'), '${separator}', '/', 'g'), '/')) stored`,
    );
    this.addSql(`create index "listing_category_path_index" on "listing" ("category_path" text_pattern_ops)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "listing_category_path_index"`);
    this.addSql(`alter table "listing" drop column if exists "category_path"`);
  }
}
