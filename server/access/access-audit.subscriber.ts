import {
  type ChangeSet,
  ChangeSetType,
  type EventSubscriber,
  type FlushEventArgs,
  type UnitOfWork,
  wrap,
} from '@mikro-orm/core';
import {
  AccessDeniedError,
  ApiKey,
  AUDITED_ENTITIES,
  AuditEntry,
  coversJurisdiction,
  currentActor,
  inJurisdiction,
  Session,
  Unit,
  User,
} from '../../entities';

interface PendingAudit {
  changeSet: ChangeSet<any>;
  regionCode: string;
}

const pending = new WeakMap<UnitOfWork, PendingAudit[]>();

function unitOf(entity: { unit: Unit }, what: string): Unit {
  if (!wrap(entity.unit).isInitialized()) {
    throw new Error(`${what}: load the unit before writing (its jurisdiction is checked on flush)`);
  }
  return entity.unit;
}

/** The region a changed row belongs to, for both the write check and the audit scope. */
function regionsOf(cs: ChangeSet<any>): string[] {
  const entity = cs.entity;
  if (entity instanceof Unit) return entity.jurisdiction;
  if (entity instanceof User) return unitOf(entity, 'user').jurisdiction;
  if (entity instanceof ApiKey) return unitOf(entity, 'API key').jurisdiction;
  if (entity instanceof Session) return unitOf(entity.user, 'session user').jurisdiction;
  if (typeof entity.regionCode === 'string') {
    const codes = [entity.regionCode];
    const before = cs.originalEntity?.regionCode;
    if (typeof before === 'string' && before !== entity.regionCode) codes.push(before);
    return codes;
  }
  return [];
}

function primaryRegion(cs: ChangeSet<any>): string {
  const e = cs.entity;
  // a unit's own region is its first jurisdiction region, so a station sees its own staff's entries
  if (e instanceof Unit) return e.jurisdiction[0] ?? e.regionCode;
  if (e instanceof User || e instanceof ApiKey) return e.unit.jurisdiction[0] ?? e.unit.regionCode;
  if (e instanceof Session) return e.user.unit.jurisdiction[0] ?? e.user.unit.regionCode;
  return e.regionCode;
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('id' in v && Object.keys(v).length <= 2) return v.id;
    return value;
  }
  return value;
}

/** Never written to the audit log: secrets, and complainants' personal data (readable by more units than the complaint). */
// complainants' and self-filing contacts' personal data (主体备案 contact: name, phone, e-mail) are never written to the audit log
const REDACTED_KEYS: ReadonlySet<string> = new Set(['passwordHash', 'secretHash', 'tokenHash', 'complainantName', 'complainantPhone', 'complainantEmail', 'submitterKey', 'contactName', 'contactPhone', 'contactEmail']);

function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (REDACTED_KEYS.has(key)) {
      out[key] = '[redacted]';
    } else {
      out[key] = plain(source?.[key]);
    }
  }
  return out;
}

/**
 * Enforces the write half of the access rule and writes the audit log, for every flush:
 * - every created, changed or deleted jurisdiction-bound row (and user, API key, unit) must lie in the
 *   current actor's jurisdiction before and after the change, or the flush throws and nothing is written;
 * - audited writes must run inside a transaction (a command), and their audit entries are inserted in
 *   that same transaction, so a change and its audit entry commit together or not at all.
 */
export class AccessAuditSubscriber implements EventSubscriber {
  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const changeSets = uow.getChangeSets().filter((cs) => !(cs.entity instanceof AuditEntry));
    if (changeSets.length === 0) return;
    const actor = currentActor();
    const audits: PendingAudit[] = [];
    for (const cs of changeSets) {
      const regions = regionsOf(cs);
      const entityName = cs.name;
      if (cs.entity instanceof Unit || cs.entity instanceof User || cs.entity instanceof ApiKey || cs.entity instanceof Session) {
        if (!coversJurisdiction(actor.prefixes, regions)) {
          throw new AccessDeniedError(`${entityName} lies outside the jurisdiction of ${actor.name}`);
        }
      } else if (regions.length > 0 && !regions.every((r) => inJurisdiction(r, actor.prefixes))) {
        throw new AccessDeniedError(`${entityName} in region ${regions.join(' → ')} lies outside the jurisdiction of ${actor.name}`);
      }
      if (AUDITED_ENTITIES.has(cs.entity.constructor)) audits.push({ changeSet: cs, regionCode: primaryRegion(cs) });
    }
    if (audits.length > 0) {
      if (!em.isInTransaction()) {
        throw new Error('audited writes must run inside a command transaction (see services/command.ts)');
      }
      pending.set(uow, audits);
    }
  }

  async afterFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const audits = pending.get(uow);
    if (!audits) return;
    pending.delete(uow);
    const actor = currentActor();
    const rows = audits.map(({ changeSet: cs, regionCode }) => {
      const changed = Object.keys(cs.payload ?? {});
      const id = String(wrap(cs.entity, true).getPrimaryKey());
      const action = cs.type === ChangeSetType.CREATE ? 'create' : cs.type === ChangeSetType.DELETE ? 'delete' : 'update';
      const original = (cs.originalEntity ?? {}) as Record<string, unknown>;
      return {
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name,
        actorUnitId: actor.unitId,
        operation: actor.operation ?? 'unknown',
        entityType: cs.name,
        entityId: id,
        action,
        before: action === 'create' ? null : pick(original, action === 'delete' ? Object.keys(original) : changed),
        after: action === 'delete' ? null : pick(cs.payload as Record<string, unknown>, changed),
        regionCode,
        previousRegionCode: typeof original.regionCode === 'string' && original.regionCode !== regionCode ? original.regionCode : null,
        at: new Date(),
      };
    });
    for (let i = 0; i < rows.length; i += 1000) {
      await em.insertMany(AuditEntry, rows.slice(i, i + 1000));
    }
  }
}
