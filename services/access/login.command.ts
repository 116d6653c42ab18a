import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, LoginEvent, runAs, Session, unitRegion, User } from '../../entities';
import { now } from '../../kernel/clock';
import { chinaDay } from '../calendar/working-days';
import { verifyPassword } from './password';
import { runCommand } from '../command';
import { actorForUser } from './actors';
import { newSessionToken, sha256 } from './tokens';
import { recordAttempt, recordSuccess, throttleKeys, throttleWait } from './login-throttle';

/**
 * The one answer to a refused login — wrong password, unknown or inactive username, or too many attempts:
 * the same message and code, so the answer says nothing about which usernames exist. A throttled attempt
 * also says when to try again (`retryAfter` seconds, the HTTP `Retry-After` header).
 */
export class LoginFailedError extends Error {
  readonly code = 'UNAUTHENTICATED';
  /** read by graphql-js and Apollo: the code, and the Retry-After header of a throttled attempt */
  readonly extensions: Record<string, unknown>;
  constructor(readonly retryAfter?: number) {
    super('wrong username or password');
    this.name = 'LoginFailedError';
    this.extensions = { code: this.code, ...(retryAfter ? { http: { headers: new Map([['retry-after', String(retryAfter)]]) } } : {}) };
  }
}

// a valid hash to compare against for unknown users, so timing does not reveal which usernames exist
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Checks a username and password and opens a session. Returns the bearer token (only its hash is
 * stored). The login is recorded as the user (lastLoginAt, audited) and as a LoginEvent of the user's unit
 * for the daily-login compliance (services/office/logins.ts). Failed attempts are throttled per account,
 * account and address, and address (services/access/login-throttle.ts), never locked.
 */
export async function login(
  em: EntityManager,
  username: string,
  password: string,
  ttlHours: number,
  /** the caller's network address (the throttle's key) */
  address: string,
): Promise<{ token: string; expiresAt: Date; user: User; actor: Actor }> {
  // the same statements, in the same order, for a known and an unknown username: the throttle read, the
  // attempt counted, one user lookup, one scrypt; only a success reads and writes more
  const keys = throttleKeys(username, address);
  const wait = await throttleWait(em, keys);
  if (wait > 0) throw new LoginFailedError(wait);
  await recordAttempt(em, keys);
  // one plain row, found or not (no entity, no lazy-property load, no unit: they would cost a found user more)
  const [row] = await em.getConnection().execute<{ id: number; password_hash: string }[]>(
    `select "id", "password_hash" from "app_user" where "username" = ? and "active"`,
    [username.trim()],
  );
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) throw new LoginFailedError();
  await recordSuccess(em, keys);
  const user = await em.findOneOrFail(User, { id: row.id }, { populate: ['unit'] });
  const actor = actorForUser(user);
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await runAs(actor, () =>
    runCommand(em, 'login', async (tem) => {
      const u = await tem.findOneOrFail(User, user.id, { populate: ['unit'] });
      tem.create(Session, { tokenHash: sha256(token), user: u, expiresAt });
      u.lastLoginAt = new Date();
      // the daily-login record (定期登录), in the same transaction as the session
      tem.create(LoginEvent, { userId: u.id, unit: u.unit, regionCode: unitRegion(u.unit), day: chinaDay(now()) });
    }),
  );
  return { token, expiresAt, user, actor };
}

/** Ends the session of `token` (run as the session's own user; audited). */
export function logout(em: EntityManager, token: string): Promise<boolean> {
  return runCommand(em, 'logout', async (tem) => {
    const session = await tem.findOne(Session, { tokenHash: sha256(token), revokedAt: null }, { populate: ['user', 'user.unit'] });
    if (!session) return false;
    session.revokedAt = new Date();
    return true;
  });
}
