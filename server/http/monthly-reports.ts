/**
 * `GET /reports/<id>.<format>`: the download of a stored monthly report file (xlsx, html, pdf, json), for
 * callers holding reports:read who may see the report's row under the access rule (its unit and the units
 * above it). Anything else — another county's report, a wrong extension, an unknown id — is 404, as if
 * absent; no token is 401. Served as `/files/<sha256>` is: bytes verified against their SHA-256, no-store.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { currentActor } from '../../entities';
import { MEDIA_TYPES, reportFileById } from '../../analytics/report/report-store';
import { BlobMissingError, BlobStore } from '../../kernel/blob-store';
import { holds, Permission } from '../../services/access/permissions';
import type { Config } from '../../kernel/config';
import { logger } from '../../kernel/logger';

const PATH = /^(\d{1,10})\.(xlsx|html|pdf|json)$/;

const notFound = (res: Response) => res.status(404).json({ errors: [{ message: 'report not found', extensions: { code: 'NOT_FOUND' } }] });

/** The router; `authenticate` sets `res.locals.actor` and runs the rest as that actor (platform.ts). */
export function monthlyReportsRouter(orm: MikroORM, config: Config, authenticate: (req: Request, res: Response, next: NextFunction) => unknown): Router {
  const router = Router();
  router.get('/reports/:file', authenticate, async (req: Request, res: Response) => {
    res.set('Cache-Control', 'private, no-store');
    if (!res.locals.actor) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ errors: [{ message: 'authentication required: send "Authorization: Bearer <token>"', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    try {
      const m = PATH.exec(String(req.params.file));
      if (!m || !holds(currentActor(), Permission.REPORTS_READ)) return void notFound(res);
      const row = await reportFileById(orm.em.fork(), Number(m[1]));
      if (!row || row.format !== m[2]) return void notFound(res);
      const bytes = await new BlobStore(config.evidenceDir).read(row.sha256, { verify: true });
      const name = `月度统计报表-${row.unitCode}-${row.month}.${row.format}`;
      res
        .status(200)
        .type(MEDIA_TYPES[row.format])
        .set('X-Content-Type-Options', 'nosniff')
        // the HTML is self-contained: no script, no external resource may load from it
        .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        .set('ETag', `"${row.sha256}"`)
        .set('Content-Disposition', `${row.format === 'html' ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(bytes);
    } catch (error) {
      if (error instanceof BlobMissingError) return void notFound(res);
      logger.error({ err: error }, 'reading a monthly report failed');
      res.status(500).json({ errors: [{ message: 'internal error' }] });
    }
  });
  return router;
}
