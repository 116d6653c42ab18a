import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ActorCache, ActorCacheSubscriber } from '../services/access/actor-cache';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pinoHttp } from 'pino-http';
import { type Actor, runAs } from '../entities';
import { executorFromEntityManager } from '../store';
import type { Context } from '../resolvers/context';
import { createLoaders } from '../resolvers/loaders';
import { authenticate } from '../services/access/authenticate';
import { NotFoundError, UserInputError } from '../services/errors';
import { readableStoredFile } from '../services/files/stored-files';
import { loadCalendarAdjustments } from '../services/calendar/calendar-days';
import { BlobMissingError, BlobStore } from '../kernel/blob-store';
import type { Config } from '../kernel/config';
import { describeDatabase, openDatabase, timeSeriesOf } from './database';
import { buildHongdunSchema, complexityPlugin, formatError, httpStatusPlugin, introspectionPlugin, validationRules } from './graphql';
import { compiledReadsPlugin } from './compiled-reads';
import { graphiqlAssets, graphiqlCsp, graphiqlPage } from './http/graphiql';
import { securityHeaders } from './http/security-headers';
import { createMetrics, type Metrics } from './http/metrics';
import { platformReportsRouter } from './http/platform-reports';
import { publicComplaintsRouter } from './http/public-complaints';
import { publicWarningsRouter } from './http/public-warnings';
import { publicFilingRouter } from './http/public-filing';
import { dashboardRouter } from './http/dashboard';
import { monthlyReportsRouter } from './http/monthly-reports';
import { BullMqJobRunner } from './jobs/bullmq-runner';
import { InProcessJobRunner } from './jobs/in-process-runner';
import type { JobRunner } from '../kernel/job-runner';
import { registerPlatformJobs } from './jobs/platform-jobs';
import { logger } from '../kernel/logger';

export interface Platform {
  config: Config;
  orm: MikroORM;
  runner: JobRunner;
  metrics: Metrics;
  server: http.Server;
  /** base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** run job handlers in this process (default true; false for API-only processes with Redis) */
  worker?: boolean;
  /** an already open database (tests) */
  orm?: MikroORM;
  /** called after migrations, before serving (the demo loader) */
  beforeServe?: (orm: MikroORM) => Promise<void>;
}

/** The job runner the configuration asks for: BullMQ with REDIS_URL, in-process otherwise. */
export function createJobRunner(config: Config): JobRunner {
  return config.redisUrl ? new BullMqJobRunner(config.redisUrl, 'hongdun', config.jobsLockMs) : new InProcessJobRunner();
}

/**
 * Starts the platform: database (migrated), jobs, GraphQL at /graphql (GraphiQL for browsers),
 * /healthz, /readyz, /metrics. Returns a handle whose close() shuts everything down in order.
 */
export async function startPlatform(config: Config, options: StartOptions = {}): Promise<Platform> {
  const ownsOrm = !options.orm;
  const orm = options.orm ?? (await openDatabase(config));
  if (options.beforeServe) await options.beforeServe(orm);
  const runner = createJobRunner(config);
  const timeSeries = timeSeriesOf(orm);
  await registerPlatformJobs(runner, orm, config);
  if (options.worker !== false) await runner.startWorker();

  // hand-set working days entered through another process come into force here within ten minutes
  const calendarReload = setInterval(() => {
    loadCalendarAdjustments(orm.em.fork()).catch((err) => logger.warn({ err }, 'reloading the hand-set working days failed'));
  }, 10 * 60_000);
  calendarReload.unref();

  // the actors of tokens checked a moment ago; the unit of work drops those its changes make stale
  const actors = new ActorCache(config.sessionCacheSeconds);
  const actorCacheSubscriber = new ActorCacheSubscriber(actors);
  orm.em.getEventManager().registerSubscriber(actorCacheSubscriber);

  const metrics = createMetrics();
  const schema = await buildHongdunSchema();
  const app = express();
  const server = http.createServer(app);
  app.disable('x-powered-by');
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  // nosniff, a default CSP (pages set their own), Referrer-Policy, Permissions-Policy, HSTS over TLS
  app.use(securityHeaders(config));
  app.use(metrics.middleware);
  metrics.observeJobs(runner);
  // the access log is written at info; below that level (LOG_LEVEL=warn, error) it costs nothing per request
  if (logger.isLevelEnabled('info')) app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      // 4xx are the caller's business (bad token, bad query): info; the server's own failures: error
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    try {
      await orm.em.getConnection().execute('select 1');
      checks.database = true;
    } catch {
      checks.database = false;
    }
    checks.jobs = await runner.ping();
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database: describeDatabase(config), jobs: runner.kind, checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use('/graphiql', graphiqlAssets());
  app.get('/graphql', (req, res, next) => {
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html' && req.query.query === undefined) {
      const nonce = randomBytes(16).toString('base64');
      res.set('Content-Security-Policy', graphiqlCsp(nonce)).type('html').send(graphiqlPage('/graphql', '/graphiql', nonce));
      return;
    }
    next();
  });

  // the public complaint form: no login, rate-limited per address, answers a receipt only
  app.use(publicComplaintsRouter(orm, config));
  // the public consumer-warning feed: no login, published warnings only (an allow-list of fields)
  app.use(publicWarningsRouter(orm));
  // self-filing (主体备案) and the electronic badge: no login, rate-limited, public facts only
  app.use(publicFilingRouter(orm, config, runner instanceof BullMqJobRunner ? runner.prefix : 'hongdun'));
  // the leadership dashboard: static files only (its data comes from /graphql with the user's token)
  app.use(dashboardRouter());

  const apollo = new ApolloServer<Context>({
    schema,
    // introspection is allowed or not per caller by introspectionPlugin (GRAPHQL_INTROSPECTION)
    introspection: true,
    // Authentication is a bearer token in a header, never a cookie, so a cross-site request cannot act
    // for a user: CSRF prevention is off and GET works for queries as GraphQL over HTTP specifies.
    csrfPrevention: false,
    validationRules: validationRules(config),
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      // no cache hints are set anywhere; the plugin would still visit every field
      ApolloServerPluginCacheControlDisabled(),
      introspectionPlugin(config.graphqlIntrospection),
      complexityPlugin(schema, config.graphqlMaxComplexity),
      compiledReadsPlugin(schema, orm.em, config.compiledReads, metrics.graphqlReadPath),
      httpStatusPlugin,
      {
        async requestDidStart() {
          return {
            async willSendResponse({ operation, operationName, response }) {
              const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
              metrics.graphqlOperations.inc({ type: operation?.operation ?? 'invalid', name: operationName ?? 'anonymous', outcome: failed ? 'error' : 'ok' });
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  // Authenticate once per request and run the rest of it as that actor (AsyncLocalStorage).
  const authenticateRequest = async (req: Request, res: Response, next: NextFunction) => {
    let actor: Actor | null = null;
    try {
      actor = await authenticate(orm.em.fork(), req.headers.authorization, actors);
    } catch (err) {
      const message = err instanceof Error ? err.message : 'authentication failed';
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.locals.actor = actor;
    if (actor) runAs(actor, () => next());
    else next();
  };

  // uploaded files (case files, patrol photos, complaint attachments) for callers who may read a row naming them
  app.get('/files/:sha256', authenticateRequest, async (req: Request, res: Response) => {
    res.set('Cache-Control', 'private, no-store');
    if (!res.locals.actor) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ errors: [{ message: 'authentication required: send "Authorization: Bearer <token>"', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    try {
      const file = await readableStoredFile(orm.em.fork(), String(req.params.sha256));
      const bytes = await new BlobStore(config.evidenceDir).read(file.sha256, { verify: true });
      res
        .status(200)
        .type(file.mediaType)
        .set('X-Content-Type-Options', 'nosniff')
        .set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .send(bytes);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof BlobMissingError) res.status(404).json({ errors: [{ message: error instanceof NotFoundError ? error.message : 'file not found', extensions: { code: 'NOT_FOUND' } }] });
      else if (error instanceof UserInputError) res.status(400).json({ errors: [{ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }] });
      else {
        logger.error({ err: error }, 'reading a stored file failed');
        res.status(500).json({ errors: [{ message: 'internal error' }] });
      }
    }
  });

  // the stored monthly reports (xlsx, html, pdf, json) for callers who may read the report's row
  app.use(monthlyReportsRouter(orm, config, authenticateRequest));

  // platform reports (平台报送): bulk upload, progress, row errors — for platforms' reporting keys
  app.use(platformReportsRouter(orm, config, authenticateRequest));

  app.use(
    '/graphql',
    authenticateRequest,
    // inline base64 files (imports, case files): 4/3 of the larger limit, plus room for the rest of the request
    express.json({ limit: Math.ceil(Math.max(config.importMaxBytes, config.caseFileMaxBytes) * 1.4) + 64 * 1024 }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const header = req.headers.authorization;
        // the request's EntityManager, loaders and store come into being when a resolver first asks
        // (a compiled read needs none of them)
        let em: EntityManager | undefined;
        let loaders: Context['loaders'] | undefined;
        let store: Context['timeSeries'] | undefined;
        const requestEm = () => (em ??= orm.em.fork());
        const requestStore = () => (store ??= timeSeries(executorFromEntityManager(requestEm())));
        return {
          get em() {
            return requestEm();
          },
          get loaders() {
            return (loaders ??= createLoaders(requestEm(), requestStore));
          },
          get timeSeries() {
            return requestStore();
          },
          actor: (res.locals.actor as Actor | null) ?? null,
          config,
          token: header ? header.replace(/^Bearer\s+/i, '').trim() : null,
          clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          jobs: runner,
        };
      },
    }),
  );
  // malformed JSON and oversized bodies: a GraphQL-shaped 400, not a stack trace
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, 'unhandled HTTP error');
    const message = err.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : status === 500 ? 'internal error' : err.message;
    res.status(status).json({ errors: [{ message }] });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.info({ url: `${url}/graphql`, database: describeDatabase(config), jobs: runner.kind }, 'Hongdun is serving');

  let closing: Promise<void> | undefined;
  return {
    config,
    orm,
    runner,
    metrics,
    server,
    url,
    close() {
      closing ??= (async () => {
        clearInterval(calendarReload);
        await apollo.stop();
        await runner.close();
        if (ownsOrm) await orm.close();
      })();
      return closing;
    },
  };
}
