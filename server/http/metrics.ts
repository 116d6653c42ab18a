import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
  return { registry, httpDuration, graphqlOperations, graphqlReadPath, middleware };
}

export type Metrics = ReturnType<typeof createMetrics>;
