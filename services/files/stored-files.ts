/**
 * Uploaded files read back: case files, patrol photos and complaint attachments live in the evidence
 * blob folder under their SHA-256. A caller may read a file when a row they may read names it — a case
 * file (cases:read), a patrol record's photo (patrols:read), a complaint's attachment (complaints:read,
 * and only where they may read the complainant's personal data: the handling unit and the units above
 * it), a crawl evidence capture (market:read; sent with the media type the site sent, as an attachment
 * with nosniff, so a captured page never renders on our origin) — each row seen through the jurisdiction
 * rule. Anything else is NOT_FOUND, as if absent.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CaseEvidence, CaseEvidenceKind, type Complaint, Complaint as ComplaintEntity, currentActor, jurisdictionSql, type StoredFile } from '../../entities';
import { holds, Permission } from '../access/permissions';
import { complainantFor } from '../complaints/complainant';
import { NotFoundError, UserInputError } from '../errors';
import { readableWorkPlanFile } from '../office/work-plans';
import { readableOfficeReportFile } from '../office/notices';
import { readableCaptureFile } from '../crawl/evidence-captures';

const SHA256 = /^[0-9a-f]{64}$/;

/** The stored file `sha256` as the current actor may read it (name and type), else NOT_FOUND. */
export async function readableStoredFile(em: EntityManager, sha256: string): Promise<StoredFile> {
  if (!SHA256.test(sha256 ?? '')) throw new UserInputError('sha256: 64 lower-case hexadecimal digits', 'sha256');
  const actor = currentActor();
  if (holds(actor, Permission.CASES_READ)) {
    const evidence = await em.findOne(CaseEvidence, { sha256, kind: CaseEvidenceKind.FILE }, { orderBy: { id: 'asc' } });
    if (evidence?.fileName && evidence.mediaType) return { sha256, fileName: evidence.fileName, mediaType: evidence.mediaType, sizeBytes: Number(evidence.sizeBytes ?? 0) };
  }
  const containing = JSON.stringify([{ sha256 }]);
  if (holds(actor, Permission.PATROLS_READ)) {
    const scope = jurisdictionSql('r.region_code');
    const [row] = await em.execute<{ photos: StoredFile[] }[]>(
      `select r.photos from patrol_record r where r.photos @> ?::jsonb and ${scope.sql} order by r.id limit 1`,
      [containing, ...scope.params],
    );
    const file = row?.photos.find((f) => f.sha256 === sha256);
    if (file) return file;
  }
  if (holds(actor, Permission.COMPLAINTS_READ)) {
    const scope = jurisdictionSql('c.region_code');
    const rows = await em.execute<{ id: number }[]>(`select c.id from complaint c where c.attachments @> ?::jsonb and ${scope.sql} order by c.id limit 20`, [containing, ...scope.params]);
    for (const { id } of rows) {
      const complaint: Complaint | null = await em.findOne(ComplaintEntity, { id });
      if (!complaint || (await complainantFor(em, complaint)).masked) continue;
      const file = complaint.attachments.find((f) => f.sha256 === sha256);
      if (file) return file;
    }
  }
  // --- information reports, notices and replies (issue 6, reports and notices) ---
  if (holds(actor, Permission.OFFICE_READ)) {
    const file = await readableOfficeReportFile(em, sha256);
    if (file) return file;
  }
  // --- end information reports, notices and replies ---
  // --- work plans (issue 6, office records): attachments of a plan the actor may read ---
  if (holds(actor, Permission.OFFICE_READ)) {
    const file = await readableWorkPlanFile(em, sha256);
    if (file) return file;
  }
  // --- end work plans ---
  // --- crawl evidence (issue 8): a capture (page as fetched, screenshot) of a shop in the jurisdiction ---
  if (holds(actor, Permission.MARKET_READ)) {
    const file = await readableCaptureFile(em, sha256);
    if (file) return file;
  }
  // --- end crawl evidence ---
  throw new NotFoundError('file', sha256);
}
