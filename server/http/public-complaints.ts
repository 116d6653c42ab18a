/**
 * The public complaint form (no login): `GET /complaint` serves the form (zh-CN, English beside), `POST
 * /public/complaints` takes a complaint in and answers 201 with the receipt only
 * `{ number, receivedAt, acceptanceDueOn }`. Nothing here reads a complaint back. Bad input → 400
 * `{ errors: [{ message, field }] }`; too many from one address → 429 with Retry-After; the form closed
 * (PUBLIC_COMPLAINTS_PER_HOUR = 0) → 503.
 */
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { Region, RegionLevel } from '../../entities';
import { UserInputError } from '../../services/errors';
import { FormClosedError, PUBLIC_MAX_ATTACHMENTS, PublicInputError, RateLimitedError, submitPublicComplaint } from '../../services/complaints/public-intake';
import { runAsSystem } from '../../services/system-actor';
import type { Config } from '../../kernel/config';
import { logger } from '../../kernel/logger';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Shandong's cities with their counties, as <optgroup>s of <option value="county code">. */
async function countyOptions(orm: MikroORM): Promise<string> {
  const regions = await runAsSystem('public complaint form: region list', () =>
    orm.em.fork().find(Region, { level: { $in: [RegionLevel.CITY, RegionLevel.COUNTY] } }, { orderBy: { code: 'asc' } }),
  );
  const cities = regions.filter((r) => r.level === RegionLevel.CITY);
  return cities
    .map((city) => {
      const counties = regions.filter((r) => r.level === RegionLevel.COUNTY && r.parentCode === city.code);
      return `<optgroup label="${escapeHtml(city.name)}">${counties.map((c) => `<option value="${escapeHtml(c.code)}">${escapeHtml(c.name)}</option>`).join('')}</optgroup>`;
    })
    .join('\n');
}

function formPage(options: string, nonce: string, maxFileBytes: number): string {
  const mb = (maxFileBytes / 1024 / 1024).toFixed(maxFileBytes % (1024 * 1024) === 0 ? 0 : 1);
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>网络交易投诉举报 · Online shopping complaint</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.4rem}fieldset{border:1px solid #ccc;margin:1rem 0;padding:.5rem 1rem}label{display:block;margin:.5rem 0 .2rem}
.en{color:#666;font-size:.85em;margin-left:.4em}input,select,textarea{width:100%;box-sizing:border-box;padding:.35rem;font:inherit}
textarea{min-height:8rem}button{margin-top:1rem;padding:.5rem 1.5rem;font:inherit}#result{margin-top:1rem;padding:.75rem;display:none}
#result.ok{background:#e8f5e9;display:block}#result.error{background:#fdecea;display:block}.req{color:#c00}
</style>
</head>
<body>
<h1>网络交易投诉举报<span class="en">Complaint or report about an online shop</span></h1>
<p>请如实填写。我们将在7个工作日内决定是否受理。<span class="en">Fields marked <span class="req">*</span> are required. We decide on acceptance within 7 working days.</span></p>
<form id="complaint-form" novalidate>
<fieldset><legend>类型<span class="en">Kind</span></legend>
<label><input type="radio" name="kind" value="complaint" checked style="width:auto"> 投诉（消费纠纷，请求调解）<span class="en">complaint: a dispute, mediated</span></label>
<label><input type="radio" name="kind" value="report" style="width:auto"> 举报（违法行为线索）<span class="en">report: a violation</span></label>
</fieldset>
<fieldset><legend>投诉人<span class="en">You</span></legend>
<label for="name">姓名 <span class="req">*</span><span class="en">Name</span></label><input id="name" name="name" maxlength="100" required autocomplete="name">
<label for="phone">手机或固定电话<span class="en">Mobile or landline phone</span></label><input id="phone" name="phone" maxlength="32" autocomplete="tel" inputmode="tel">
<label for="email">电子邮箱<span class="en">E-mail</span></label><input id="email" name="email" type="email" maxlength="200" autocomplete="email">
</fieldset>
<fieldset><legend>被投诉网店<span class="en">The shop</span></legend>
<label for="shopUrl">网店网址 <span class="req">*</span><span class="en">Shop address (URL)</span></label><input id="shopUrl" name="shopUrl" maxlength="1000" required placeholder="https://">
<label for="shopName">网店名称<span class="en">Shop name</span></label><input id="shopName" name="shopName" maxlength="200">
<label for="regionCode">经营者所在区县 <span class="req">*</span><span class="en">County (区/县) of the business, as far as you know</span></label>
<select id="regionCode" name="regionCode" required><option value="">请选择 · choose</option>
${options}
</select>
</fieldset>
<fieldset><legend>订单<span class="en">Order</span></legend>
<label for="orderNumber">订单号<span class="en">Order number</span></label><input id="orderNumber" name="orderNumber" maxlength="100">
<label for="orderDate">下单日期<span class="en">Order date</span></label><input id="orderDate" name="orderDate" type="date">
<label for="productName">商品名称<span class="en">Product</span></label><input id="productName" name="productName" maxlength="200">
<label for="amountPaid">实付金额（元）<span class="en">Amount paid (yuan)</span></label><input id="amountPaid" name="amountPaid" inputmode="decimal" maxlength="16">
</fieldset>
<fieldset><legend>情况<span class="en">What happened</span></legend>
<label for="title">标题 <span class="req">*</span><span class="en">Title</span></label><input id="title" name="title" maxlength="200" required>
<label for="description">具体情况与诉求 <span class="req">*</span><span class="en">What happened and what you ask for</span></label><textarea id="description" name="description" maxlength="10000" required></textarea>
<label for="files">附件（图片或PDF，最多${PUBLIC_MAX_ATTACHMENTS}个，每个不超过${mb}MB）<span class="en">Attachments: images or PDF, at most ${PUBLIC_MAX_ATTACHMENTS}, ${mb} MB each</span></label>
<input id="files" name="files" type="file" multiple accept="image/png,image/jpeg,image/gif,image/webp,application/pdf">
</fieldset>
<button type="submit">提交 · Submit</button>
</form>
<div id="result" role="status" aria-live="polite"></div>
<script nonce="${nonce}">
(function () {
  var form = document.getElementById('complaint-form');
  var out = document.getElementById('result');
  function show(cls, html) { out.className = cls; out.innerHTML = html; }
  function esc(s) { var d = document.createElement('div'); d.textContent = String(s); return d.innerHTML; }
  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { var s = String(reader.result); resolve({ fileName: file.name, contentBase64: s.slice(s.indexOf(',') + 1) }); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var f = form.elements;
    var files = Array.prototype.slice.call(f.files.files);
    if (files.length > ${PUBLIC_MAX_ATTACHMENTS}) { show('error', '附件最多${PUBLIC_MAX_ATTACHMENTS}个。At most ${PUBLIC_MAX_ATTACHMENTS} attachments.'); return; }
    Promise.all(files.map(readFile)).then(function (attachments) {
      var body = {
        kind: form.querySelector('input[name=kind]:checked').value,
        complainant: { name: f.name.value, phone: f.phone.value || null, email: f.email.value || null },
        shopUrl: f.shopUrl.value, shopName: f.shopName.value || null, regionCode: f.regionCode.value,
        order: { orderNumber: f.orderNumber.value || null, orderDate: f.orderDate.value || null, productName: f.productName.value || null, amountPaid: f.amountPaid.value || null },
        title: f.title.value, description: f.description.value, attachments: attachments
      };
      return fetch('/public/complaints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }).then(function (res) {
      return res.json().then(function (data) { return { status: res.status, data: data }; });
    }).then(function (r) {
      if (r.status === 201) {
        form.reset();
        show('ok', '已收到。受理编号 Receipt number: <strong>' + esc(r.data.number) + '</strong><br>我们将在 ' + esc(r.data.acceptanceDueOn) + ' 前决定是否受理。We decide on acceptance by ' + esc(r.data.acceptanceDueOn) + '.');
      } else {
        show('error', (r.data.errors || [{ message: '提交失败 · failed' }]).map(function (e) { return esc(e.message); }).join('<br>'));
      }
    }).catch(function () { show('error', '提交失败，请稍后再试。Sending failed; please try again.'); });
  });
})();
</script>
</body>
</html>`;
}

/** The public form's routes; mount before the authenticated API. */
export function publicComplaintsRouter(orm: MikroORM, config: Config): Router {
  const router = Router();
  let options: Promise<string> | undefined;

  router.get('/complaint', async (_req: Request, res: Response, next: NextFunction) => {
    try {
      if (config.publicComplaintsPerHour <= 0) {
        res.status(503).type('text/plain; charset=utf-8').send(new FormClosedError().message);
        return;
      }
      options ??= countyOptions(orm).catch((error) => {
        options = undefined;
        throw error;
      });
      const nonce = randomBytes(16).toString('base64');
      res
        .set('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`)
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(formPage(await options, nonce, config.publicFileMaxBytes));
    } catch (error) {
      next(error);
    }
  });

  // five attachments of the largest size, base64 (4/3), plus room for the text fields
  const limit = Math.ceil(PUBLIC_MAX_ATTACHMENTS * config.publicFileMaxBytes * 1.4) + 64 * 1024;
  router.post('/public/complaints', express.json({ limit }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    try {
      if (!req.is('application/json')) {
        res.status(415).json({ errors: [{ message: 'send the complaint as JSON (content-type: application/json)', field: null }] });
        return;
      }
      const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      const receipt = await submitPublicComplaint(orm.em.fork(), req.body, address, config);
      res.status(201).json({ number: receipt.number, receivedAt: receipt.receivedAt, acceptanceDueOn: receipt.acceptanceDueOn });
    } catch (error) {
      if (error instanceof PublicInputError) res.status(400).json({ errors: error.problems.map((p) => ({ message: p.message, field: p.field || null })) });
      else if (error instanceof UserInputError) res.status(400).json({ errors: [{ message: error.message, field: error.field ?? null }] });
      else if (error instanceof RateLimitedError) res.status(429).set('Retry-After', String(error.retryAfterSeconds)).json({ errors: [{ message: error.message, field: null }] });
      else if (error instanceof FormClosedError) res.status(503).json({ errors: [{ message: error.message, field: null }] });
      else {
        logger.error({ err: error }, 'public complaint failed');
        res.status(500).json({ errors: [{ message: '提交失败，请稍后再试。Internal error; please try again later.', field: null }] });
      }
    }
  });

  // malformed JSON, a body too large: the same error shape as bad input
  router.use('/public/complaints', (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : err.type === 'entity.too.large' ? `the request is too large: at most ${PUBLIC_MAX_ATTACHMENTS} attachments of ${config.publicFileMaxBytes} bytes` : status === 500 ? 'internal error' : err.message;
    if (status === 500) logger.error({ err }, 'public complaint failed');
    res.status(status).json({ errors: [{ message, field: null }] });
  });
  return router;
}
