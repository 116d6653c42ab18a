/**
 * Pieces of shop pages that read the same everywhere: the licence block (亮照) by its labels, the
 * food-business licence (食品经营许可证) number, and listing links in a container. Adapters say where
 * to look; these say how to read it.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import { cleanText } from './text';
import type { ExtractedLicence } from './types';

type Scope = Cheerio<any>;

const LABELS: readonly [keyof ExtractedLicence, RegExp][] = [
  ['uscc', /统一社会信用代码|信用代码|注册号/u],
  ['name', /企业名称|经营者名称|主体名称|名称/u],
  ['address', /住所|经营场所|地址/u],
];

function fieldOf(label: string): keyof ExtractedLicence | null {
  for (const [field, re] of LABELS) if (re.test(label)) return field;
  return null;
}

/**
 * The licence block inside `scope`, read by labels: `<dt>label</dt><dd>value</dd>`, `<th>label</th><td>value</td>`,
 * or "label：value" text. Null when neither a name nor a USCC is shown.
 */
export function readLicence($: CheerioAPI, scope: Scope): ExtractedLicence | null {
  const found: Partial<ExtractedLicence> = {};
  scope.find('dt, th').each((_, el) => {
    const field = fieldOf(cleanText($(el).text()));
    const value = cleanText($(el).next('dd, td').text());
    if (field && value && found[field] === undefined) found[field] = value;
  });
  if (found.name === undefined && found.uscc === undefined) {
    const text = cleanText(scope.text());
    const uscc = /统一社会信用代码\s*[:：]\s*([0-9A-Z]{18})/u.exec(text);
    const name = /(?:企业名称|经营者名称|名称)\s*[:：]\s*([^\s，,；;]+)/u.exec(text);
    const address = /(?:住所|经营场所|地址)\s*[:：]\s*([^\s，,；;]+)/u.exec(text);
    if (uscc) found.uscc = uscc[1];
    if (name) found.name = name[1];
    if (address) found.address = address[1];
  }
  if (found.name === undefined && found.uscc === undefined) return null;
  return { name: found.name ?? '', uscc: found.uscc ?? '', address: found.address ?? '' };
}

/** The 食品经营许可证 number mentioned in `scope` (JY + 14 digits, or any licence-like code after the label), or null. */
export function readFoodLicence(scope: Scope): string | null {
  const text = cleanText(scope.text()).normalize('NFKC');
  const m = /食品经营许可证(?:编号|号)?\s*[:：]?\s*([A-Z]{2}\d{14}|[A-Z0-9]{8,})/u.exec(text);
  return m ? m[1] : null;
}

/** Absolute hrefs of the links matched by `links`, in page order, without duplicates. */
export function linkUrls($: CheerioAPI, links: Scope, base: URL): string[] {
  const out: string[] = [];
  links.each((_, el) => {
    const href = $(el).attr('href');
    if (!href) return;
    try {
      const u = new URL(href, base).href;
      if (!out.includes(u)) out.push(u);
    } catch {
      // an unparsable href is not a listing
    }
  });
  return out;
}

/** The absolute URL of the first link matched, or null. */
export function linkUrl($: CheerioAPI, link: Scope, base: URL): string | null {
  return linkUrls($, link.first(), base)[0] ?? null;
}
