/**
 * What the public sees of a badge: the image (SVG; its text follows the filing's state, so a revoked
 * badge shows 已撤销 wherever it is embedded), the HTML snippet to embed, the QR code of the verification
 * link for print (PNG and SVG, from the `qrcode` package), and the verification page (zh-CN first,
 * English beside): name, USCC, region, status, date, shop address — nothing private. Every value is
 * escaped; the page carries a CSP without script.
 */
import QRCode from 'qrcode';
import { RegistrationStatus, SelfFilingStatus } from '../../entities';
import type { BadgeVerification } from './filing.queries';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The verification link of a badge. */
export const badgeLink = (baseUrl: string, token: string) => `${baseUrl}/badge/${token}`;

/** The snippet a shop embeds: the image linking to the verification page, carrying the identifier. */
export function embedSnippet(baseUrl: string, token: string): string {
  const link = badgeLink(baseUrl, token);
  return `<a href="${escapeHtml(link)}" target="_blank" rel="noopener" data-hongdun-badge="${escapeHtml(token)}" title="山东省市场监督管理局 网店主体备案电子标识"><img src="${escapeHtml(link)}.svg" alt="网店主体备案电子标识 · 点击验证" width="200" height="64"></a>`;
}

const REGISTRATION_ZH: Record<RegistrationStatus, string> = {
  [RegistrationStatus.ACTIVE]: '存续',
  [RegistrationStatus.REVOKED]: '吊销',
  [RegistrationStatus.CANCELLED]: '注销',
  [RegistrationStatus.MOVED_OUT]: '迁出',
};

/** The state a verification shows, in Chinese and English, and its colour. */
export function verdictText(v: BadgeVerification): { zh: string; en: string; colour: string; ok: boolean } {
  switch (v.verdict) {
    case 'valid':
      return { zh: '已备案 · 有效', en: 'Filed and valid', colour: '#c8102e', ok: true };
    case 'revoked':
      return { zh: '备案已撤销', en: 'Filing revoked', colour: '#555', ok: false };
    case 'entity-inactive':
      return { zh: `主体已${REGISTRATION_ZH[v.facts!.registrationStatus]}，备案失效`, en: `Business ${v.facts!.registrationStatus.replace('_', ' ')}: filing no longer valid`, colour: '#555', ok: false };
    case 'not-accepted':
      return { zh: '备案未生效', en: 'Filing not in force', colour: '#555', ok: false };
    default:
      return { zh: '无法验证：标识无效', en: 'Not verified: this badge is not genuine', colour: '#555', ok: false };
  }
}

/** The badge image (200×64 SVG), reflecting the filing's state now. */
export function badgeSvg(v: BadgeVerification): string {
  const t = verdictText(v);
  const name = v.facts ? escapeHtml(v.facts.entityName.length > 16 ? `${v.facts.entityName.slice(0, 15)}…` : v.facts.entityName) : '';
  const line2 = v.facts ? `备案号 ${escapeHtml(v.facts.number)}` : '请向市场监管部门举报';
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="64" viewBox="0 0 200 64" role="img" aria-label="${escapeHtml(t.zh)} ${escapeHtml(t.en)}">
<rect x="1" y="1" width="198" height="62" rx="6" fill="#fff" stroke="${t.colour}" stroke-width="2"/>
<g transform="translate(10 12)"><path d="M16 0 L32 6 V18 C32 28 24 36 16 40 C8 36 0 28 0 18 V6 Z" fill="${t.colour}"/><text x="16" y="25" font-size="14" text-anchor="middle" fill="#fff" font-family="sans-serif">${t.ok ? '✓' : '!'}</text></g>
<text x="52" y="20" font-size="12" font-family="'PingFang SC','Microsoft YaHei',sans-serif" fill="${t.colour}" font-weight="bold">${escapeHtml(t.zh)}</text>
<text x="52" y="36" font-size="10" font-family="'PingFang SC','Microsoft YaHei',sans-serif" fill="#222">${name}</text>
<text x="52" y="50" font-size="8" font-family="sans-serif" fill="#666">${line2}</text>
<text x="52" y="60" font-size="7" font-family="sans-serif" fill="#999">山东省市场监督管理局 · 点击验证</text>
</svg>`;
}

/** The QR code of a link as PNG (for print). */
export function qrPng(link: string): Promise<Buffer> {
  return QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 8 });
}

/** The QR code of a link as SVG. */
export function qrSvg(link: string): Promise<string> {
  return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

const day = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : '—');

/** The public verification page of a badge. */
export function verificationPage(v: BadgeVerification, link: string | null): string {
  const t = verdictText(v);
  const f = v.facts;
  const statusZh: Record<SelfFilingStatus, string> = {
    [SelfFilingStatus.AWAITING_VERIFICATION]: '待验证',
    [SelfFilingStatus.UNDER_REVIEW]: '审核中',
    [SelfFilingStatus.ACCEPTED]: '已备案',
    [SelfFilingStatus.RETURNED]: '已退回',
    [SelfFilingStatus.REVOKED]: '已撤销',
  };
  const rows = f
    ? [
        ['主体名称', 'Business', f.entityName],
        ['统一社会信用代码', 'USCC', f.uscc],
        ['所在地区', 'Region', f.regionName],
        ['登记状态', 'Registration', `${REGISTRATION_ZH[f.registrationStatus]} (${f.registrationStatus})`],
        ['备案状态', 'Filing status', `${statusZh[f.status]} (${f.status})`],
        ['备案号', 'Filing number', f.number],
        ['备案日期', 'Filed on', day(f.filedAt)],
        ...(f.revokedAt ? [['撤销日期', 'Revoked on', day(f.revokedAt)]] : []),
        ['网店网址', 'Shop address', f.shopUrl],
        ['平台', 'Platform', f.platform],
      ]
    : [];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>网店主体备案电子标识验证 · Badge verification</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.3rem}.en{color:#666;font-size:.85em;margin-left:.4em}.state{padding:.75rem 1rem;border-radius:.3rem;font-size:1.1rem;font-weight:bold}
.ok{background:#fdecea;color:#c8102e;border:2px solid #c8102e}.bad{background:#eee;color:#333;border:2px solid #555}
table{border-collapse:collapse;width:100%;margin-top:1rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}th{width:40%;font-weight:normal;color:#555}
</style>
</head>
<body>
<h1>网店主体备案电子标识验证<span class="en">Electronic badge verification</span></h1>
<p class="state ${t.ok ? 'ok' : 'bad'}" id="verdict" data-verdict="${escapeHtml(v.verdict)}">${escapeHtml(t.zh)}<span class="en">${escapeHtml(t.en)}</span></p>
${
  f
    ? `<table>${rows.map(([zh, en, value]) => `<tr><th>${escapeHtml(zh)}<span class="en">${escapeHtml(en)}</span></th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>
<p>请核对：本标识只对上表所列网址有效。若您在其他网址看到本标识，说明该标识被冒用。<span class="en">This badge is valid only on the shop address above; shown anywhere else, it is copied.</span></p>`
    : `<p>该标识不是山东省市场监督管理局签发的有效电子标识。如在网店上看到，可向12315举报。<span class="en">This is not a badge issued by the Shandong market regulator. You may report the shop to 12315.</span></p>`
}
${link ? `<p><small>验证地址 Verification link: ${escapeHtml(link)}</small></p>` : ''}
</body>
</html>`;
}
