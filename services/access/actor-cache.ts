import { ChangeSetType, type EventSubscriber, type FlushEventArgs, type TransactionEventArgs, type EntityManager } from '@mikro-orm/core';
import { type Actor, ApiKey, Session, Unit, User } from '../../entities';

/** What a change to the login tables makes stale. */
interface Invalidation {
  all: boolean;
  tokenHashes: string[];
  userIds: number[];
  apiKeyIds: number[];
}

interface Entry {
  actor: Actor;
  /** ms epoch: the cache's own limit or the session's expiry, whichever comes first */
  until: number;
}

/**
 * The actors of recently checked tokens, per process, so that a caller polling page after page costs no
 * session lookup per request. An entry lives SESSION_CACHE_SECONDS at most (never past its session's
 * expiry). Changes made in this process through the unit of work take effect at once: the subscriber
 * below drops the entries of a session ended, a user changed (deactivated, role, unit, password) or
 * deleted, an API key revoked, and everything when a unit changes (its jurisdiction). A change made by
 * another process (a second server, the CLI) reaches this one within SESSION_CACHE_SECONDS.
 *
 * A lookup racing an invalidation cannot put the stale actor back: an answer read from the database is
 * stored only if no invalidation happened since the read began (the generation), and invalidations are
 * applied again after their transaction commits.
 */
export class ActorCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    readonly ttlSeconds: number,
    readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached actor of a token (by its hash), if still fresh. */
  get(tokenHash: string, now = Date.now()): Actor | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.actor;
  }

  /** Call before reading a token from the database; pass the result to `set`. */
  ticket(): number {
    return this.generation;
  }

  /** Remembers a token's actor, unless an invalidation happened since `ticket` was taken. */
  set(tokenHash: string, actor: Actor, ticket: number, expiresAt: Date | null = null, now = Date.now()): void {
    if (!this.enabled || ticket !== this.generation) return;
    const until = Math.min(now + this.ttlSeconds * 1000, expiresAt ? expiresAt.getTime() : Infinity);
    if (until <= now) return;
    if (this.entries.size >= this.maxEntries) {
      // the oldest entry goes first (a Map keeps insertion order)
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { actor, until });
  }

  invalidate(change: Partial<Invalidation>): void {
    this.generation++;
    if (change.all) {
      this.entries.clear();
      return;
    }
    for (const hash of change.tokenHashes ?? []) this.entries.delete(hash);
    const users = new Set(change.userIds ?? []);
    const keys = new Set(change.apiKeyIds ?? []);
    if (users.size === 0 && keys.size === 0) return;
    for (const [hash, { actor }] of this.entries) {
      if (actor.id === null) continue;
      if ((actor.kind === 'user' && users.has(actor.id)) || (actor.kind === 'apiKey' && keys.has(actor.id))) this.entries.delete(hash);
    }
  }

  clear(): void {
    this.invalidate({ all: true });
  }
}

/** Drops cached actors when the unit of work changes sessions, users, API keys or units (see ActorCache). */
export class ActorCacheSubscriber implements EventSubscriber {
  /** invalidations of a flush inside a transaction, applied again when it commits */
  private readonly pending = new WeakMap<EntityManager, Invalidation[]>();

  constructor(private readonly cache: ActorCache) {}

  onFlush(args: FlushEventArgs): void {
    const change: Invalidation = { all: false, tokenHashes: [], userIds: [], apiKeyIds: [] };
    let any = false;
    for (const cs of args.uow.getChangeSets()) {
      if (cs.type === ChangeSetType.CREATE) continue;
      const entity = cs.entity as unknown;
      if (entity instanceof Session) change.tokenHashes.push(entity.tokenHash);
      else if (entity instanceof User) change.userIds.push(entity.id);
      else if (entity instanceof ApiKey) change.apiKeyIds.push(entity.id);
      else if (entity instanceof Unit) change.all = true;
      else continue;
      any = true;
    }
    if (!any) return;
    this.cache.invalidate(change);
    const list = this.pending.get(args.em as EntityManager) ?? [];
    list.push(change);
    this.pending.set(args.em as EntityManager, list);
  }

  afterFlush(args: FlushEventArgs): void {
    // a flush inside a transaction: its commit comes later, keep the list for afterTransactionCommit
    const em = args.em as EntityManager;
    this.settle(em, !em.isInTransaction());
  }

  afterTransactionCommit(args: TransactionEventArgs): void {
    if (args.em) this.settle(args.em as EntityManager, true);
  }

  afterTransactionRollback(args: TransactionEventArgs): void {
    if (args.em) this.settle(args.em as EntityManager, true);
  }

  private settle(em: EntityManager, done: boolean): void {
    const list = this.pending.get(em);
    if (!list) return;
    if (done) this.pending.delete(em);
    for (const change of list) this.cache.invalidate(change);
  }
}
