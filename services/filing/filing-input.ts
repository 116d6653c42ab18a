/**
 * The public self-filing page's JSON, checked field by field: every problem at once (field and message),
 * no unknown fields, strict types and lengths, no markup or control characters in any text (a filing is
 * shown to staff and, in part, to the public), a valid USCC (GB 32100-2015), 1–10 shop addresses (http(s),
 * no credentials, no private or loopback address unless it is an origin the spiders are allowed), a
 * mainland phone number.
 */
import { isIP } from 'node:net';
import type { InputProblem } from '../complaints/complaint.commands';
import { shopUrlKey } from '../complaints/complaint.commands';
import { domainOf } from '../registry/registry-rules';
import { normalizeUscc, usccProblem } from '../registry/uscc';

/** Most shops one filing names. */
export const MAX_FILING_SHOPS = 10;

export interface FilingShopInput {
  url: string;
  domain: string;
  platform: string;
}

/** A checked submission. */
export interface CheckedFiling {
  uscc: string;
  entityName: string;
  legalRepresentative: string | null;
  contact: { name: string; phone: string; email: string | null };
  shops: FilingShopInput[];
}

const TOP = ['uscc', 'entityName', 'legalRepresentative', 'contact', 'shops'];
const CONTACT = ['name', 'phone', 'email'];
const SHOP = ['url', 'platform'];
const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
const LANDLINE = /^(?:0\d{2,3}-?)?[1-9]\d{6,7}(?:-\d{1,6})?$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
// markup, control characters (C0, DEL, C1), bidi overrides and zero-width characters
const HOSTILE = /[<>\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], prefix: string, problems: InputProblem[]) {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push({ field: `${prefix}${key}`, message: `${prefix}${key}: not a field of the filing` });
}

function text(value: unknown, field: string, problems: InputProblem[], max: number, required: boolean): string | null {
  if (value != null && typeof value !== 'string') {
    problems.push({ field, message: `${field}: must be text` });
    return null;
  }
  const t = (value ?? '').normalize('NFC').trim();
  if (!t) {
    if (required) problems.push({ field, message: `${field}: required` });
    return null;
  }
  if (t.length > max) {
    problems.push({ field, message: `${field}: at most ${max} characters` });
    return null;
  }
  if (HOSTILE.test(t)) {
    problems.push({ field, message: `${field}: must not contain < > or control characters` });
    return null;
  }
  return t;
}

/** Whether a host is loopback, private, link-local or otherwise not a public address (IP literals and localhost). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const kind = isIP(host);
  if (kind === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || a >= 224;
  }
  if (kind === 6) return host === '::1' || host === '::' || /^(fc|fd|fe8|fe9|fea|feb)/.test(host) || host.startsWith('::ffff:');
  return false;
}

/**
 * The submission as a checked filing, or its problems. `allowedOrigins` are the origins a shop address
 * may have although its host is private (the spiders' CRAWL_ALLOWED_ORIGINS: the demo marketplace).
 */
export function checkFilingBody(body: unknown, allowedOrigins: readonly string[]): { value: CheckedFiling | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  if (!isObject(body)) return { value: null, problems: [{ field: '', message: 'send the filing as a JSON object' }] };
  unknownKeys(body, TOP, '', problems);
  let uscc: string | null = null;
  const rawUscc = text(body.uscc, 'uscc', problems, 40, true);
  if (rawUscc) {
    const normalised = normalizeUscc(rawUscc);
    const problem = usccProblem(normalised);
    if (problem) problems.push({ field: 'uscc', message: `uscc: ${problem}` });
    else uscc = normalised;
  }
  const entityName = text(body.entityName, 'entityName', problems, 200, true);
  const legalRepresentative = text(body.legalRepresentative, 'legalRepresentative', problems, 100, true);
  if (body.contact != null && !isObject(body.contact)) problems.push({ field: 'contact', message: 'contact: must be an object { name, phone, email }' });
  const contact = isObject(body.contact) ? body.contact : {};
  unknownKeys(contact, CONTACT, 'contact.', problems);
  const contactName = text(contact.name, 'contact.name', problems, 100, true);
  let phone = text(contact.phone, 'contact.phone', problems, 32, true);
  if (phone) {
    phone = phone.replace(/[\s()]/g, '');
    if (!MOBILE.test(phone) && !LANDLINE.test(phone)) {
      problems.push({ field: 'contact.phone', message: 'contact.phone: neither a mainland mobile number nor a landline (e.g. 0531-86123456)' });
      phone = null;
    }
  }
  let email = text(contact.email, 'contact.email', problems, 200, false);
  if (email && !EMAIL.test(email)) {
    problems.push({ field: 'contact.email', message: 'contact.email: not an e-mail address' });
    email = null;
  }
  const shops: FilingShopInput[] = [];
  if (!Array.isArray(body.shops) || body.shops.length === 0) problems.push({ field: 'shops', message: 'shops: at least one shop { url, platform }' });
  else if (body.shops.length > MAX_FILING_SHOPS) problems.push({ field: 'shops', message: `shops: at most ${MAX_FILING_SHOPS}` });
  else {
    const seen = new Set<string>();
    body.shops.forEach((s, i) => {
      const prefix = `shops[${i}]`;
      if (!isObject(s)) {
        problems.push({ field: prefix, message: `${prefix}: must be { url, platform }` });
        return;
      }
      unknownKeys(s, SHOP, `${prefix}.`, problems);
      const rawUrl = text(s.url, `${prefix}.url`, problems, 1000, true);
      const platform = text(s.platform, `${prefix}.platform`, problems, 100, true);
      if (!rawUrl) return;
      const key = shopUrlKey(rawUrl);
      if (!key) {
        problems.push({ field: `${prefix}.url`, message: `${prefix}.url: not a shop address (http:// or https://, a host name, no user name or password)` });
        return;
      }
      const u = new URL(key.url);
      if (isPrivateHost(u.hostname) && !allowedOrigins.includes(u.origin)) {
        problems.push({ field: `${prefix}.url`, message: `${prefix}.url: not a public address` });
        return;
      }
      if (seen.has(key.key)) {
        problems.push({ field: `${prefix}.url`, message: `${prefix}.url: named twice` });
        return;
      }
      seen.add(key.key);
      if (platform) shops.push({ url: key.url, domain: domainOf(key.url), platform });
    });
  }
  if (problems.length > 0 || !uscc || !entityName || !contactName || !phone) return { value: null, problems };
  return { value: { uscc, entityName, legalRepresentative, contact: { name: contactName, phone, email }, shops }, problems };
}
