/**
 * revokeSelfFiling (staff): an accepted filing is revoked (撤销) with a reason; its badges stop verifying
 * at once (the verification page and the badge image say so) and the crawler reports shops still showing
 * them (rule `badge-unverified`).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { SelfFiling, SelfFilingStatus } from '../../entities';
import { now } from '../../kernel/clock';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { getFiling } from './filing.queries';
import { checkReason } from './return-filing.command';

/** Revokes an accepted filing, with a reason. */
export function revokeSelfFiling(em: EntityManager, id: string | number, reason: string): Promise<SelfFiling> {
  return runCommand(em, 'revokeSelfFiling', async (tem) => {
    const why = checkReason(reason);
    const filing = await getFiling(tem, id);
    if (filing.status !== SelfFilingStatus.ACCEPTED) throw new UserInputError(`self-filing ${filing.number} is ${filing.status}: only an accepted filing is revoked`, 'id');
    filing.status = SelfFilingStatus.REVOKED;
    filing.revokeReason = why;
    filing.revokedAt = now();
    return filing;
  });
}
