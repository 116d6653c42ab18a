/**
 * returnSelfFiling (staff): the station returns a filing (退回) with a reason the business reads on its
 * filing's status; the business files anew (the same submission then makes a new filing).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { currentActor, SelfFiling, SelfFilingStatus } from '../../entities';
import { now } from '../../kernel/clock';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { getFiling } from './filing.queries';

/** A reason given by staff: 1–2000 characters after trimming. */
export function checkReason(reason: string, field = 'reason'): string {
  const r = (reason ?? '').trim();
  if (!r) throw new UserInputError(`${field}: required`, field);
  if (r.length > 2000) throw new UserInputError(`${field}: at most 2000 characters`, field);
  return r;
}

/** Returns a filing awaiting verification or under review, with a reason. */
export function returnSelfFiling(em: EntityManager, id: string | number, reason: string): Promise<SelfFiling> {
  return runCommand(em, 'returnSelfFiling', async (tem) => {
    const why = checkReason(reason);
    const filing = await getFiling(tem, id);
    if (filing.status !== SelfFilingStatus.UNDER_REVIEW && filing.status !== SelfFilingStatus.AWAITING_VERIFICATION) {
      throw new UserInputError(`self-filing ${filing.number} is ${filing.status}: only a filing awaiting verification or under review is returned`, 'id');
    }
    filing.status = SelfFilingStatus.RETURNED;
    filing.returnReason = why;
    filing.reviewedAt = now();
    filing.reviewedBy = currentActor().name;
    return filing;
  });
}
