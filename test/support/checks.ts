import { expect } from 'vitest';
import { runAsSystem } from '../../services/system-actor';
import type { GqlResult, TestPlatform } from './platform';

/** The data of a GraphQL result that must have succeeded (fails the test naming the errors otherwise). */
export function ok(r: GqlResult): any {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

/** The error codes of a GraphQL result. */
export function codes(r: GqlResult): string[] {
  return (r.errors ?? []).map((e) => String(e.extensions?.code));
}

/**
 * Checks for a workflow's tests on a test platform: `sql` as the system actor, a `fingerprint` of the
 * tables the workflow writes (row count and md5 of every row: equal means nothing was written), and
 * `refused`: the call fails with exactly `code` (and `message`) and the fingerprint is unchanged.
 */
export function workflowChecks(platform: () => TestPlatform, label: string, tables: readonly string[]) {
  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> =>
    runAsSystem(label, () => platform().orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
  const fingerprint = async (): Promise<Record<string, string>> => {
    const [row] = await sql<Record<string, string>>(
      `select ${tables.map((t) => `(select count(*) || ':' || md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from ${t} x) as ${t}`).join(', ')}`,
    );
    return { ...row };
  };
  const refused = async (code: string, call: () => Promise<GqlResult>, message?: RegExp): Promise<GqlResult> => {
    const before = await fingerprint();
    const r = await call();
    expect(codes(r), JSON.stringify(r.errors)).toEqual([code]);
    if (message) expect(r.errors![0].message).toMatch(message);
    expect(await fingerprint()).toEqual(before);
    return r;
  };
  return { sql, fingerprint, refused };
}
