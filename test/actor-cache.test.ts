/**
 * The session cache (SESSION_CACHE_SECONDS): a caller polling page after page is not looked up again on
 * every request, and yet a logout, a deactivation, a password reset or a revoked API key ends access at
 * once; a change made behind the platform's back (another process) ends it within the cache's seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCounter } from '../server/database';
import { ActorCache } from '../services/access/actor-cache';
import type { Actor } from '../entities';
import { codes, ok } from './support/checks';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const ME = `{ me { name } }`;

async function freshToken(username: string): Promise<string> {
  return ok(await p.gql(LOGIN, { u: username, p: DEMO_PASSWORD })).login.token as string;
}
async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await p.db.orm.em.fork().getConnection().execute(text, params)) as T[];
}
async function queriesOf(fn: () => Promise<unknown>): Promise<number> {
  const before = queryCounter.count;
  await fn();
  return queryCounter.count - before;
}
async function userId(username: string): Promise<string> {
  return String((await sql<{ id: number }>(`select id from app_user where username = ?`, [username]))[0].id);
}

beforeAll(async () => {
  p = await startTestPlatform({ entities: 50 });
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('session cache', () => {
  it('looks a token up once, then answers from memory', async () => {
    const token = await freshToken('x370102-inspector');
    const first = await queriesOf(async () => expect(ok(await p.gql(ME, {}, token)).me.name).toBeTruthy());
    const again = await queriesOf(async () => expect(ok(await p.gql(ME, {}, token)).me.name).toBeTruthy());
    expect(first).toBeGreaterThan(0);
    // `me` itself reads nothing but the actor: the second request sends no statement at all
    expect(again).toBe(first - 1);
  });

  it('a logout ends the session at once', async () => {
    const token = await freshToken('x370102-inspector');
    ok(await p.gql(ME, {}, token));
    ok(await p.gql(`mutation { logout }`, {}, token));
    const after = await p.gql(ME, {}, token);
    expect(after.status).toBe(401);
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('deactivating a user and resetting a password end their cached sessions at once', async () => {
    const admin = await freshToken('sd-admin');
    const id = await userId('370102-s01-inspector');
    const token = await freshToken('370102-s01-inspector');
    ok(await p.gql(ME, {}, token));
    ok(await p.gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }`, { id }, admin));
    expect(codes(await p.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
    ok(await p.gql(`mutation($id: ID!) { setUserActive(id: $id, active: true) { id } }`, { id }, admin));
    // the old token stays ended; a new login works
    expect(codes(await p.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
    const second = await freshToken('370102-s01-inspector');
    ok(await p.gql(ME, {}, second));
    ok(await p.gql(`mutation($id: ID!, $pw: String!) { resetPassword(id: $id, password: $pw) { id } }`, { id, pw: DEMO_PASSWORD }, admin));
    expect(codes(await p.gql(ME, {}, second))).toEqual(['UNAUTHENTICATED']);
  });

  it('a revoked API key is refused at once', async () => {
    const admin = await freshToken('sd-admin');
    const [unit] = await sql<{ id: number }>(`select id from unit where code = '370102'`);
    const created = ok(
      await p.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`, { input: { unitId: String(unit.id), scopes: ['registry:read'], name: 'cache test' } }, admin),
    ).createApiKey;
    const shops = `{ shops(first: 1) { nodes { id } } }`;
    ok(await p.gql(shops, {}, created.secret));
    ok(await p.gql(shops, {}, created.secret));
    ok(await p.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: created.apiKey.id }, admin));
    expect(codes(await p.gql(shops, {}, created.secret))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('session cache limits', () => {
  let short: TestPlatform;
  beforeAll(async () => {
    short = await startTestPlatform({ entities: 10, config: { sessionCacheSeconds: 1 } });
  }, 300_000);
  afterAll(async () => {
    await short?.shutdown();
  });

  it('a session ended behind the platform (another process) is refused once the cache seconds have passed', async () => {
    const token = ok(await short.gql(LOGIN, { u: 'x370102-inspector', p: DEMO_PASSWORD })).login.token as string;
    ok(await short.gql(ME, {}, token));
    await short.db.orm.em.fork().getConnection().execute(`update session set revoked_at = now()`);
    // within the second this process still trusts what it checked …
    ok(await short.gql(ME, {}, token));
    await new Promise((r) => setTimeout(r, 1100));
    // … and after it, no longer
    expect(codes(await short.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('ActorCache', () => {
  const actor = (id: number, kind: Actor['kind'] = 'user'): Actor => ({ kind, id, name: `u${id}`, unitId: 1, role: 'inspector', permissions: new Set(), prefixes: ['370102'] });

  it('keeps an entry for its seconds, never past the session expiry', () => {
    const cache = new ActorCache(10);
    const now = 1_000_000;
    cache.set('a', actor(1), cache.ticket(), null, now);
    cache.set('b', actor(2), cache.ticket(), new Date(now + 2_000), now);
    expect(cache.get('a', now + 9_999)?.id).toBe(1);
    expect(cache.get('a', now + 10_000)).toBeUndefined();
    expect(cache.get('b', now + 1_999)?.id).toBe(2);
    expect(cache.get('b', now + 2_000)).toBeUndefined();
  });

  it('does not store an answer read before an invalidation (the race with a logout)', () => {
    const cache = new ActorCache(10);
    const ticket = cache.ticket();
    cache.invalidate({ userIds: [1] });
    cache.set('a', actor(1), ticket);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', actor(1), cache.ticket());
    expect(cache.get('a')?.id).toBe(1);
  });

  it('drops entries by user, by key, and all; 0 seconds keeps nothing; the oldest goes when full', () => {
    const cache = new ActorCache(10, 3);
    cache.set('a', actor(1), cache.ticket());
    cache.set('b', actor(1, 'apiKey'), cache.ticket());
    cache.set('c', actor(2), cache.ticket());
    cache.invalidate({ userIds: [1] });
    expect([cache.get('a'), cache.get('b')?.kind, cache.get('c')?.id]).toEqual([undefined, 'apiKey', 2]);
    cache.invalidate({ apiKeyIds: [1] });
    expect(cache.get('b')).toBeUndefined();
    cache.set('d', actor(3), cache.ticket());
    cache.set('e', actor(4), cache.ticket());
    cache.set('f', actor(5), cache.ticket());
    expect(cache.size).toBe(3);
    expect(cache.get('c')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
    const off = new ActorCache(0);
    off.set('a', actor(1), off.ticket());
    expect(off.get('a')).toBeUndefined();
  });
});
