/**
 * The complainant's personal data (name, phone, email) and who may read it: in full only a user of the
 * handling (assigned) unit or of a unit above it — the unit's path is a prefix of the assigned unit's
 * path — and system actors. Everyone else sees it masked: API keys, and units whose region prefixes happen
 * to cover the shop without standing above the handling unit (a sibling station, an analyst elsewhere).
 * Exports mask it for everyone.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, type Complaint, currentActor, Unit } from '../../entities';

/** The complainant as the API shows it. */
export interface ComplainantView {
  name: string;
  phone: string | null;
  email: string | null;
  /** true when the values above are masked */
  masked: boolean;
}

/** 张三丰 → 张**: the first character, then one '*' for each further one (at least one). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** 13812345678 → 138****5678: the first three and the last four characters kept. */
export function maskPhone(phone: string | null): string | null {
  if (phone == null) return null;
  const p = phone.trim();
  if (p.length < 8) return '****';
  return `${p.slice(0, 3)}****${p.slice(-4)}`;
}

/** zhang.san@example.cn → z***@example.cn. */
export function maskEmail(email: string | null): string | null {
  if (email == null) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${Array.from(email)[0]}***@${email.slice(at + 1)}`;
}

/** The complainant of `complaint`, masked. */
export function maskedComplainant(complaint: Complaint): ComplainantView {
  return { name: maskName(complaint.complainantName), phone: maskPhone(complaint.complainantPhone), email: maskEmail(complaint.complainantEmail), masked: true };
}

/** The complainant of `complaint` in full. */
export function fullComplainant(complaint: Complaint): ComplainantView {
  return { name: complaint.complainantName, phone: complaint.complainantPhone, email: complaint.complainantEmail, masked: false };
}

/**
 * Whether `actor` (of the unit at `actorUnitPath`) may read the personal data of a complaint handled by the
 * unit at `assignedUnitPath`: system actors, and users of that unit or a unit above it. API keys never.
 */
export function mayReadPersonalData(actor: Pick<Actor, 'kind'>, actorUnitPath: string | null, assignedUnitPath: string | null): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'user' || !actorUnitPath || !assignedUnitPath) return false;
  return assignedUnitPath.startsWith(actorUnitPath);
}

/** The complainant as the current actor may see it. Units come from the identity map after the first load. */
export async function complainantFor(em: EntityManager, complaint: Complaint): Promise<ComplainantView> {
  const actor = currentActor();
  if (actor.kind === 'system') return fullComplainant(complaint);
  if (actor.kind !== 'user' || actor.unitId == null) return maskedComplainant(complaint);
  const [own, assigned] = await Promise.all([em.findOne(Unit, { id: actor.unitId }), complaint.assignedUnit.load({ dataloader: true })]);
  return mayReadPersonalData(actor, own?.path ?? null, assigned?.path ?? null) ? fullComplainant(complaint) : maskedComplainant(complaint);
}
