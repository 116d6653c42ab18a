/**
 * The leadership dashboard (领导驾驶舱, issue 8): a static browser app in `dashboard/` that talks only to
 * POST /graphql with the user's bearer token. This router serves its files and nothing else — no data:
 * `GET /dashboard/` (index.html), `GET /dashboard/screen.html` (the wall screen, 大屏), `GET /dashboard/<name>.js|.css|.svg` (an allow-list: the files of the
 * dashboard folder and of its views/ sub-folder), `GET /dashboard/vendor/echarts.min.js` (the installed `echarts`
 * package) and `GET /dashboard/geo/<adcode>.json` (the vendored GeoJSON of data/geo-shandong/: the
 * province's 16 cities, or one city's counties); `GET /favicon.ico` answers the dashboard's favicon.svg. Boundaries are public reference data, so no login.
 */
import { type Request, type Response, Router } from 'express';
import fs from 'node:fs';
import path from 'node:path';

/** The project root, from the sources (server/http) or from the build (dist/server/http). */
const ROOT = path.resolve(__dirname, '../../', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');
export const DASHBOARD_DIR = path.join(ROOT, 'dashboard');
const GEO_DIR = path.join(ROOT, 'data/geo-shandong');
const ECHARTS = path.join(path.dirname(require.resolve('echarts/package.json')), 'dist/echarts.min.js');

/** Scripts and data from this origin only; ECharts sets element styles from script (allowed by CSSOM). */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const FILE_RE = /^[a-z0-9][a-z0-9-]*\.(js|css|svg)$/;
const GEO_RE = /^37[0-9]{2}00$/;

function send(res: Response, file: string, maxAge: string) {
  res.set('Content-Security-Policy', CSP).set('X-Content-Type-Options', 'nosniff').sendFile(file, { maxAge, dotfiles: 'deny' });
}

/** The dashboard's routes (no authentication: the app itself holds no data). */
export function dashboardRouter(): Router {
  const router = Router({ strict: true });
  router.get('/dashboard', (_req, res) => res.redirect(301, '/dashboard/'));
  router.get('/dashboard/', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    send(res, path.join(DASHBOARD_DIR, 'index.html'), '0');
  });
  // the wall screen (大屏, issue 18): its own page beside the dashboard, same scripts and session
  router.get('/dashboard/screen.html', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    send(res, path.join(DASHBOARD_DIR, 'screen.html'), '0');
  });
  // the favicon (a red shield, issue 18) also where a browser asks for it by itself: the site root
  router.get('/favicon.ico', (_req, res) => send(res.type('image/svg+xml'), path.join(DASHBOARD_DIR, 'favicon.svg'), '1d'));
  router.get('/dashboard/vendor/echarts.min.js', (_req, res) => send(res, ECHARTS, '1d'));
  router.get('/dashboard/geo/:file', (req: Request, res: Response) => {
    const code = String(req.params.file).replace(/\.json$/, '');
    const file = path.join(GEO_DIR, `${code}.json`);
    if (!String(req.params.file).endsWith('.json') || !GEO_RE.test(code) || !fs.existsSync(file)) {
      res.status(404).json({ errors: [{ message: 'no map of this region (GET /dashboard/geo/<6-digit adcode of Shandong or a city>.json)' }] });
      return;
    }
    send(res.type('json'), file, '1d');
  });
  // the app's modules: the folder's own files and those of its one sub-folder views/ (one module per view)
  for (const sub of ['', 'views/']) {
    router.get(`/dashboard/${sub}:file`, (req: Request, res: Response) => {
      const name = String(req.params.file);
      const file = path.join(DASHBOARD_DIR, sub, name);
      if (!FILE_RE.test(name) || !fs.existsSync(file)) {
        res.status(404).type('text').send('not found');
        return;
      }
      res.set('Cache-Control', 'no-cache');
      send(res, file, '0');
    });
  }
  return router;
}
