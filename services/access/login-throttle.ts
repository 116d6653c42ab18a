import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * Login throttling (OWASP ASVS 2.2.1): failed logins slow further attempts down instead of locking the
 * account, so nobody can lock someone else out by typing wrong passwords. Failures are counted under three
 * keys in the table `login_throttle`, shared by every API process:
 *
 * - the account from one address (strict): 3 free failures, then 1, 2, 4 … s, at most 60 s;
 * - the account from anywhere (lenient): 10 free, then 1, 2, 4 … s, at most 30 s — a guesser with many
 *   addresses is slowed, and so is a stranger's new address, but never for longer than that;
 * - the address over all accounts (lenient: an office behind one NAT): 20 free, then 1, 2, 4 … s, at most 30 s.
 *
 * An address from which the account logged in within the last 30 days is exempt from the two lenient keys:
 * the real user at their usual desk is never slowed by someone else's failures. A count starts again
 * 15 minutes after its last failure. Keys are built from the username as typed (trimmed, lower case), so an
 * unknown username is throttled exactly like an existing one and the answer reveals nothing. A throttled
 * attempt is refused before the password is checked (no scrypt work for a guesser) and is not counted.
 */

interface Policy {
  /** failures that cost no waiting */
  free: number;
  /** the longest wait, seconds */
  capSeconds: number;
}

export const THROTTLE_POLICIES: Readonly<Record<'pair' | 'account' | 'address', Policy>> = {
  pair: { free: 3, capSeconds: 60 },
  account: { free: 10, capSeconds: 30 },
  address: { free: 20, capSeconds: 30 },
};

/** a count starts again this long after its last failure */
const RESET_MINUTES = 15;
/** an address with a success this recent is the user's own */
const KNOWN_ADDRESS_DAYS = 30;

/** Seconds to wait after `failures` failures in a row under `policy`: 0 … 0, 1, 2, 4 … capped. */
export function throttleDelaySeconds(failures: number, policy: Policy): number {
  if (failures <= policy.free) return 0;
  return Math.min(policy.capSeconds, 2 ** (failures - policy.free - 1));
}

export interface ThrottleKeys {
  pair: string;
  account: string;
  address: string;
}

/** The keys of an attempt (bounded in length whatever the caller sends). */
export function throttleKeys(username: string, address: string): ThrottleKeys {
  const user = username.trim().toLowerCase().slice(0, 128);
  const addr = address.slice(0, 64);
  return { pair: `p:${user}\n${addr}`, account: `a:${user}`, address: `i:${addr}` };
}

interface Row {
  key: string;
  failures: number;
  since_failure: number | null;
  known: boolean | null;
}

/** Seconds the attempt must still wait (0: it may go on). */
export async function throttleWait(em: EntityManager, keys: ThrottleKeys): Promise<number> {
  const rows: Row[] = await em.getConnection().execute(
    `select "key", "failures", extract(epoch from (now() - "last_failure_at"))::float8 as since_failure,
      "last_success_at" > now() - interval '${KNOWN_ADDRESS_DAYS} days' as known
     from "login_throttle" where "key" in (?, ?, ?)`,
    [keys.pair, keys.account, keys.address],
  );
  const known = rows.some((r) => r.key === keys.pair && r.known === true);
  let wait = 0;
  for (const row of rows) {
    if (row.since_failure === null || row.since_failure > RESET_MINUTES * 60) continue;
    const kind = row.key === keys.pair ? 'pair' : row.key === keys.account ? 'account' : 'address';
    if (known && kind !== 'pair') continue;
    wait = Math.max(wait, throttleDelaySeconds(Number(row.failures), THROTTLE_POLICIES[kind]) - Number(row.since_failure));
  }
  return wait > 0 ? Math.ceil(wait) : 0;
}

/**
 * Counts the attempt as a failure under its three keys, before the password is checked: parallel guesses
 * see each other's count at once. One statement, the same for a known and an unknown username.
 */
export async function recordAttempt(em: EntityManager, keys: ThrottleKeys): Promise<void> {
  await em.getConnection().execute(
    `insert into "login_throttle" ("key", "failures", "last_failure_at") values (?, 1, now()), (?, 1, now()), (?, 1, now())
     on conflict ("key") do update set "last_failure_at" = now(),
       "failures" = case when "login_throttle"."last_failure_at" is null or "login_throttle"."last_failure_at" < now() - interval '${RESET_MINUTES} minutes'
         then 1 else "login_throttle"."failures" + 1 end`,
    [keys.pair, keys.account, keys.address],
  );
}

/**
 * Undoes the attempt's count after the right password: the account-from-this-address count starts again and
 * the address becomes known for the account; the account's and the address's counts lose this attempt only
 * (a guesser who also owns a login cannot wipe them by logging in).
 */
export async function recordSuccess(em: EntityManager, keys: ThrottleKeys): Promise<void> {
  await em.getConnection().execute(
    `update "login_throttle" set "failures" = case when "key" = ? then 0 else greatest("failures" - 1, 0) end,
       "last_success_at" = case when "key" = ? then now() else "last_success_at" end
     where "key" in (?, ?, ?)`,
    [keys.pair, keys.pair, keys.pair, keys.account, keys.address],
  );
}

/** Forgets the counts of a username (an administrator set a new password); in the caller's transaction. */
export async function clearThrottle(em: EntityManager, username: string): Promise<void> {
  const user = username.trim().toLowerCase().slice(0, 128);
  await em.execute(`delete from "login_throttle" where "key" = ? or "key" like ?`, [`a:${user}`, `p:${user.replace(/[\\%_]/g, '\\$&')}\n%`]);
}

/** Deletes counts nobody needs any more (no failure for a day, no success to remember); the nightly clean-up. */
export async function pruneThrottle(em: EntityManager): Promise<number> {
  const res = await em.getConnection().execute(
    `delete from "login_throttle" where ("last_failure_at" is null or "last_failure_at" < now() - interval '1 day')
       and ("last_success_at" is null or "last_success_at" < now() - interval '${KNOWN_ADDRESS_DAYS} days')`,
    [],
    'run',
  );
  return Number((res as { affectedRows?: number }).affectedRows ?? 0);
}
