import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one platform instance (its own registry, so tests can start several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hongdun_' });
  const httpDuration = new Histogram({
    name: 'hongdun_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const graphqlOperations = new Counter({
    name: 'hongdun_graphql_operations_total',
    help: 'GraphQL operations by type, name and outcome',
    labelNames: ['type', 'name', 'outcome'],
    registers: [registry],
  });
  const graphqlReadPath = new Counter({
    name: 'hongdun_graphql_read_path_total',
    help: 'GraphQL queries answered by compiled SQL (services/reads) or by the resolvers',
    labelNames: ['path'],
    registers: [registry],
  });
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const end = httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = req.path.startsWith('/graphql') ? '/graphql' : req.route?.path ?? (res.statusCode === 404 ? 'unmatched' : req.path);
      end({ route, status: String(res.statusCode) });
    });
    next();
  };
  /** Jobs by state, read from the job runner at each scrape: the queue depth (waiting, delayed) and failures to watch. */
  const observeJobs = (runner: { kind: string; counts(): Promise<Record<string, number>> }) =>
    new Gauge({
      name: 'hongdun_jobs',
      help: 'Jobs by state (BullMQ: the queue in Redis; in-process: since this process started)',
      labelNames: ['runner', 'state'],
      registers: [registry],
      async collect() {
        try {
          for (const [state, n] of Object.entries(await runner.counts())) this.set({ runner: runner.kind, state }, n);
        } catch {
          // the job store is down: /readyz says so; the gauge keeps its last values
        }
      },
    });
  return { registry, httpDuration, graphqlOperations, graphqlReadPath, middleware, observeJobs };
}

export type Metrics = ReturnType<typeof createMetrics>;
