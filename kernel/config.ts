import os from 'node:os';
import path from 'node:path';

/**
 * Configuration from the environment. Every option: its variable, its default, what it does.
 * See .env.example for the same list.
 */
export interface Config {
  /** HOST (127.0.0.1): address the HTTP server binds */
  host: string;
  /** PORT (4000): HTTP port; GraphQL at /graphql */
  port: number;
  /** DATABASE_URL (unset): PostgreSQL server URL; unset = embedded PGlite in DATA_DIR */
  databaseUrl: string | undefined;
  /** DATA_DIR (./data/db): folder of the embedded database; `memory://` keeps it in memory */
  dataDir: string;
  /** REDIS_URL (unset): Redis for BullMQ jobs; unset = in-process job runner */
  redisUrl: string | undefined;
  /** LOG_LEVEL (info): pino log level */
  logLevel: string;
  /** SESSION_TTL_HOURS (12): lifetime of a login token */
  sessionTtlHours: number;
  /** SESSION_CACHE_SECONDS (15): how long a process trusts a token it has checked; 0 looks every request up */
  sessionCacheSeconds: number;
  /** IMPORT_MAX_ROWS (50000): most data rows one import file may hold */
  importMaxRows: number;
  /** IMPORT_MAX_BYTES (20971520): largest import file accepted (20 MiB) */
  importMaxBytes: number;
  /** PLATFORM_REPORT_MAX_ROWS (200000): most shops one platform report may hold */
  platformReportMaxRows: number;
  /** PLATFORM_REPORT_MAX_BYTES (209715200): largest platform report file accepted at POST /platform/reports/{id} (200 MiB) */
  platformReportMaxBytes: number;
  /** GRAPHQL_MAX_DEPTH (10): deepest query accepted */
  graphqlMaxDepth: number;
  /** GRAPHQL_MAX_COMPLEXITY (20000): most expensive query accepted (fields × page sizes) */
  graphqlMaxComplexity: number;
  /** GRAPHQL_MAX_ALIASES (50): most aliased fields one document may hold */
  graphqlMaxAliases: number;
  /** GRAPHQL_MAX_ROOT_FIELDS (20): most root fields one operation may ask for */
  graphqlMaxRootFields: number;
  /**
   * GRAPHQL_INTROSPECTION (`authenticated` when NODE_ENV=production, `on` otherwise): who may introspect the
   * schema (`__schema`, `__type`): `on` everyone, `authenticated` logged-in callers only, `off` nobody
   */
  graphqlIntrospection: 'on' | 'authenticated' | 'off';
  /**
   * HSTS_MAX_AGE (31536000): `Strict-Transport-Security: max-age=…; includeSubDomains` on every response to a
   * request that came over TLS (directly, or as a proxy trusted by TRUST_PROXY reports in X-Forwarded-Proto) and
   * on every response when PUBLIC_BASE_URL is https; 0 never sends it
   */
  hstsMaxAge: number;
  /** COMPILED_READS (true): answer list and lookup queries the planner covers by compiled SQL (services/reads) */
  compiledReads: boolean;
  /** DEMO (true): load the demo province into an empty database on start */
  demo: boolean;
  /** DEMO_SEED (hongdun): seed of the deterministic demo generator */
  demoSeed: string;
  /** DEMO_ENTITIES (20000): number of registered entities the demo generator makes (shops: twice that) */
  demoEntities: number;
  /** DB_POOL_MAX (10): connection pool size against a PostgreSQL server (PGlite always uses one) */
  dbPoolMax: number;
  /** CRAWL_ALLOWED_ORIGINS (empty): comma-separated origins the spiders may request (http://host:port); nothing else is ever fetched */
  crawlAllowedOrigins: string[];
  /** CRAWL_SEEDS (empty): comma-separated directory / site-list URLs discovery starts from; their origins are allowed too */
  crawlSeeds: string[];
  /** CRAWL_CONCURRENCY (8): pages fetched at once per crawl */
  crawlConcurrency: number;
  /** CRAWL_PER_HOST (4): pages fetched at once per host */
  crawlPerHost: number;
  /** CRAWL_RPM (0): requests per minute per host, 0 = no limit beyond concurrency */
  crawlRequestsPerMinute: number;
  /** CRAWL_TIMEOUT_SECS (30): timeout of one page (headers and body) */
  crawlTimeoutSecs: number;
  /** CRAWL_MAX_BODY_BYTES (5242880): larger pages are refused (5 MiB) */
  crawlMaxBodyBytes: number;
  /** CRAWL_SCREENSHOTS_MAX (200): most shop home pages one shops crawl started with screenshots photographs (chromium; kept as evidence) */
  crawlScreenshotsMax: number;
  /** CRAWL_SCHEDULES (true): declare the periodic crawls (discovery weekly, shops daily, listings every 6 h) when CRAWL_SEEDS is set */
  crawlSchedules: boolean;
  /**
   * CRAWL_MODE (inprocess): `inprocess` fetches crawl targets in the process that runs the crawl job;
   * `queue` (needs REDIS_URL) hands the fetching to crawler workers (`hongdun worker crawl`, external
   * segment) through Redis and only ingests here: the core then never connects to a crawl target
   */
  crawlMode: 'inprocess' | 'queue';
  /** JOBS_LOCK_MS (30000): a job whose worker died runs again on another worker after this long */
  jobsLockMs: number;
  /** CRAWL_INGEST_BATCH (5000): pages buffered by a crawl before they are written (larger batches write faster, hold more memory) */
  crawlIngestBatch: number;
  /** EVIDENCE_DIR (./data/evidence): content-addressed folder of captured pages and screenshots (and uploaded case files) */
  evidenceDir: string;
  /** CASE_FILE_MAX_BYTES (20971520): largest file accepted by addCaseFile (20 MiB, decoded) */
  caseFileMaxBytes: number;
  /** PUBLIC_COMPLAINTS_PER_HOUR (5): complaints one network address may submit through the public form per hour (0 closes the form) */
  publicComplaintsPerHour: number;
  /** PUBLIC_FILE_MAX_BYTES (5242880): largest attachment of a public complaint (5 MiB, decoded); at most 5 attachments */
  publicFileMaxBytes: number;
  /** PUBLIC_FILINGS_PER_HOUR (5): self-filings (主体备案) one network address may submit through the public page per hour (0 closes the page) */
  publicFilingsPerHour: number;
  /** BADGE_SECRET (unset): HMAC key of the electronic badges' links (at least 32 characters); unset = a random key generated once and kept in the database */
  badgeSecret: string | undefined;
  /** PUBLIC_BASE_URL (unset): the platform's public address in badge links and QR codes (https://…); unset = http://HOST:PORT */
  publicBaseUrl: string | undefined;
  /** PATROL_SCHEDULES (true): generate each month's patrol tasks on its first day (and catch up at start-up) */
  patrolSchedules: boolean;
  /**
   * TRUST_PROXY (unset): behind a reverse proxy, which proxies to trust for the client's address (Express's
   * `trust proxy`: a hop count such as `1`, or addresses/subnets such as `loopback, 10.0.0.0/8`); the public
   * form's per-address limit needs the real address
   */
  trustProxy: string | number | undefined;
}

function trustProxy(raw: string | undefined): string | number | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function introspection(raw: string | undefined, production: boolean): 'on' | 'authenticated' | 'off' {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return production ? 'authenticated' : 'on';
  if (value === 'on' || value === 'authenticated' || value === 'off') return value;
  throw new Error(`GRAPHQL_INTROSPECTION must be on, authenticated or off, got "${raw}"`);
}

function crawlMode(raw: string | undefined): 'inprocess' | 'queue' {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'inprocess') return 'inprocess';
  if (value === 'queue') return 'queue';
  throw new Error(`CRAWL_MODE must be inprocess or queue, got "${raw}"`);
}

function badgeSecret(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32) throw new Error('BADGE_SECRET must be at least 32 characters');
  return raw;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** Reads the configuration from `process.env`, failing with a clear message on a bad value. */
export function loadConfig(overrides: Partial<Config> = {}): Config {
  return {
    host: process.env.HOST || '127.0.0.1',
    port: int('PORT', 4000),
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || path.resolve('data/db'),
    redisUrl: process.env.REDIS_URL || undefined,
    logLevel: process.env.LOG_LEVEL || 'info',
    sessionTtlHours: int('SESSION_TTL_HOURS', 12),
    sessionCacheSeconds: int('SESSION_CACHE_SECONDS', 15),
    importMaxRows: int('IMPORT_MAX_ROWS', 50_000),
    importMaxBytes: int('IMPORT_MAX_BYTES', 20 * 1024 * 1024),
    platformReportMaxRows: int('PLATFORM_REPORT_MAX_ROWS', 200_000),
    platformReportMaxBytes: int('PLATFORM_REPORT_MAX_BYTES', 200 * 1024 * 1024),
    graphqlMaxDepth: int('GRAPHQL_MAX_DEPTH', 10),
    graphqlMaxComplexity: int('GRAPHQL_MAX_COMPLEXITY', 20_000),
    graphqlMaxAliases: int('GRAPHQL_MAX_ALIASES', 50),
    graphqlMaxRootFields: int('GRAPHQL_MAX_ROOT_FIELDS', 20) || 1,
    graphqlIntrospection: introspection(process.env.GRAPHQL_INTROSPECTION, process.env.NODE_ENV === 'production'),
    hstsMaxAge: int('HSTS_MAX_AGE', 31_536_000),
    compiledReads: bool('COMPILED_READS', true),
    demo: bool('DEMO', true),
    demoSeed: process.env.DEMO_SEED || 'hongdun',
    demoEntities: int('DEMO_ENTITIES', 20_000),
    dbPoolMax: int('DB_POOL_MAX', 10),
    crawlAllowedOrigins: list('CRAWL_ALLOWED_ORIGINS').map((o) => origin('CRAWL_ALLOWED_ORIGINS', o)),
    crawlSeeds: list('CRAWL_SEEDS').map((u) => url('CRAWL_SEEDS', u)),
    crawlConcurrency: int('CRAWL_CONCURRENCY', 8) || 1,
    crawlPerHost: int('CRAWL_PER_HOST', 4) || 1,
    crawlRequestsPerMinute: int('CRAWL_RPM', 0),
    crawlTimeoutSecs: int('CRAWL_TIMEOUT_SECS', 30) || 1,
    crawlMaxBodyBytes: int('CRAWL_MAX_BODY_BYTES', 5 * 1024 * 1024),
    crawlScreenshotsMax: int('CRAWL_SCREENSHOTS_MAX', 200),
    crawlIngestBatch: int('CRAWL_INGEST_BATCH', 5000) || 1,
    crawlSchedules: bool('CRAWL_SCHEDULES', true),
    crawlMode: crawlMode(process.env.CRAWL_MODE),
    jobsLockMs: int('JOBS_LOCK_MS', 30_000) || 1000,
    evidenceDir: process.env.EVIDENCE_DIR || defaultEvidenceDir(process.env.DATA_DIR),
    caseFileMaxBytes: int('CASE_FILE_MAX_BYTES', 20 * 1024 * 1024),
    publicComplaintsPerHour: int('PUBLIC_COMPLAINTS_PER_HOUR', 5),
    publicFileMaxBytes: int('PUBLIC_FILE_MAX_BYTES', 5 * 1024 * 1024),
    publicFilingsPerHour: int('PUBLIC_FILINGS_PER_HOUR', 5),
    badgeSecret: badgeSecret(process.env.BADGE_SECRET),
    publicBaseUrl: process.env.PUBLIC_BASE_URL ? url('PUBLIC_BASE_URL', process.env.PUBLIC_BASE_URL).replace(/\/+$/, '') : undefined,
    patrolSchedules: bool('PATROL_SCHEDULES', true),
    trustProxy: trustProxy(process.env.TRUST_PROXY),
    ...overrides,
  };
}

/** Beside the embedded database (`<DATA_DIR>/../evidence`); a throwaway folder for a throwaway `memory://` one. */
function defaultEvidenceDir(dataDir: string | undefined): string {
  if (dataDir?.startsWith('memory://')) return path.join(os.tmpdir(), `hongdun-evidence-${process.pid}`);
  return dataDir ? path.resolve(dataDir, '..', 'evidence') : path.resolve('data/evidence');
}

function list(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function url(name: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return u.href;
  } catch {
    throw new Error(`${name}: "${raw}" is not an http(s) URL`);
  }
}

function origin(name: string, raw: string): string {
  return new URL(url(name, raw.includes('://') ? raw : `http://${raw}`)).origin;
}
