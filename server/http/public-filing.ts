/**
 * Self-filing (主体备案) and the electronic badge (电子标识), public side (no login):
 *
 * - `GET /filing`: the filing page (zh-CN, English beside); `POST /public/filings` files (201 with the
 *   number, the filing key — shown once — and each shop's verification token; the same submission again:
 *   200 with the same filing); `GET /public/filings/<number>` and `POST /public/filings/<number>/verify`
 *   (header `X-Filing-Key`) read the filing's state and start the verification fetch of its shops.
 * - `GET /badge/<id>.<sig>`: the verification page; `.svg`: the badge image; `/qr.png`, `/qr.svg`: the QR
 *   code of the verification link.
 *
 * Bad input → 400 `{ errors: [{ message, field }] }`; too many → 429 with Retry-After; closed → 503; an
 * unknown number or a wrong key → 404. Bodies are JSON of at most 32 KiB.
 */
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { SelfFiling, SelfFilingShop } from '../../entities';
import { badgeKey, filingKey, filingKeyMatches, parseBadgeToken } from '../../services/filing/badge-token';
import { badgeLink, badgeSvg, qrPng, qrSvg, verificationPage } from '../../services/filing/badge-render';
import { FilingClosedError, FilingInputError, FilingNotFoundError, FilingRateLimitedError } from '../../services/filing/filing-errors';
import { MAX_FILING_SHOPS } from '../../services/filing/filing-input';
import { verifyBadge } from '../../services/filing/filing.queries';
import { publicFilingView } from '../../services/filing/public-view';
import { RateWindow } from '../../services/filing/rate-window';
import { submitSelfFiling } from '../../services/filing/submit-filing.command';
import { verifyFilingShops } from '../../services/filing/verify-filing-shops.command';
import { fetchForTokens, type TokenCheck } from '../../crawlers/spider/token-check';
import { CrawlQueueClient } from '../jobs/crawl-queue';
import { runAsSystem } from '../../services/system-actor';
import type { Config } from '../../kernel/config';
import { logger } from '../../kernel/logger';

/** Largest request body of the filing endpoints. */
export const FILING_BODY_LIMIT = 32 * 1024;

const FORM_CSP = (nonce: string) =>
  `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
const PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function formPage(nonce: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>网络经营主体自主备案 · Self-filing of an online business</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.4rem}fieldset{border:1px solid #ccc;margin:1rem 0;padding:.5rem 1rem}label{display:block;margin:.5rem 0 .2rem}
.en{color:#666;font-size:.85em;margin-left:.4em}input{width:100%;box-sizing:border-box;padding:.35rem;font:inherit}
button{margin-top:1rem;padding:.5rem 1.5rem;font:inherit}#result{margin-top:1rem;padding:.75rem;display:none;word-break:break-all}
#result.ok{background:#e8f5e9;display:block}#result.error{background:#fdecea;display:block}.req{color:#c00}.shop{display:grid;grid-template-columns:3fr 1fr;gap:.5rem}
code{background:#f4f4f4;padding:0 .2rem}
</style>
</head>
<body>
<h1>网络经营主体自主备案<span class="en">Self-filing of an online business (主体备案)</span></h1>
<p>填写营业执照上的信息。提交后，请把每个网店的验证码放在该网店首页或店铺简介中，再点击“验证网店”。全部验证通过后，由所在地市场监管所审核；审核通过后可下载电子标识。<span class="en">Enter the data of your business licence. Then place each shop's verification code on its home page or profile and press “verify shops”. The station of your region reviews the filing; once accepted you get an electronic badge for each shop.</span></p>
<form id="filing-form" novalidate>
<fieldset><legend>主体<span class="en">Business</span></legend>
<label for="uscc">统一社会信用代码 <span class="req">*</span><span class="en">USCC</span></label><input id="uscc" name="uscc" maxlength="18" required autocomplete="off">
<label for="entityName">名称 <span class="req">*</span><span class="en">Name as registered</span></label><input id="entityName" name="entityName" maxlength="200" required>
<label for="legalRepresentative">法定代表人（负责人、经营者） <span class="req">*</span><span class="en">Legal representative</span></label><input id="legalRepresentative" name="legalRepresentative" maxlength="100" required>
</fieldset>
<fieldset id="shops"><legend>网店（最多${MAX_FILING_SHOPS}个）<span class="en">Shops (at most ${MAX_FILING_SHOPS})</span></legend>
<div class="shop"><div><label>网店网址 <span class="req">*</span><span class="en">Shop address</span></label><input name="shopUrl" maxlength="1000" placeholder="https://"></div><div><label>平台<span class="en">Platform</span></label><input name="platform" maxlength="100" placeholder="自建网站"></div></div>
</fieldset>
<button type="button" id="add-shop">增加网店 · Add a shop</button>
<fieldset><legend>联系人（不公开）<span class="en">Contact (not public)</span></legend>
<label for="contactName">姓名 <span class="req">*</span><span class="en">Name</span></label><input id="contactName" name="contactName" maxlength="100" required autocomplete="name">
<label for="contactPhone">电话 <span class="req">*</span><span class="en">Phone</span></label><input id="contactPhone" name="contactPhone" maxlength="32" required autocomplete="tel" inputmode="tel">
<label for="contactEmail">电子邮箱<span class="en">E-mail</span></label><input id="contactEmail" name="contactEmail" type="email" maxlength="200" autocomplete="email">
</fieldset>
<button type="submit">提交备案 · File</button>
</form>
<fieldset><legend>已提交？<span class="en">Filed already?</span></legend>
<label for="number">备案编号<span class="en">Filing number</span></label><input id="number" maxlength="32">
<label for="key">查询码<span class="en">Filing key</span></label><input id="key" maxlength="64" autocomplete="off">
<button type="button" id="status">查询 · Status</button> <button type="button" id="verify">验证网店 · Verify shops</button>
</fieldset>
<div id="result" role="status" aria-live="polite"></div>
<script nonce="${nonce}">
(function () {
  var form = document.getElementById('filing-form');
  var out = document.getElementById('result');
  function esc(s) { var d = document.createElement('div'); d.textContent = String(s == null ? '' : s); return d.innerHTML; }
  function show(cls, html) { out.className = cls; out.innerHTML = html; }
  document.getElementById('add-shop').addEventListener('click', function () {
    var box = document.getElementById('shops');
    if (box.querySelectorAll('.shop').length >= ${MAX_FILING_SHOPS}) return;
    box.appendChild(box.querySelector('.shop').cloneNode(true)).querySelectorAll('input').forEach(function (i) { i.value = ''; });
  });
  function render(d) {
    var s = '<p>备案编号 Filing number: <strong>' + esc(d.number) + '</strong>' + (d.filingKey ? '　查询码 Filing key: <strong>' + esc(d.filingKey) + '</strong>（请妥善保存 · keep it）' : '') + '</p>';
    s += '<p>状态 Status: <strong>' + esc(d.status) + '</strong>' + (d.reviewDueOn ? '　审核期限 review due: ' + esc(d.reviewDueOn) : '') + (d.returnReason ? '<br>退回原因 Returned: ' + esc(d.returnReason) : '') + '</p><ul>';
    d.shops.forEach(function (x) {
      s += '<li>' + esc(x.url) + ' — ' + (x.verified ? '已验证 verified' : '请在页面放置验证码 place this code: <code>' + esc(x.verificationToken) + '</code>' + (x.lastCheckResult ? ' (' + esc(x.lastCheckResult) + ')' : ''));
      if (x.badge) s += '<br><img src="' + esc(x.badge.imageUrl) + '" alt="badge"> <a href="' + esc(x.badge.verifyUrl) + '">验证页 verification page</a> · <a href="' + esc(x.badge.qrPngUrl) + '">二维码 QR</a><br>嵌入代码 embed: <code>' + esc(x.badge.embedHtml) + '</code>';
      s += '</li>';
    });
    show('ok', s + '</ul>');
    document.getElementById('number').value = d.number;
    if (d.filingKey) document.getElementById('key').value = d.filingKey;
  }
  function handle(p) {
    return p.then(function (res) { return res.json().then(function (data) { return { status: res.status, data: data }; }); }).then(function (r) {
      if (r.status === 200 || r.status === 201) render(r.data);
      else show('error', (r.data.errors || [{ message: '失败 · failed' }]).map(function (e) { return esc(e.message); }).join('<br>'));
    }).catch(function () { show('error', '提交失败，请稍后再试。Sending failed; please try again.'); });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var f = form.elements;
    var shops = Array.prototype.map.call(document.querySelectorAll('#shops .shop'), function (el) {
      return { url: el.querySelector('[name=shopUrl]').value, platform: el.querySelector('[name=platform]').value || '自建网站' };
    }).filter(function (x) { return x.url; });
    var body = { uscc: f.uscc.value, entityName: f.entityName.value, legalRepresentative: f.legalRepresentative.value, shops: shops,
      contact: { name: f.contactName.value, phone: f.contactPhone.value, email: f.contactEmail.value || null } };
    handle(fetch('/public/filings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  });
  function withKey(path, method) {
    var n = document.getElementById('number').value.trim();
    handle(fetch('/public/filings/' + encodeURIComponent(n) + path, { method: method, headers: { 'x-filing-key': document.getElementById('key').value.trim() } }));
  }
  document.getElementById('status').addEventListener('click', function () { withKey('', 'GET'); });
  document.getElementById('verify').addEventListener('click', function () { withKey('/verify', 'POST'); });
})();
</script>
</body>
</html>`;
}

const problem = (res: Response, status: number, message: string, headers: Record<string, string> = {}) => res.status(status).set(headers).json({ errors: [{ message, field: null }] });

/** The self-filing page, its endpoints and the badge's public pages; mount before the authenticated API. */
export function publicFilingRouter(orm: MikroORM, config: Config, queuePrefix = 'hongdun'): Router {
  const router = Router();
  const baseUrl = () => config.publicBaseUrl ?? `http://${config.host}:${config.port}`;
  const reads = new RateWindow(120);
  const status = new RateWindow(30);
  const addressOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

  const fail = (res: Response, error: unknown, what: string) => {
    if (error instanceof FilingInputError) res.status(400).json({ errors: error.problems.map((p) => ({ message: p.message, field: p.field || null })) });
    else if (error instanceof FilingRateLimitedError) problem(res, 429, error.message, { 'Retry-After': String(error.retryAfterSeconds) });
    else if (error instanceof FilingClosedError) problem(res, 503, error.message);
    else if (error instanceof FilingNotFoundError) problem(res, 404, error.message);
    else {
      logger.error({ err: error }, `${what} failed`);
      problem(res, 500, '处理失败，请稍后再试。Internal error; please try again later.');
    }
  };

  router.get('/filing', (_req: Request, res: Response) => {
    if (config.publicFilingsPerHour <= 0) {
      res.status(503).type('text/plain; charset=utf-8').send(new FilingClosedError().message);
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.set('Content-Security-Policy', FORM_CSP(nonce)).set('Cache-Control', 'no-store').type('html').send(formPage(nonce));
  });

  const json = express.json({ limit: FILING_BODY_LIMIT });
  router.post('/public/filings', json, async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    if (!req.is('application/json')) {
      problem(res, 415, 'send the filing as JSON (content-type: application/json)');
      return;
    }
    try {
      const em = orm.em.fork();
      const submitted = await submitSelfFiling(em, req.body, addressOf(req), config);
      const key = await badgeKey(em, config);
      res.status(submitted.replayed ? 200 : 201).json({ ...publicFilingView(submitted.filing, submitted.shops, key, baseUrl()), filingKey: filingKey(key, submitted.filing.number) });
    } catch (error) {
      fail(res, error, 'self-filing');
    }
  });

  /** The filing of `number` when the request carries its key, else FilingNotFoundError. */
  const keyed = async (req: Request): Promise<{ key: Buffer; number: string }> => {
    const number = String(req.params.number ?? '');
    const em = orm.em.fork();
    const key = await badgeKey(em, config);
    if (!/^BA\d{16}$/.test(number) || !filingKeyMatches(key, number, req.get('x-filing-key'))) throw new FilingNotFoundError();
    return { key, number };
  };

  router.get('/public/filings/:number', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    try {
      const wait = status.take(addressOf(req));
      if (wait > 0) throw new FilingRateLimitedError(wait, '查询');
      const { key, number } = await keyed(req);
      const view = await runAsSystem('public self-filing page: status', async () => {
        const em = orm.em.fork();
        const filing = await em.findOne(SelfFiling, { number });
        if (!filing) throw new FilingNotFoundError();
        return publicFilingView(filing, await em.find(SelfFilingShop, { filing }, { orderBy: { id: 'asc' } }), key, baseUrl());
      });
      res.json(view);
    } catch (error) {
      fail(res, error, 'self-filing status');
    }
  });

  router.post('/public/filings/:number/verify', json, async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    try {
      const wait = status.take(addressOf(req));
      if (wait > 0) throw new FilingRateLimitedError(wait, '验证');
      const { key, number } = await keyed(req);
      const { filing, shops } = await verifyFilingShops(orm.em.fork(), number, config, tokenFetcher(config, queuePrefix));
      res.json(publicFilingView(filing, shops, key, baseUrl()));
    } catch (error) {
      fail(res, error, 'self-filing verification');
    }
  });

  // the badge: /badge/<token>, /badge/<token>.svg, /badge/<token>/qr.png, /badge/<token>/qr.svg
  const badge = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const wait = reads.take(addressOf(req));
      if (wait > 0) {
        res.status(429).set('Retry-After', String(wait)).type('text/plain; charset=utf-8').send('请求过于频繁，请稍后再试。Too many requests.');
        return;
      }
      const raw = String(req.params.token ?? '');
      const file = req.params.file ? String(req.params.file) : null;
      const svg = !file && raw.endsWith('.svg');
      const token = svg ? raw.slice(0, -4) : raw;
      if (file && file !== 'qr.png' && file !== 'qr.svg') return next();
      const known = parseBadgeToken(token) !== null;
      const verification = await verifyBadge(orm.em.fork(), token, config);
      const link = known ? badgeLink(baseUrl(), token) : null;
      res.set('Cache-Control', 'no-cache').set('X-Content-Type-Options', 'nosniff');
      const code = verification.facts ? 200 : 404;
      if (svg) {
        res.status(code).set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").type('image/svg+xml').send(badgeSvg(verification));
      } else if (file === 'qr.png') {
        if (!verification.facts || !link) return void res.status(404).type('text/plain; charset=utf-8').send('无此标识 · no such badge');
        res.type('image/png').send(await qrPng(link));
      } else if (file === 'qr.svg') {
        if (!verification.facts || !link) return void res.status(404).type('text/plain; charset=utf-8').send('无此标识 · no such badge');
        res.set('Content-Security-Policy', "default-src 'none'").type('image/svg+xml').send(await qrSvg(link));
      } else {
        res.status(code).set('Content-Security-Policy', PAGE_CSP).type('html').send(verificationPage(verification, verification.facts ? link : null));
      }
    } catch (error) {
      next(error);
    }
  };
  router.get('/badge/:token', badge);
  router.get('/badge/:token/:file', badge);

  // malformed JSON, a body too large: the same error shape as bad input
  router.use('/public/filings', (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const code = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : err.type === 'entity.too.large' ? `the request is too large: at most ${FILING_BODY_LIMIT} bytes` : code === 500 ? 'internal error' : err.message;
    if (code === 500) logger.error({ err }, 'self-filing failed');
    problem(res, code, message);
  });
  return router;
}

/**
 * Who reads a filing's pages: this process (CRAWL_MODE=inprocess), or a crawler worker of the external
 * segment through the queue (CRAWL_MODE=queue: the core never fetches a business's page itself).
 */
function tokenFetcher(config: Config, queuePrefix: string): (targets: Array<{ url: string; token: string }>) => Promise<Map<string, TokenCheck>> {
  if (config.crawlMode !== 'queue' || !config.redisUrl) return (targets) => fetchForTokens(targets, config);
  const redisUrl = config.redisUrl;
  return async (targets) => {
    const client = new CrawlQueueClient(redisUrl, queuePrefix);
    try {
      return await client.checkTokens(targets, { crawlTimeoutSecs: config.crawlTimeoutSecs, crawlMaxBodyBytes: config.crawlMaxBodyBytes });
    } finally {
      await client.close();
    }
  };
}
