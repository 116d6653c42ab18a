import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, currentActor, jurisdictionSql, OnlineEntity, runAs, Shop } from '../entities';
import { loadDemoProvince } from '../demo/load-demo-province';
import { openTestDatabase, type TestDatabase } from './support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: 'rule', entities: 300 });
});
afterAll(async () => {
  await db?.close();
});

const actor = (prefixes: string[]): Actor => ({ kind: 'user', id: 1, name: 't', unitId: null, role: 'analyst', permissions: new Set(), prefixes });

describe('the jurisdiction rule', () => {
  it('fails closed: reading a bound entity without an actor throws', async () => {
    await expect(db.orm.em.fork().find(Shop, {})).rejects.toThrow(/no actor in context/);
    expect(() => currentActor()).toThrow(/no actor/);
  });

  const cases: [string, string[]][] = [
    ['province', ['37']],
    ['city', ['3702']],
    ['county', ['370102']],
    ['station (several towns)', ['370102001', '370102002', '370102003']],
    ['nothing', []],
  ];
  for (const [name, prefixes] of cases) {
    it(`raw SQL through jurisdictionSql() counts what the ORM filter counts: ${name}`, async () => {
      await runAs(actor(prefixes), async () => {
        const em = db.orm.em.fork();
        for (const [entity, table] of [
          [Shop, 'shop'],
          [OnlineEntity, 'online_entity'],
        ] as const) {
          const scope = jurisdictionSql('region_code');
          const [row] = await em.execute<{ n: string }[]>(`select count(*) as n from ${table} where ${scope.sql}`, scope.params);
          const orm = await em.count(entity, {});
          expect(Number(row.n)).toBe(orm);
          if (prefixes.length > 0) expect(orm).toBeGreaterThan(0);
          else expect(orm).toBe(0);
        }
      });
    });
  }

  it('refuses to build SQL for a column name that is not a plain identifier', () => {
    runAs(actor(['37']), () => expect(() => jurisdictionSql('region_code; drop table shop')).toThrow(/invalid column/));
  });
});
