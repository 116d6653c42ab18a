import type { EntityManager } from '@mikro-orm/postgresql';
import { ClueSource, ConflictKind, ConflictStatus, currentActor, ReconciliationConflict } from '../../../entities';
import { createClue } from '../../clues/clue.commands';
import { runCommand } from '../../command';
import { NotFoundError, UserInputError } from '../../errors';

/** How a conflict reads in a clue (zh-CN first: the clue is the station's working paper). */
export const CONFLICT_TITLES: Record<ConflictKind, string> = {
  [ConflictKind.OPEN_BUT_GONE]: '平台报送在营，巡查发现链接失效',
  [ConflictKind.CLOSED_BUT_ONLINE]: '平台报送已关店，仍在线经营',
  [ConflictKind.USCC_MISMATCH]: '平台报送信用代码与亮照/登记不一致',
  [ConflictKind.UNKNOWN_TO_CRAWL]: '平台报送网店未被监测发现',
  [ConflictKind.UNREPORTED]: '监测发现网店未被平台报送',
  [ConflictKind.DEREGISTERED_STILL_OPEN]: '主体已注销/吊销，网店仍在经营',
};

async function openConflict(tem: EntityManager, id: string): Promise<ReconciliationConflict> {
  const conflict = await tem.findOne(ReconciliationConflict, { id: Number(id) || 0 });
  if (!conflict) throw new NotFoundError('conflict', id);
  if (conflict.status !== ConflictStatus.OPEN) throw new UserInputError(`conflict ${id} is ${conflict.status}, not open`, 'id');
  return conflict;
}

/** Sets an open conflict aside with a reason; it stays dismissed while its facts stay the same. */
export function dismissConflict(em: EntityManager, id: string, reason: string): Promise<ReconciliationConflict> {
  return runCommand(em, 'dismissConflict', async (tem) => {
    const note = reason.trim();
    if (note.length < 2 || note.length > 500) throw new UserInputError('give the reason (2–500 characters)', 'reason');
    const conflict = await openConflict(tem, id);
    conflict.status = ConflictStatus.DISMISSED;
    conflict.closedAt = new Date();
    conflict.reviewedBy = currentActor().name.slice(0, 100);
    conflict.reviewNote = note;
    return conflict;
  });
}

/** Raises a clue (线索) from an open conflict about a shop of the register; the conflict points to it. */
export function raiseClueFromConflict(em: EntityManager, id: string, note?: string | null): Promise<ReconciliationConflict> {
  return runCommand(em, 'raiseClueFromConflict', async (tem) => {
    const conflict = await openConflict(tem, id);
    if (!conflict.shop) {
      throw new UserInputError(`conflict ${id} is about a shop the register does not have yet: add the shop (createShop) and reconcile, then raise the clue`, 'id');
    }
    const details = Object.entries(conflict.details)
      .filter(([, v]) => v != null && v !== '')
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join('；');
    const clue = await createClue(tem, {
      shopId: conflict.shop.id,
      source: ClueSource.RECONCILIATION,
      title: CONFLICT_TITLES[conflict.kind],
      description: `对账差异 #${conflict.id}（${conflict.kind}）：${details}`,
      note: note ?? null,
    });
    conflict.status = ConflictStatus.CLUE_RAISED;
    conflict.closedAt = new Date();
    conflict.reviewedBy = currentActor().name.slice(0, 100);
    conflict.reviewNote = note?.trim().slice(0, 500) || null;
    conflict.clueId = clue.id;
    return conflict;
  });
}
