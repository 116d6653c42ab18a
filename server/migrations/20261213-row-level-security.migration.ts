import { Migration } from '@mikro-orm/migrations';
import { READER_ROLE, jurisdictionPolicySql, JURISDICTION_SETTING } from '../../entities/jurisdiction';

/**
 * The jurisdiction-bound tables of the ORM and the region-code columns their policy reads (those of the
 * entity's jurisdiction filter). `test/row-level-security.test.ts` checks this list against the entities'
 * filters, so a new jurisdiction-bound entity cannot be forgotten here.
 */
export const JURISDICTION_TABLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['audit_entry', ['region_code', 'previous_region_code']],
  ...[
    'legal_case', 'case_clue', 'case_evidence', 'case_event', 'clue', 'clue_finding', 'clue_event', 'complaint',
    'complaint_event', 'crawl_run', 'finding', 'import_batch', 'listing', 'info_report', 'info_report_version',
    'info_report_event', 'notice', 'notice_recipient', 'notice_read', 'notice_reply', 'login_event', 'training_session',
    'publicity_activity', 'consumer_warning', 'designated_staff', 'unit_equipment', 'work_plan', 'online_entity',
    'patrol_task', 'patrol_record', 'shop_event', 'shop',
  ].map((table) => [table, ['region_code']] as const),
];

/** Tables the reading role never reads: secrets (password hashes, token hashes). */
const SECRET_TABLES = ['session', 'api_key', 'app_user'];

/**
 * The access rule inside PostgreSQL (issue 15): a role without login, {@link READER_ROLE}, that reads every
 * table but the secret ones, row-level security on every jurisdiction-bound table admitting for that role
 * only the rows whose region code matches the transaction setting `hongdun.jurisdiction` (see
 * entities/jurisdiction.ts; `hongdun_jurisdiction_patterns()` reads it as LIKE patterns).
 * The role is cluster-wide: created once, by whichever database migrates first (others find it).
 */
export class RowLevelSecurityMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${READER_ROLE}') then
          create role ${READER_ROLE} nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
        end if;
      exception when duplicate_object or unique_violation then null;
      end $$`);
    // a non-superuser application role must be a member to switch to the reading role (superusers may anyway)
    this.addSql(`do $$ begin
        if not (select rolsuper from pg_roles where rolname = current_user) and not pg_has_role(current_user, '${READER_ROLE}', 'member') then
          execute format('grant ${READER_ROLE} to %I', current_user);
        end if;
      end $$`);
    // the caller's LIKE patterns; none (nothing matches) without the setting
    this.addSql(
      `create or replace function hongdun_jurisdiction_patterns() returns text[] language sql stable parallel safe as $$
        select coalesce(string_to_array(nullif(current_setting('${JURISDICTION_SETTING}', true), ''), ','), '{}'::text[]) $$`,
    );
    this.addSql(`grant usage on schema public to ${READER_ROLE}`);
    this.addSql(`grant select on all tables in schema public to ${READER_ROLE}`);
    for (const table of SECRET_TABLES) this.addSql(`revoke all on "${table}" from ${READER_ROLE}`);
    // tables created later by this role (the time-series store's partitions, later migrations)
    this.addSql(`alter default privileges in schema public grant select on tables to ${READER_ROLE}`);
    for (const [table, columns] of JURISDICTION_TABLES) for (const sql of jurisdictionPolicySql(table, columns)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const [table] of JURISDICTION_TABLES) {
      this.addSql(`drop policy if exists "hongdun_jurisdiction" on "${table}"`);
      this.addSql(`drop policy if exists "hongdun_application" on "${table}"`);
      this.addSql(`alter table "${table}" no force row level security`);
      this.addSql(`alter table "${table}" disable row level security`);
    }
    this.addSql(`alter default privileges in schema public revoke select on tables from ${READER_ROLE}`);
    this.addSql(`revoke select on all tables in schema public from ${READER_ROLE}`);
    this.addSql(`revoke usage on schema public from ${READER_ROLE}`);
    this.addSql(`drop function if exists hongdun_jurisdiction_patterns()`);
  }
}
