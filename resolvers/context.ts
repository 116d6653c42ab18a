import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../entities';
import type { TimeSeriesStore } from '../store';
import type { Config } from '../kernel/config';
import type { JobRunner } from '../kernel/job-runner';
import type { Loaders } from './loaders';

/** What every resolver receives: a request-scoped EntityManager, the caller, batching loaders. */
export interface Context {
  em: EntityManager;
  /** null for anonymous requests (only `login` accepts them) */
  actor: Actor | null;
  loaders: Loaders;
  config: Config;
  /** the bearer token of the request, for logout */
  token: string | null;
  /** the time-series store on this request's EntityManager (reads scoped to the caller) */
  timeSeries: TimeSeriesStore;
  /** the caller's network address (Express's req.ip: behind TRUST_PROXY, the forwarded one); the login throttle's key */
  clientAddress: string;
  /** queues jobs (crawls) */
  jobs: JobRunner;
}
