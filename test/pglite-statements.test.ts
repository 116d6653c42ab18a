import { describe, expect, it } from 'vitest';
import { hasSeveralStatements } from '../server/pglite-statements';

describe('hasSeveralStatements', () => {
  const single = [
    `select 1`,
    `select 1;`,
    `select 1;  \n `,
    `insert into shop (name) values ('a;b')`,
    `insert into shop (name) values ('it''s; fine'), ('x')`,
    `insert into t (v) values (E'back\\'slash; still one')`,
    `select "weird;name" from t`,
    `select $$ body; with; semicolons $$`,
    `select $fn$ a; b $fn$`,
    `select 1 -- trailing; comment`,
    `select /* a; /* nested; */ b; */ 1`,
  ];
  const several = [`select 1; select 2`, `create table a (x int);\ncreate table b (y int);`, `insert into t values ('a;'); select 1`];
  for (const sql of single) it(`one statement: ${sql}`, () => expect(hasSeveralStatements(sql)).toBe(false));
  for (const sql of several) it(`several: ${sql}`, () => expect(hasSeveralStatements(sql)).toBe(true));
});
