/**
 * Bulk intake of platform reports (平台报送), for a platform's reporting key:
 *
 * - `POST /platform/reports/<reportId>?mode=full|delta[&asOf=<ISO time>]` with the file as the body: JSON
 *   Lines (`application/x-ndjson`, one shop object a line, the fields of `ReportedShopInput`), CSV or XLSX
 *   (Chinese or English column names). The body is streamed to a temporary file (hashed and counted on the
 *   way, refused past PLATFORM_REPORT_MAX_BYTES), then validated row by row — JSON Lines streamed from the
 *   file — and written in one transaction only when every row is valid. Answers 201 committed, 200 the
 *   same report again (replayed), 422 rejected with the row errors, 400 an unusable file, 409 the id
 *   taken by other content or still being received, 413 too large.
 * - `GET /platform/reports/<reportId>`: the progress while it is being received (202), then the outcome.
 * - `GET /platform/reports/<reportId>/errors.csv`: the row errors as CSV (UTF-8 with BOM, opens in Excel).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { AccessDeniedError, currentActor } from '../../entities';
import { presentReport } from '../../resolvers/platform-report.resolver';
import { holds, Permission } from '../../services/access/permissions';
import { ConflictError, NotFoundError, UserInputError } from '../../services/errors';
import { ImportFileError } from '../../services/registry/import/read-register-file';
import { getPlatformReport } from '../../services/registry/platform-reports/platform.queries';
import { readJsonLines, readReportSheet } from '../../services/registry/platform-reports/report-rows';
import { checkMode, checkReportId, type ReportPhase, submitPlatformReport } from '../../services/registry/platform-reports/submit-report';
import type { Config } from '../../kernel/config';
import { logger } from '../../kernel/logger';

type Format = 'jsonl' | 'csv' | 'xlsx';

interface Progress {
  phase: 'receiving' | ReportPhase;
  bytes: number;
  rows: number;
  total: number;
  startedAt: string;
}

/** Reports being received now, by platform and report id (one process; a second upload of the same id waits its turn: 409). */
const inProgress = new Map<string, Progress>();

const fail = (res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });

function formatOf(contentType: string | undefined, head: Buffer): Format {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (/ndjson|jsonl|json-lines|x-json-stream/.test(type)) return 'jsonl';
  if (type === 'text/csv') return 'csv';
  if (type.includes('spreadsheetml')) return 'xlsx';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'xlsx';
  const first = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  return first === '{' ? 'jsonl' : 'csv';
}

/** Streams the request body to a temporary file, hashing and counting it; refuses more than `max` bytes. */
async function spool(req: Request, file: string, max: number, progress: Progress): Promise<{ sha256: string; bytes: number; head: Buffer }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new PayloadTooLarge(max);
  const hash = createHash('sha256');
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      progress.bytes += chunk.length;
      if (progress.bytes > max) throw new PayloadTooLarge(max);
      if (head.length < 512) head = Buffer.concat([head, chunk.subarray(0, 512 - head.length)]);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    await new Promise((resolve) => out.end(resolve));
  }
  return { sha256: hash.digest('hex'), bytes: progress.bytes, head };
}

class PayloadTooLarge extends Error {
  constructor(readonly max: number) {
    super(`the report is larger than ${max.toLocaleString('en-US')} bytes (PLATFORM_REPORT_MAX_BYTES): split it into several delta reports`);
  }
}

async function* textChunks(file: string): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let text = decoder.write(chunk);
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text.includes('\uFFFD')) throw new ImportFileError('the report is not UTF-8 text (JSON Lines must be UTF-8)');
    yield text;
  }
  yield decoder.end();
}

const csvCell = (v: string | number | null) => {
  const s = v == null ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s; // no formulas in the spreadsheet that opens it
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The router; `authenticate` sets `res.locals.actor` and runs the rest as that actor (platform.ts). */
export function platformReportsRouter(orm: MikroORM, config: Config, authenticate: (req: Request, res: Response, next: NextFunction) => unknown): Router {
  const router = Router();
  const reporter = (res: Response): boolean => {
    res.set('Cache-Control', 'private, no-store');
    if (!res.locals.actor) {
      res.set('WWW-Authenticate', 'Bearer');
      fail(res, 401, 'UNAUTHENTICATED', 'authentication required: send "Authorization: Bearer <your platform reporting key>"');
      return false;
    }
    const actor = currentActor();
    if (!holds(actor, Permission.PLATFORM_REPORT) || actor.platformId == null) {
      fail(res, 403, 'FORBIDDEN', "only a platform's reporting key may report (ask the province bureau for one)");
      return false;
    }
    return true;
  };

  router.post('/platform/reports/:reportId', authenticate, async (req: Request, res: Response) => {
    if (!reporter(res)) return void req.resume();
    const actor = currentActor();
    const reportId = String(req.params.reportId);
    const key = `${actor.platformId}/${reportId}`;
    let file: string | null = null;
    let mine = false;
    try {
      checkReportId(reportId);
      const mode = checkMode(String(req.query.mode ?? ''));
      const asOf = req.query.asOf != null ? new Date(String(req.query.asOf)) : null;
      if (asOf && Number.isNaN(asOf.getTime())) throw new UserInputError('asOf: an ISO 8601 time, e.g. 2026-11-30T24:00:00+08:00', 'asOf');
      if (inProgress.has(key)) throw new ConflictError(`report ${reportId} is being received: wait for its outcome (GET /platform/reports/${reportId})`, 'reportId');
      const progress: Progress = { phase: 'receiving', bytes: 0, rows: 0, total: 0, startedAt: new Date().toISOString() };
      inProgress.set(key, progress);
      mine = true;
      file = path.join(os.tmpdir(), `hongdun-report-${randomUUID()}`);
      const body = await spool(req, file, config.platformReportMaxBytes, progress);
      if (body.bytes === 0) throw new ImportFileError('the request has no body: send the report file as the body');
      const format = formatOf(req.headers['content-type'], body.head);
      const spooled = file;
      const outcome = await submitPlatformReport(orm.em.fork(), {
        reportId,
        mode,
        format,
        sha256: body.sha256,
        asOf,
        maxRows: config.platformReportMaxRows,
        onProgress: (phase, done, total) => Object.assign(progress, { phase, rows: done, total }),
        load: async (validator) => {
          if (format === 'jsonl') return void (await readJsonLines(textChunks(spooled), validator));
          return readReportSheet(await fs.readFile(spooled), { maxRows: config.platformReportMaxRows, maxBytes: config.platformReportMaxBytes }, validator);
        },
      });
      const report = presentReport(outcome.report, outcome.replayed);
      const status = outcome.replayed ? 200 : report.status === 'committed' ? 201 : 422;
      res.status(status).json({ ...report, errors: report.errors.slice(0, 1000), errorsUrl: report.errorCount > 0 ? `/platform/reports/${encodeURIComponent(reportId)}/errors.csv` : null });
    } catch (error) {
      req.resume();
      if (error instanceof PayloadTooLarge) fail(res.set('Connection', 'close'), 413, 'PAYLOAD_TOO_LARGE', error.message);
      else if (error instanceof ImportFileError) fail(res, 400, 'IMPORT_FILE_INVALID', error.message);
      else if (error instanceof UserInputError) fail(res, 400, 'BAD_USER_INPUT', error.message, error.field ? { field: error.field } : {});
      else if (error instanceof ConflictError) fail(res, 409, 'CONFLICT', error.message);
      else if (error instanceof AccessDeniedError) fail(res, 403, 'FORBIDDEN', error.message);
      else {
        logger.error({ err: error, reportId }, 'a platform report failed');
        fail(res, 500, 'INTERNAL_SERVER_ERROR', 'internal error; it has been logged');
      }
    } finally {
      if (mine) inProgress.delete(key);
      if (file) await fs.rm(file, { force: true });
    }
  });

  router.get('/platform/reports/:reportId', authenticate, async (req: Request, res: Response) => {
    if (!reporter(res)) return;
    const reportId = String(req.params.reportId);
    const progress = inProgress.get(`${currentActor().platformId}/${reportId}`);
    if (progress) return void res.status(202).json({ reportId, status: 'in_progress', ...progress });
    try {
      res.json(presentReport(await getPlatformReport(orm.em.fork(), reportId)));
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof UserInputError) fail(res, 404, 'NOT_FOUND', `report ${reportId.slice(0, 100)} not found`);
      else throw error;
    }
  });

  router.get('/platform/reports/:reportId/errors.csv', authenticate, async (req: Request, res: Response) => {
    if (!reporter(res)) return;
    const reportId = String(req.params.reportId);
    try {
      const report = await getPlatformReport(orm.em.fork(), reportId);
      const lines = [['row', 'field', 'reason'].join(','), ...report.errors.map((e) => [e.row, e.field, e.reason].map(csvCell).join(','))];
      if (report.errorCount > report.errors.length) lines.push(['', '', `… and ${report.errorCount - report.errors.length} more errors`].map(csvCell).join(','));
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${reportId}-errors.csv"`)
        .send(`\uFEFF${lines.join('\r\n')}\r\n`);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof UserInputError) fail(res, 404, 'NOT_FOUND', `report ${reportId.slice(0, 100)} not found`);
      else throw error;
    }
  });
  return router;
}
