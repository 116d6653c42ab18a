import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry, Unit, User } from '../entities';
import { runAsSystem } from '../services/system-actor';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const asSystem = <T>(fn: (em: ReturnType<TestPlatform['orm']['em']['fork']>) => Promise<T>) => runAsSystem('test', () => fn(p.orm.em.fork()));
const unitId = (code: string) => asSystem((em) => em.findOneOrFail(Unit, { code })).then((u) => String(u.id));

const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id username role active unit { code } } }`;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;

beforeAll(async () => {
  p = await startTestPlatform({ entities: 80 });
});
afterAll(async () => {
  await p?.shutdown();
});

describe('staff logins', () => {
  it('a county admin creates an inspector for one of its stations, who can log in and sees the station\'s towns', async () => {
    const admin = await p.login('x370102-admin');
    const r = await p.gql(CREATE, { i: { username: 'zhang.wei', displayName: '张伟', unitId: await unitId('370102-S02'), role: 'INSPECTOR', password: 'quancheng-2026' } }, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.createUser).toMatchObject({ username: 'zhang.wei', role: 'INSPECTOR', active: true, unit: { code: '370102-S02' } });
    const login = await p.gql(LOGIN, { u: 'zhang.wei', p: 'quancheng-2026' });
    const me = await p.gql(`{ me { jurisdiction } }`, {}, login.data.login.token);
    const station = await asSystem((em) => em.findOneOrFail(Unit, { code: '370102-S02' }));
    expect(me.data.me.jurisdiction).toEqual(station.jurisdiction);
    const audit = await asSystem((em) => em.find(AuditEntry, { entityType: 'User', entityId: r.data.createUser.id, operation: 'createUser' }));
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({ username: 'zhang.wei', passwordHash: '[redacted]' });
  });

  it('refuses a unit outside, a taken username, a short password, a role above one\'s own, and the system role', async () => {
    const admin = await p.login('x370102-admin');
    const inspector = await p.login('x370102-inspector');
    const base = { username: 'li.na', displayName: '李娜', unitId: await unitId('370102'), role: 'ANALYST', password: 'long-enough-1' };
    const outside = await p.gql(CREATE, { i: { ...base, unitId: await unitId('370103') } }, admin);
    expect(outside.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const taken = await p.gql(CREATE, { i: { ...base, username: 'sd-admin' } }, admin);
    expect(taken.errors?.[0].message).toMatch(/taken/);
    const short = await p.gql(CREATE, { i: { ...base, password: 'short' } }, admin);
    expect(short.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const system = await p.gql(CREATE, { i: { ...base, role: 'SYSTEM' } }, admin);
    expect(system.errors?.[0].message).toMatch(/system role/);
    const byInspector = await p.gql(CREATE, { i: base }, inspector);
    expect(byInspector.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const cityAdmin = await p.login('c3701-admin');
    const provinceAdminByCity = await p.gql(CREATE, { i: { ...base, unitId: await unitId('37') } }, cityAdmin);
    expect(provinceAdminByCity.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await asSystem((em) => em.count(User, { username: 'li.na' }))).toBe(0);
  });

  it('lists only the staff of the jurisdiction', async () => {
    const r = await p.gql(`{ users { username unit { code } } }`, {}, await p.login('x370102-admin'));
    expect(r.data.users.length).toBeGreaterThan(4);
    expect(r.data.users.every((u: any) => u.unit.code.startsWith('370102'))).toBe(true);
    const stationOnly = await p.gql(`query($u: ID) { users(unitId: $u) { username } }`, { u: await unitId('370102-S01') }, await p.login('x370102-admin'));
    expect(stationOnly.data.users.map((u: any) => u.username).sort()).toEqual(['370102-s01-inspector', '370102-s01-leader']);
  });

  it('deactivating a login ends its sessions and refuses new ones; reactivating lets it back in', async () => {
    const token = await p.login('370102-s03-leader');
    const admin = await p.login('x370102-admin');
    const id = String((await asSystem((em) => em.findOneOrFail(User, { username: '370102-s03-leader' }))).id);
    const off = await p.gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }`, { id }, admin);
    expect(off.data.setUserActive.active).toBe(false);
    expect((await p.gql(`{ me { name } }`, {}, token)).status).toBe(401);
    const again = await p.gql(LOGIN, { u: '370102-s03-leader', p: 'hongdun-demo' });
    expect(again.errors?.[0].message).toBe('wrong username or password');
    await p.gql(`mutation($id: ID!) { setUserActive(id: $id, active: true) { active } }`, { id }, admin);
    expect((await p.gql(LOGIN, { u: '370102-s03-leader', p: 'hongdun-demo' })).data.login.token).toMatch(/^hds_/);
    const self = await p.gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }`, {
      id: String((await asSystem((em) => em.findOneOrFail(User, { username: 'x370102-admin' }))).id),
    }, admin);
    expect(self.errors?.[0].message).toMatch(/yourself/);
  });

  it('a password reset by the admin ends the user\'s sessions; the user changes it back with the current one', async () => {
    const old = await p.login('x370102-analyst');
    const admin = await p.login('x370102-admin');
    const id = String((await asSystem((em) => em.findOneOrFail(User, { username: 'x370102-analyst' }))).id);
    expect((await p.gql(`mutation($id: ID!) { resetPassword(id: $id, password: "temporary-pass-1") { id } }`, { id }, admin)).errors).toBeUndefined();
    expect((await p.gql(`{ me { name } }`, {}, old)).status).toBe(401);
    const fresh = (await p.gql(LOGIN, { u: 'x370102-analyst', p: 'temporary-pass-1' })).data.login.token;
    const other = (await p.gql(LOGIN, { u: 'x370102-analyst', p: 'temporary-pass-1' })).data.login.token;
    const wrong = await p.gql(`mutation { changePassword(currentPassword: "nope", newPassword: "hongdun-demo-2") }`, {}, fresh);
    expect(wrong.errors?.[0].message).toBe('the current password is wrong');
    const ok = await p.gql(`mutation { changePassword(currentPassword: "temporary-pass-1", newPassword: "hongdun-demo-2") }`, {}, fresh);
    expect(ok.data.changePassword).toBe(true);
    expect((await p.gql(`{ me { name } }`, {}, fresh)).data.me.name).toBe('x370102-analyst');
    expect((await p.gql(`{ me { name } }`, {}, other)).status).toBe(401);
    expect((await p.gql(LOGIN, { u: 'x370102-analyst', p: 'hongdun-demo-2' })).data.login.token).toMatch(/^hds_/);
  });
});

describe('stations', () => {
  const CREATE_STATION = `mutation($i: CreateStationInput!) { createStation(input: $i) { id code name level path jurisdiction parent { code } } }`;

  it('a county admin moves a town into a new station only when no station holds it; then staffs it', async () => {
    const admin = await p.login('x370102-admin');
    const county = await asSystem((em) => em.findOneOrFail(Unit, { code: '370102' }));
    const s01 = await asSystem((em) => em.findOneOrFail(Unit, { code: '370102-S01' }));
    const held = await p.gql(CREATE_STATION, { i: { countyUnitId: String(county.id), name: '新设市场监管所', towns: [s01.jurisdiction[0]] } }, admin);
    expect(held.errors?.[0].message).toMatch(/already belong to/);
    const foreign = await p.gql(CREATE_STATION, { i: { countyUnitId: String(county.id), name: '新设市场监管所', towns: ['370103002'] } }, admin);
    expect(foreign.errors?.[0].message).toMatch(/is not a town or street of/);
    const notCounty = await p.gql(CREATE_STATION, { i: { countyUnitId: String(s01.id), name: '新设市场监管所', towns: ['370102001'] } }, admin);
    expect(notCounty.errors?.[0].message).toMatch(/not a county bureau/);
    const outside = await p.gql(CREATE_STATION, { i: { countyUnitId: await unitId('370103'), name: '新设市场监管所', towns: ['370103002'] } }, admin);
    expect(outside.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const none = await p.gql(CREATE_STATION, { i: { countyUnitId: String(county.id), name: '新设市场监管所', towns: [] } }, admin);
    expect(none.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('creates a station in a county whose towns are free (after the demo, none are: set one up by hand)', async () => {
    // free a town of a station as system, the way a reorganisation would, then give it to a new station
    const s04 = await asSystem(async (em) => {
      const stations = await em.find(Unit, { code: { $like: '370102-S%' } }, { orderBy: { code: 'desc' } });
      const unit = stations.find((s) => s.jurisdiction.length >= 2)!;
      await em.getConnection().execute('update unit set jurisdiction = ? where id = ?', [`{${unit.jurisdiction.slice(1).join(',')}}`, unit.id]);
      return unit;
    });
    const freed = s04.jurisdiction[0];
    const admin = await p.login('x370102-admin');
    const r = await p.gql(CREATE_STATION, { i: { countyUnitId: await unitId('370102'), name: '新设市场监管所', towns: [freed] } }, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.createStation).toMatchObject({ level: 'STATION', jurisdiction: [freed], parent: { code: '370102' } });
    expect(r.data.createStation.code).toMatch(/^370102-S\d\d$/);
    expect(r.data.createStation.path).toBe(`/37/3701/370102/${r.data.createStation.code}/`);
    const user = await p.gql(CREATE, { i: { username: 'new.station', displayName: '王芳', unitId: r.data.createStation.id, role: 'INSPECTOR', password: 'new-station-1' } }, admin);
    expect(user.errors).toBeUndefined();
    const token = (await p.gql(LOGIN, { u: 'new.station', p: 'new-station-1' })).data.login.token;
    const shops = await p.gql(`{ shops(first: 100) { totalCount nodes { regionCode } } }`, {}, token);
    expect(shops.data.shops.nodes.every((s: any) => s.regionCode.startsWith(freed))).toBe(true);
  });
});

describe('wrong passwords', () => {
  it('wrong passwords slow the login from that address down instead of locking it, with the same answer; a reset lifts the throttle', async () => {
    // three are free, the fourth makes the next attempt from this address wait a second
    for (let i = 0; i < 4; i++) {
      const r = await p.gql(LOGIN, { u: '370102-s02-leader', p: `wrong-${i}` });
      expect(r.errors?.[0].message).toBe('wrong username or password');
      expect(r.errors?.[0].extensions?.retryAfter).toBeUndefined();
    }
    const throttled = await p.gql(LOGIN, { u: '370102-s02-leader', p: 'hongdun-demo' });
    expect(throttled.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(throttled.errors?.[0].message).toBe('wrong username or password');
    expect(throttled.errors?.[0].extensions?.retryAfter).toBe(1);
    // nothing is written on the user row for a failure (the throttle has its own table)
    const audit = await asSystem((em) => em.find(AuditEntry, { entityType: 'User', actorName: 'system:login: wrong password' }));
    expect(audit).toEqual([]);
    const id = String((await asSystem((em) => em.findOneOrFail(User, { username: '370102-s02-leader' }))).id);
    const reset = await p.gql(`mutation($id: ID!) { resetPassword(id: $id, password: "unlocked-again-1") { id } }`, { id }, await p.login('x370102-admin'));
    expect(reset.errors).toBeUndefined();
    expect((await p.gql(LOGIN, { u: '370102-s02-leader', p: 'unlocked-again-1' })).data.login.token).toMatch(/^hds_/);
  });

  it('a success starts the count from this address again; waiting out the delay lets the right password in', async () => {
    for (let i = 0; i < 3; i++) await p.gql(LOGIN, { u: '370102-s02-inspector', p: 'wrong' });
    expect((await p.gql(LOGIN, { u: '370102-s02-inspector', p: 'hongdun-demo' })).data.login.token).toMatch(/^hds_/);
    for (let i = 0; i < 4; i++) await p.gql(LOGIN, { u: '370102-s02-inspector', p: 'wrong' });
    expect((await p.gql(LOGIN, { u: '370102-s02-inspector', p: 'hongdun-demo' })).errors?.[0].extensions?.retryAfter).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await p.gql(LOGIN, { u: '370102-s02-inspector', p: 'hongdun-demo' })).data.login.token).toMatch(/^hds_/);
  });
});
