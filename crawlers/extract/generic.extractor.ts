/**
 * The generic extractor: reads a product page through the markup sites publish for search engines —
 * schema.org `Product`/`Offer` as JSON-LD or microdata, and OpenGraph/product meta tags — so a new site
 * yields title, price and currency without any code of its own. Site adapters (adapters/) add what this
 * markup does not carry (原价, promotion, sales, stock) and stand in where there is none.
 *
 * Precedence: JSON-LD, then microdata, then OpenGraph; a field missing from the first is completed from
 * the next. `source` names the first markup that gave both a title and a price.
 */
import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import { cleanText, currencyOf, decodeEntities, parseCount, parsePrice, textOrNull } from './text';
import type { ExtractedListing, ListingSource, PartialListing } from './types';

type Json = unknown;
type JsonObject = Record<string, Json>;
// cheerio 1.0.0-rc.12 does not re-export domhandler's Element type; this is the same thing
type Node = Parameters<CheerioAPI>[0] & { attribs: Record<string, string>; tagName: string };

const PRODUCT_TYPES = new Set(['Product', 'IndividualProduct', 'ProductModel', 'ProductGroup']);

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `@type` / `itemtype` names without their vocabulary prefix ("http://schema.org/Product" → "Product"). */
function typeNames(t: Json): string[] {
  const list = Array.isArray(t) ? t : [t];
  return list.flatMap((x) => (typeof x === 'string' ? x.split(/\s+/u) : [])).map((x) => x.replace(/^.*[/:#]/u, ''));
}

const hasType = (t: Json, names: Set<string> | string) => typeNames(t).some((n) => (typeof names === 'string' ? n === names : names.has(n)));

/** A JSON-LD value as clean text: strings, numbers, `{ "@value" }`, `{ name }`, first of an array. */
function str(v: Json): string | undefined {
  if (Array.isArray(v)) return v.length ? str(v[0]) : undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    const t = cleanText(decodeEntities(v));
    return t === '' ? undefined : t;
  }
  if (isObject(v)) return str(v['@value'] ?? v.name);
  return undefined;
}

/** Drops undefined fields, so that spreading a partial never erases a value found elsewhere. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------- JSON-LD

/** Parses one JSON-LD block; a broken block (trailing commas, raw newlines in strings, HTML comments) is retried once cleaned, then skipped. */
function parseJsonLd(raw: string): Json | undefined {
  const text = raw.trim().replace(/^<!--/u, '').replace(/-->$/u, '').replace(/^\s*\/\/\s*<!\[CDATA\[|\/\/\s*\]\]>\s*$/gu, '');
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/,\s*([}\]])/gu, '$1').replace(/[\u0000-\u001f]+/gu, ' '));
    } catch {
      return undefined;
    }
  }
}

/** Every Product node in a JSON-LD document: top level, arrays, `@graph`, `mainEntity`. */
function collectProducts(node: Json, out: JsonObject[], depth = 0): void {
  if (depth > 6) return;
  if (Array.isArray(node)) {
    for (const n of node) collectProducts(n, out, depth + 1);
    return;
  }
  if (!isObject(node)) return;
  if (hasType(node['@type'], PRODUCT_TYPES)) out.push(node);
  for (const key of ['@graph', 'mainEntity', 'mainEntityOfPage', 'itemListElement', 'item']) {
    if (key in node) collectProducts(node[key], out, depth + 1);
  }
}

/** The offer that carries a price: the first Offer with `price`, else an AggregateOffer's `lowPrice`. */
function pickOffer(offers: Json): { price?: number; priceText?: string; currency?: string; seller?: string; availability?: string } {
  const list = (Array.isArray(offers) ? offers : [offers]).filter(isObject);
  for (const o of list) {
    const spec = Array.isArray(o.priceSpecification) ? o.priceSpecification.find(isObject) : o.priceSpecification;
    const rawPrice = o.price ?? o.lowPrice ?? (isObject(spec) ? spec.price : undefined);
    const price = parsePrice(Array.isArray(rawPrice) ? rawPrice[0] : rawPrice);
    if (price === null) {
      // an AggregateOffer may nest its offers
      if ('offers' in o) {
        const inner = pickOffer(o.offers);
        if (inner.price !== undefined) return inner;
      }
      continue;
    }
    const code = o.priceCurrency ?? (isObject(spec) ? spec.priceCurrency : undefined);
    return {
      price,
      priceText: typeof rawPrice === 'string' ? rawPrice : undefined,
      currency: typeof code === 'string' ? code : undefined,
      seller: str(o.seller),
      availability: str(o.availability),
    };
  }
  return {};
}

function fromJsonLd($: CheerioAPI): PartialListing | null {
  const products: JsonObject[] = [];
  $('script').each((_, el) => {
    if (cleanText($(el).attr('type')).toLowerCase() !== 'application/ld+json') return;
    const data = parseJsonLd($(el).html() ?? '');
    if (data !== undefined) collectProducts(data, products);
  });
  // prefer a product that has a price (pages list related products too)
  const withOffer = products.map((p) => ({ p, offer: pickOffer(p.offers) }));
  const best = withOffer.find((x) => x.offer.price !== undefined) ?? withOffer[0];
  if (!best) return null;
  const { p, offer } = best;
  const category = Array.isArray(p.category) ? p.category.map(str).filter(Boolean).join(' > ') || undefined : str(p.category);
  return defined({
    title: str(p.name),
    description: str(p.description),
    price: offer.price,
    currency: offer.price === undefined ? undefined : currencyOf(offer.currency, offer.priceText),
    category,
    seller: offer.seller ?? str(p.seller),
    sku: str(p.sku),
    brand: str(p.brand),
    source: 'json-ld' as ListingSource,
  });
}

// -------------------------------------------------------------------------------------------- microdata

/** The value of a microdata property element, per the HTML microdata algorithm (content attribute first). */
function propValue($: CheerioAPI, el: Node): string | undefined {
  const a = el.attribs ?? {};
  if (a.content !== undefined) return cleanText(a.content);
  switch (el.tagName) {
    case 'a':
    case 'area':
    case 'link':
      return a.href;
    case 'img':
    case 'audio':
    case 'video':
    case 'source':
    case 'iframe':
    case 'embed':
      return a.src;
    case 'data':
    case 'meter':
      return a.value;
    case 'time':
      return a.datetime ?? cleanText($(el).text());
    default:
      return cleanText($(el).text());
  }
}

/** The properties of one microdata item: elements with `itemprop` whose nearest enclosing item is `scope`. */
function itemProps($: CheerioAPI, scope: Node): Map<string, Node[]> {
  const props = new Map<string, Node[]>();
  $(scope)
    .find('[itemprop]')
    .each((_, el) => {
      if ($(el).parent().closest('[itemscope]')[0] !== scope) return;
      for (const name of cleanText($(el).attr('itemprop')).split(' ')) {
        if (!props.has(name)) props.set(name, []);
        props.get(name)!.push(el as unknown as Node);
      }
    });
  return props;
}

function fromMicrodata($: CheerioAPI): PartialListing | null {
  const items = $('[itemscope][itemtype]')
    .toArray()
    .filter((el) => hasType($(el).attr('itemtype') ?? '', PRODUCT_TYPES)) as unknown as Node[];
  if (items.length === 0) return null;
  const read = (props: Map<string, Node[]>, name: string): string | undefined => {
    const el = props.get(name)?.[0];
    if (!el) return undefined;
    if ($(el).is('[itemscope]')) {
      // a nested item (Organization, Brand, Thing): its name, else its text
      const inner = itemProps($, el).get('name')?.[0];
      return textOrNull(inner ? propValue($, inner) : $(el).text()) ?? undefined;
    }
    return textOrNull(propValue($, el)) ?? undefined;
  };
  let best: PartialListing | null = null;
  for (const item of items) {
    const props = itemProps($, item);
    let price: number | undefined;
    let priceText: string | undefined;
    let code: string | undefined;
    let seller: string | undefined;
    for (const offer of props.get('offers') ?? []) {
      const op = $(offer).is('[itemscope]') ? itemProps($, offer) : new Map<string, Node[]>();
      const raw = read(op, 'price') ?? read(op, 'lowPrice');
      const p = parsePrice(raw);
      if (p === null) continue;
      price = p;
      priceText = op.get('price')?.[0] ? cleanText($(op.get('price')![0]).parent().text()) : raw;
      code = read(op, 'priceCurrency');
      seller = read(op, 'seller');
      break;
    }
    if (price === undefined) {
      // price directly on the Product (not schema.org-valid, but seen)
      const raw = read(props, 'price');
      const p = parsePrice(raw);
      if (p !== null) {
        price = p;
        priceText = raw;
        code = read(props, 'priceCurrency');
      }
    }
    const found = defined({
      title: read(props, 'name'),
      description: read(props, 'description'),
      price,
      currency: price === undefined ? undefined : currencyOf(code, priceText),
      category: read(props, 'category'),
      seller: seller ?? read(props, 'seller'),
      sku: read(props, 'sku'),
      brand: read(props, 'brand'),
      source: 'microdata' as ListingSource,
    });
    if (!best || (best.price === undefined && found.price !== undefined)) best = found;
  }
  return best;
}

// ------------------------------------------------------------------------------------------- OpenGraph

function fromOpenGraph($: CheerioAPI): PartialListing | null {
  const meta = new Map<string, string>();
  $('meta').each((_, el) => {
    const key = cleanText($(el).attr('property') ?? $(el).attr('name')).toLowerCase();
    const content = $(el).attr('content');
    if (key && content !== undefined && !meta.has(key)) meta.set(key, content);
  });
  const rawPrice = meta.get('product:price:amount') ?? meta.get('og:price:amount') ?? meta.get('product:sale_price:amount');
  const price = parsePrice(rawPrice);
  if (price === null) return null; // og:title alone is on every page: not a product
  const original = parsePrice(meta.get('product:original_price:amount'));
  return defined({
    title: textOrNull(meta.get('og:title')) ?? undefined,
    description: textOrNull(meta.get('og:description')) ?? undefined,
    price,
    originalPrice: original ?? undefined,
    currency: currencyOf(meta.get('product:price:currency') ?? meta.get('og:price:currency'), rawPrice),
    category: textOrNull(meta.get('product:category')) ?? undefined,
    brand: textOrNull(meta.get('product:brand')) ?? undefined,
    sku: textOrNull(meta.get('product:retailer_item_id')) ?? undefined,
    source: 'opengraph' as ListingSource,
  });
}

// ------------------------------------------------------------------------------------------------ API

/**
 * What the page's structured markup says, merged across JSON-LD, microdata and OpenGraph (in that
 * precedence); `source` is set only when some markup gave both a title and a price. Null when no markup
 * describes a product.
 */
export function readStructured($: CheerioAPI): PartialListing | null {
  const found = [fromJsonLd($), fromMicrodata($), fromOpenGraph($)].filter((x): x is PartialListing => x !== null);
  if (found.length === 0) return null;
  const primary = found.find((f) => f.title !== undefined && f.price !== undefined);
  const merged: PartialListing = {};
  for (const f of [...found].reverse()) Object.assign(merged, f);
  if (primary) Object.assign(merged, primary);
  else delete merged.source;
  return merged;
}

/** Fills the fields a listing always has (null or '' where nothing was found); null without title or price. */
export function completeListing(p: PartialListing, source: ListingSource): ExtractedListing | null {
  if (!p.title || p.price === undefined || p.price === null) return null;
  return {
    title: p.title,
    description: p.description ?? '',
    price: p.price,
    originalPrice: p.originalPrice ?? null,
    currency: p.currency ?? 'CNY',
    promotion: p.promotion ?? null,
    sales: p.sales ?? null,
    stock: p.stock ?? null,
    category: p.category ?? null,
    seller: p.seller ?? null,
    sku: p.sku ?? null,
    brand: p.brand ?? null,
    source,
  };
}

/**
 * The generic extractor: a listing from schema.org JSON-LD, microdata or OpenGraph product tags alone,
 * or null when the page carries none of them (with a title and a price).
 */
export function extractGeneric(html: string | CheerioAPI): ExtractedListing | null {
  const $ = typeof html === 'string' ? cheerio.load(html) : html;
  const s = readStructured($);
  return s?.source ? completeListing(s, s.source) : null;
}

export { parseCount, parsePrice };
