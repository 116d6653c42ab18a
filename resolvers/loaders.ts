import type { EntityManager } from '@mikro-orm/postgresql';
import { raw } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import type { ShopSnapshotRow, TimeSeriesStore } from '../store';
import { Clue, ClueEvent, ClueFinding, ComplaintEvent, Finding, Listing, PatrolRecord, PatrolTask, Shop, ShopEvent, Unit } from '../entities';
import { planTaskCounts } from '../services/patrols/patrol.queries';
import { eventsOfReports, versionsOfReports } from '../services/office/info-reports';
import { callerStateOfNotices, senderViewOfNotices } from '../services/office/notices';
import { capturesOfEvidence, type EvidenceCaptureView } from '../services/crawl/evidence-captures';

/**
 * Request-scoped batching for fields that are not plain references (those batch through MikroORM's
 * own dataloader): a page of N rows costs one query per field, not N.
 */
export function createLoaders(em: EntityManager, store: () => TimeSeriesStore) {
  return {
    /** each shop's newest snapshot (null if none was taken) */
    latestSnapshot: new DataLoader<number, ShopSnapshotRow | null>(async (ids) => {
      const latest = await store().latestSnapshots(ids);
      return ids.map((id) => latest.get(id) ?? null);
    }),
    unitChildren: new DataLoader<number, Unit[]>(async (ids) => {
      const units = await em.find(Unit, { parent: { $in: [...ids] } }, { orderBy: { code: 'asc' } });
      return ids.map((id) => units.filter((u) => u.parent?.id === id));
    }),
    shopHistory: new DataLoader<number, ShopEvent[]>(async (ids) => {
      const events = await em.find(ShopEvent, { shop: { $in: [...ids] } }, { orderBy: { at: 'asc', id: 'asc' } });
      const byShop = new Map<number, ShopEvent[]>();
      for (const e of events) {
        const list = byShop.get(e.shop.id) ?? [];
        list.push(e);
        byShop.set(e.shop.id, list);
      }
      return ids.map((id) => byShop.get(id) ?? []);
    }),
    /** shops by id, within the caller's jurisdiction (null outside it) */
    shopById: new DataLoader<number, Shop | null>(async (ids) => {
      const shops = await em.find(Shop, { id: { $in: [...ids] } });
      const byId = new Map(shops.map((s) => [s.id, s]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    listingById: new DataLoader<number, Listing | null>(async (ids) => {
      const listings = await em.find(Listing, { id: { $in: [...ids] } });
      const byId = new Map(listings.map((l) => [l.id, l]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /** a clue's events, oldest first */
    clueEvents: new DataLoader<number, ClueEvent[]>(async (ids) => {
      const events = await em.find(ClueEvent, { clue: { $in: [...ids] } }, { orderBy: { at: 'asc', id: 'asc' } });
      return ids.map((id) => events.filter((e) => e.clue.id === id));
    }),
    /** the findings behind a clue, oldest first */
    clueFindings: new DataLoader<number, Finding[]>(async (ids) => {
      const links = await em.find(ClueFinding, { clue: { $in: [...ids] } }, { orderBy: { id: 'asc' } });
      const findings = links.length ? await em.find(Finding, { id: { $in: links.map((l) => l.finding.id) } }) : [];
      const byId = new Map(findings.map((f) => [f.id, f]));
      return ids.map((id) => links.filter((l) => l.clue.id === id).flatMap((l) => byId.get(l.finding.id) ?? []));
    }),
    /** a complaint's events, oldest first */
    complaintEvents: new DataLoader<number, ComplaintEvent[]>(async (ids) => {
      const events = await em.find(ComplaintEvent, { complaint: { $in: [...ids] } }, { orderBy: { at: 'asc', id: 'asc' } });
      return ids.map((id) => events.filter((e) => e.complaint.id === id));
    }),
    /** a complaint's clue, within the caller's jurisdiction (null outside it) */
    complaintClueById: new DataLoader<number, Clue | null>(async (ids) => {
      const clues = await em.find(Clue, { id: { $in: [...ids] } });
      return ids.map((id) => clues.find((c) => c.id === id) ?? null);
    }),
    /** a patrol record's clue, within the caller's jurisdiction (null outside it) */
    patrolClueById: new DataLoader<number, Clue | null>(async (ids) => {
      const clues = await em.find(Clue, { id: { $in: [...ids] } });
      return ids.map((id) => clues.find((c) => c.id === id) ?? null);
    }),
    /** patrol tasks by id, within the caller's jurisdiction */
    patrolTaskById: new DataLoader<number, PatrolTask | null>(async (ids) => {
      const tasks = await em.find(PatrolTask, { id: { $in: [...ids] } });
      return ids.map((id) => tasks.find((t) => t.id === id) ?? null);
    }),
    /** the latest record filed for a patrol task */
    patrolRecordOfTask: new DataLoader<number, PatrolRecord | null>(async (ids) => {
      const records = await em.find(PatrolRecord, { task: { $in: [...ids] } }, { orderBy: { id: 'desc' } });
      return ids.map((id) => records.find((r) => r.task?.id === id) ?? null);
    }),
    /** a patrol plan's task counts in the caller's jurisdiction */
    patrolTaskCounts: new DataLoader<number, { open: number; done: number; cancelled: number; overdue: number }>(async (ids) => {
      const counts = await planTaskCounts(em, ids);
      return ids.map((id) => counts.get(id) ?? { open: 0, done: 0, cancelled: 0, overdue: 0 });
    }),
    /** units by id (office records: training participants) */
    unitById: new DataLoader<number, Unit | null>(async (ids) => {
      const units = await em.find(Unit, { id: { $in: [...ids] } });
      return ids.map((id) => units.find((u) => u.id === id) ?? null);
    }),
    /** an information report's versions and events, oldest first (issue 6, reports) */
    infoReportVersions: new DataLoader((ids: readonly number[]) => versionsOfReports(em, ids)),
    infoReportEvents: new DataLoader((ids: readonly number[]) => eventsOfReports(em, ids)),
    /** a notice as the caller's unit received it (read, unit read, replied) */
    noticeCallerState: new DataLoader((ids: readonly number[]) => callerStateOfNotices(em, ids)),
    /** a notice's recipients, receipts and replies for the sender side; null for anyone else */
    noticeSenderView: new DataLoader((ids: readonly number[]) => senderViewOfNotices(em, ids)),
    /** the evidence captures a finding names, oldest first, within the caller's jurisdiction (issue 8) */
    findingCaptures: new DataLoader<Finding, EvidenceCaptureView[], number>(
      (findings) => capturesOfEvidence(em, findings.map((f) => ({ shopId: f.shop.id, observedAt: f.observedAt, evidence: f.evidence }))),
      { cacheKeyFn: (f) => f.id },
    ),
    shopCountOfEntity: new DataLoader<number, number>(async (ids) => {
      const qb = em.createQueryBuilder(Shop, 's').select(['s.entity', raw('count(*) as count')]).where({ entity: { $in: [...ids] } }).groupBy('s.entity');
      await qb.applyFilters();
      const result = (await qb.execute('all', false)) as { entity_id: number; count: string }[];
      const counts = new Map(result.map((r) => [Number(r.entity_id), Number(r.count)]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
