/**
 * The signed identifiers of self-filing (主体备案): a badge link carries `<badgeId>.<signature>`, where the
 * badge id is 16 random bytes (no sequence to guess) and the signature an HMAC-SHA256 of the id and the
 * shop address the badge was issued for, under the platform's badge key (BADGE_SECRET, or a random key
 * generated once and kept in the database). A copied badge therefore still names the shop it was issued
 * for, and a forged one fails its signature. The business's filing key (to read its filing's status and
 * start verification) is an HMAC of the filing number under the same key: nothing to store, nothing to
 * leak from the database.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../kernel/config';

const keys = new WeakMap<object, Promise<Buffer>>();

/** The badge key: BADGE_SECRET, else the database's (created on first use; one per database, every process the same). */
export function badgeKey(em: EntityManager, config: Pick<Config, 'badgeSecret'>): Promise<Buffer> {
  if (config.badgeSecret) return Promise.resolve(Buffer.from(config.badgeSecret, 'utf8'));
  const connection = em.getConnection() as unknown as object;
  let key = keys.get(connection);
  if (!key) {
    key = (async () => {
      await em.getConnection().execute(`insert into badge_secret (id, secret) values (1, ?) on conflict (id) do nothing`, [randomBytes(32).toString('base64')]);
      const [row] = await em.getConnection().execute<{ secret: string }[]>(`select secret from badge_secret where id = 1`);
      return Buffer.from(row.secret, 'base64');
    })();
    key.catch(() => keys.delete(connection));
    keys.set(connection, key);
  }
  return key;
}

const b64 = (b: Buffer) => b.toString('base64url');
const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** A new random badge id (22 characters of base64url). */
export function newBadgeId(): string {
  return b64(randomBytes(16));
}

/** The signature of a badge id for a shop address. */
function badgeSignature(key: Buffer, badgeId: string, shopUrl: string): string {
  return b64(mac(key, `hongdun-badge:v1:${badgeId}:${shopUrl}`)).slice(0, 32);
}

/** The identifier a badge link carries. */
export function badgeToken(key: Buffer, badgeId: string, shopUrl: string): string {
  return `${badgeId}.${badgeSignature(key, badgeId, shopUrl)}`;
}

/** The shape of a badge identifier: id and signature, or null when it is not one. */
export function parseBadgeToken(token: string): { badgeId: string; signature: string } | null {
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{32})$/.exec(token);
  return m ? { badgeId: m[1], signature: m[2] } : null;
}

/** Whether `signature` is the badge id's signature for `shopUrl` (constant time). */
export function signatureMatches(key: Buffer, badgeId: string, shopUrl: string, signature: string): boolean {
  const expected = Buffer.from(badgeSignature(key, badgeId, shopUrl));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The filing key of a filing number (given to the business once; recomputed, never stored). */
export function filingKey(key: Buffer, number: string): string {
  return b64(mac(key, `hongdun-filing-key:v1:${number}`)).slice(0, 24);
}

/** Whether `given` is the filing key of `number` (constant time). */
export function filingKeyMatches(key: Buffer, number: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(filingKey(key, number));
  const g = Buffer.from(given);
  return expected.length === g.length && timingSafeEqual(expected, g);
}

/** A verification token for a shop to place on its page: `hongdun-verify-` and 20 random characters. */
export function newVerificationToken(): string {
  return `hongdun-verify-${randomBytes(15).toString('base64url')}`;
}

/** Every badge identifier a page's HTML names in a badge link or attribute (`/badge/<id>.<sig>`, `data-hongdun-badge`). */
export function badgeTokensIn(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/\/badge\/([A-Za-z0-9_-]{8,64}\.[A-Za-z0-9_-]{8,64})/g)) found.add(m[1]);
  for (const m of html.matchAll(/data-hongdun-badge\s*=\s*["']?([A-Za-z0-9_.-]{8,200})/g)) found.add(m[1]);
  return [...found].slice(0, 20);
}
