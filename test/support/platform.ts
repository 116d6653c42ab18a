import { type Config, loadConfig } from '../../kernel/config';
import { type Platform, startPlatform } from '../../server/platform';
import { loadDemoProvince } from '../../demo/load-demo-province';
import { openTestDatabase, type TestDatabase } from './database';

export const DEMO_PASSWORD = 'hongdun-demo';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
}

export interface TestPlatform extends Platform {
  db: TestDatabase;
  /** POSTs a GraphQL operation, with a bearer token when given */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  /** logs a demo user in and returns the token (cached per username) */
  login(username: string): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * The platform over HTTP on a throwaway database holding a small demo province (same generator as
 * production, fewer entities), on a free port.
 */
export async function startTestPlatform(options: { entities?: number; seed?: string; config?: Partial<Config> } = {}): Promise<TestPlatform> {
  const db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: options.seed ?? 'test', entities: options.entities ?? 400 });
  const config = loadConfig({ port: 0, databaseUrl: db.url, dataDir: 'memory://', redisUrl: undefined, demo: false, patrolSchedules: false, ...options.config });
  const platform = await startPlatform(config, { orm: db.orm });
  const tokens = new Map<string, string>();
  const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult;
    return { status: res.status, data: body.data, errors: body.errors };
  };
  const login = async (username: string) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const r = await gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: DEMO_PASSWORD });
    if (!r.data?.login) throw new Error(`login of ${username} failed: ${JSON.stringify(r.errors)}`);
    tokens.set(username, r.data.login.token);
    return r.data.login.token as string;
  };
  return {
    ...platform,
    db,
    gql,
    login,
    async shutdown() {
      await platform.close();
      await db.close();
    },
  };
}
