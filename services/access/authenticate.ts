import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, ApiKey, Session } from '../../entities';
import type { ActorCache } from './actor-cache';
import { actorForApiKey, actorForUser } from './actors';
import { sha256 } from './tokens';

export class AuthenticationError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * The actor behind an `Authorization` header value: a session token (`hds_…`) or an API key
 * (`hdk_…`). Null when there is no header; AuthenticationError for a bad, expired or revoked one.
 * With a cache, a token checked a moment ago is not looked up again (see ActorCache).
 */
export async function authenticate(em: EntityManager, header: string | undefined, cache?: ActorCache): Promise<Actor | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new AuthenticationError('the Authorization header must be "Bearer <token>"');
  const token = match[1];
  if (!token.startsWith('hds_') && !token.startsWith('hdk_')) throw new AuthenticationError('unrecognised token');
  const hash = sha256(token);
  const cached = cache?.get(hash);
  if (cached) return cached;
  const ticket = cache?.ticket() ?? 0;
  if (token.startsWith('hds_')) {
    const session = await em.findOne(Session, { tokenHash: hash }, { populate: ['user', 'user.unit'] });
    if (!session || session.revokedAt || session.expiresAt <= new Date() || !session.user.active) {
      throw new AuthenticationError('the session has expired or was ended; log in again');
    }
    const actor = actorForUser(session.user);
    cache?.set(hash, actor, ticket, session.expiresAt);
    return actor;
  }
  const key = await em.findOne(ApiKey, { secretHash: hash }, { populate: ['unit'] });
  if (!key || key.revokedAt) throw new AuthenticationError('unknown or revoked API key');
  // usage stamp for operators, at most once a minute; bookkeeping, not a change by the caller
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
    await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: new Date() });
  }
  const actor = actorForApiKey(key);
  cache?.set(hash, actor, ticket);
  return actor;
}
