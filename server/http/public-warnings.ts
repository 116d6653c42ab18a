/**
 * The public consumer-warning feed (消费警示, no login): `GET /public/warnings` (JSON array of the published
 * warnings, newest first; `?category=` narrows it), `GET /public/warnings/:id` (one published warning, else
 * 404) and `GET /public/warnings.html` (a plain zh-CN page of the same). Each warning leaves as the
 * allow-list `{ id, title, text, category, publishedOn, issuer }` (issuer: the unit's name) — no drafts,
 * no withdrawn warnings, no author, unit id or region. Cacheable for five minutes.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { publishedWarnings } from '../../services/office/education';
import { runAsSystem } from '../../services/system-actor';

const CACHE = 'public, max-age=300';
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function categoryOf(req: Request): string | null {
  const c = req.query.category;
  return typeof c === 'string' && c.trim() ? c.trim() : null;
}

/** The published warnings, read as a named system actor (the public reads published rows only). */
function feed(orm: MikroORM, options: { category?: string | null; id?: number | null }) {
  return runAsSystem('public consumer-warning feed: published warnings only', () => publishedWarnings(orm.em.fork(), options));
}

function page(warnings: Awaited<ReturnType<typeof publishedWarnings>>, category: string | null): string {
  const items = warnings
    .map(
      (w) => `<article>
<h2>${escapeHtml(w.title)}</h2>
<p class="meta">${escapeHtml(w.issuer)} · ${escapeHtml(w.publishedOn)} · ${escapeHtml(w.category)}</p>
<div class="text">${escapeHtml(w.text).replace(/\n/g, '<br>')}</div>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>消费警示${category ? ` · ${escapeHtml(category)}` : ''}</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.6;color:#222}
h1{font-size:1.4rem}article{border-top:1px solid #ddd;padding:.5rem 0}h2{font-size:1.1rem;margin:.5rem 0}.meta{color:#666;font-size:.9em;margin:0}
</style>
</head>
<body>
<h1>消费警示${category ? ` · ${escapeHtml(category)}` : ''}</h1>
${items || '<p>暂无消费警示。</p>'}
</body>
</html>`;
}

/** The public feed's routes; mount before the authenticated API. */
export function publicWarningsRouter(orm: MikroORM): Router {
  const router = Router();

  router.get('/public/warnings', async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.set('Cache-Control', CACHE).json(await feed(orm, { category: categoryOf(req) }));
    } catch (error) {
      next(error);
    }
  });

  router.get('/public/warnings.html', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const category = categoryOf(req);
      res
        .set('Cache-Control', CACHE)
        .set('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'`)
        .type('html')
        .send(page(await feed(orm, { category }), category));
    } catch (error) {
      next(error);
    }
  });

  router.get('/public/warnings/:id', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const id = /^[1-9][0-9]{0,9}$/.test(String(req.params.id)) ? Number(req.params.id) : null;
      const [warning] = id != null && id <= 2_147_483_647 ? await feed(orm, { id }) : [];
      if (!warning) {
        res.status(404).set('Cache-Control', 'no-store').json({ errors: [{ message: 'no published consumer warning with this id' }] });
        return;
      }
      res.set('Cache-Control', CACHE).json(warning);
    } catch (error) {
      next(error);
    }
  });

  return router;
}
