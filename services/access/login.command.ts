import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, LoginEvent, runAs, Session, unitRegion, User } from '../../entities';
import { now } from '../../entities/clock';
import { chinaDay } from '../calendar/working-days';
import { verifyPassword } from './password';
import { runCommand } from '../command';
import { actorForUser } from './actors';
import { newSessionToken, sha256 } from './tokens';
import { runAsSystem } from '../system-actor';

export class LoginFailedError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('wrong username or password');
    this.name = 'LoginFailedError';
  }
}

/** Wrong passwords in a row that lock a login, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export class LoginLockedError extends Error {
  readonly code = 'UNAUTHENTICATED';
  constructor(until: Date) {
    super(`too many wrong passwords: this login is locked until ${until.toISOString()}`);
    this.name = 'LoginLockedError';
  }
}

/** Counts a wrong password (audited, as the system); the fifth in a row locks the login for a while. */
async function recordFailedLogin(em: EntityManager, userId: number): Promise<void> {
  await runAsSystem('login: wrong password', () =>
    runCommand(em, 'login', async (tem) => {
      const u = await tem.findOneOrFail(User, userId, { populate: ['unit'] });
      u.failedLogins += 1;
      if (u.failedLogins >= MAX_FAILED_LOGINS) {
        u.lockedUntil = new Date(Date.now() + LOCK_MINUTES * 60_000);
        u.failedLogins = 0;
      }
    }),
  );
}

// a valid hash to compare against for unknown users, so timing does not reveal which usernames exist
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Checks a username and password and opens a session. Returns the bearer token (only its hash is
 * stored). The login is recorded as the user (lastLoginAt, audited) and as a LoginEvent of the user's unit
 * for the daily-login compliance (services/office/logins.ts).
 */
export async function login(
  em: EntityManager,
  username: string,
  password: string,
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date; user: User; actor: Actor }> {
  const user = await em.findOne(User, { username: username.trim(), active: true }, { populate: ['unit', 'passwordHash'] });
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (user?.lockedUntil && user.lockedUntil > new Date()) throw new LoginLockedError(user.lockedUntil);
  if (!user || !ok) {
    if (user) await recordFailedLogin(em, user.id);
    throw new LoginFailedError();
  }
  const actor = actorForUser(user);
  const token = newSessionToken();
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await runAs(actor, () =>
    runCommand(em, 'login', async (tem) => {
      const u = await tem.findOneOrFail(User, user.id, { populate: ['unit'] });
      tem.create(Session, { tokenHash: sha256(token), user: u, expiresAt });
      u.lastLoginAt = new Date();
      u.failedLogins = 0;
      u.lockedUntil = null;
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
