import { Migration } from '@mikro-orm/migrations';

/**
 * Uploaded case files: a `case_evidence` row of kind 'file' carries the file name, size and media type
 * (its bytes are in the evidence blob folder under `sha256`).
 */
export class CaseFilesMigration extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `alter table "case_evidence" add column "file_name" varchar(255) null, add column "size_bytes" int null check ("size_bytes" >= 0), add column "media_type" varchar(100) null`,
      `alter table "case_evidence" add constraint "case_evidence_file_check" check ("kind" <> 'file' or ("sha256" is not null and "file_name" is not null and "size_bytes" is not null and "media_type" is not null))`,
    ]) {
      this.addSql(sql);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "case_evidence" drop constraint "case_evidence_file_check"`);
    this.addSql(`alter table "case_evidence" drop column "file_name", drop column "size_bytes", drop column "media_type"`);
  }
}
