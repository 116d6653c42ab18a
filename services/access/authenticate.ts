import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, ApiKey, Session } from '../../entities';
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
 */
export async function authenticate(em: EntityManager, header: string | undefined): Promise<Actor | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new AuthenticationError('the Authorization header must be "Bearer <token>"');
  const token = match[1];
  if (token.startsWith('hds_')) {
    const session = await em.findOne(Session, { tokenHash: sha256(token) }, { populate: ['user', 'user.unit'] });
    if (!session || session.revokedAt || session.expiresAt <= new Date() || !session.user.active) {
      throw new AuthenticationError('the session has expired or was ended; log in again');
    }
    return actorForUser(session.user);
  }
  if (token.startsWith('hdk_')) {
    const key = await em.findOne(ApiKey, { secretHash: sha256(token) }, { populate: ['unit'] });
    if (!key || key.revokedAt) throw new AuthenticationError('unknown or revoked API key');
    // usage stamp for operators, at most once a minute; bookkeeping, not a change by the caller
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
      await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: new Date() });
    }
    return actorForApiKey(key);
  }
  throw new AuthenticationError('unrecognised token');
}
