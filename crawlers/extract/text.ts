/**
 * Text normalisation shared by the extractors: whitespace, HTML entities left in structured data,
 * prices and counts written the many ways Chinese shops write them ("¥1,299.00", "1299元", "１２９９",
 * "已拼3.2万件").
 */

/** Collapses runs of whitespace (incl. NBSP and the ideographic space) to one space and trims. */
export function cleanText(s: string | null | undefined): string {
  return (s ?? '').replace(/[\s\u00a0\u3000]+/gu, ' ').trim();
}

/** `cleanText`, but null for an empty result. */
export function textOrNull(s: string | null | undefined): string | null {
  const t = cleanText(s);
  return t === '' ? null : t;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', yen: '¥' };

/**
 * Decodes the HTML entities sites leave inside JSON-LD strings ("&amp;", "&#39;", "&#x4E2D;").
 * JSON-LD is raw text to an HTML parser, so nothing else decodes them.
 */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

/** Full-width digits, signs and currency symbols to ASCII (NFKC), for numbers only: titles keep their width. */
function asciiNumber(s: string): string {
  return s.normalize('NFKC');
}

/**
 * A price in yuan from a number or a text such as "¥1,299.00", "1299元", "￥１２.９", "RMB 12.90",
 * "12.90 - 15.00" (the first); rounded to fen. Null when there is no number.
 */
export function parsePrice(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 100) / 100 : null;
  if (typeof v !== 'string') return null;
  const s = asciiNumber(v).replace(/(\d),(?=\d{3}\b)/gu, '$1');
  const m = /\d+(?:\.\d+)?|\.\d+/u.exec(s);
  if (!m) return null;
  const n = Number(m[0]);
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : null;
}

/** A count from "月销量 1,234", "已拼3.2万件", "剩余12件"; null when there is none. */
export function parseCount(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const s = asciiNumber(v).replace(/(\d),(?=\d{3}\b)/gu, '$1');
  const m = /(\d+(?:\.\d+)?)\s*(万|亿)?/u.exec(s);
  if (!m) return null;
  const scale = m[2] === '万' ? 1e4 : m[2] === '亿' ? 1e8 : 1;
  return Math.round(Number(m[1]) * scale);
}

/** ISO currency from a code or a symbol in the price text; CNY when nothing says otherwise. */
export function currencyOf(code: unknown, priceText?: unknown): string {
  if (typeof code === 'string' && /^[A-Za-z]{3}$/u.test(code.trim())) return code.trim().toUpperCase();
  const t = typeof priceText === 'string' ? priceText : '';
  if (/HK\$|HKD/u.test(t)) return 'HKD';
  if (/US\$|USD|\$/u.test(t)) return 'USD';
  if (/€|EUR/u.test(t)) return 'EUR';
  return 'CNY';
}
