/**
 * submitSelfFiling: a business files itself and its shops on the public page (no login). The USCC is
 * checked (GB 32100-2015 checksum) and must be in the register (online_entity) with the same name, the
 * same legal representative where the register holds one, and registration status active (存续); the
 * filing belongs to the entity's region and goes to the station holding it. Each shop gets a token to
 * place on its page (proof of control, checked by verifyFilingShops).
 *
 * Idempotent: the same submission (sha256 of its checked form) while a filing of it is open returns that
 * filing (`replayed`), writes nothing and counts against no limit. Rate-limited per network address
 * (PUBLIC_FILINGS_PER_HOUR, counted in the database under an advisory lock, as the complaint form).
 */
import { createHash, randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OnlineEntity, RegistrationStatus, SelfFiling, SelfFilingShop, SelfFilingStatus } from '../../entities';
import { now } from '../../kernel/clock';
import type { Config } from '../../kernel/config';
import { normaliseName } from '../../kernel/rules/text';
import { chinaDay } from '../calendar/working-days';
import { runCommand } from '../command';
import type { InputProblem } from '../complaints/complaint.commands';
import { submitterKeyOf } from '../complaints/public-intake';
import { responsibleUnitFor } from '../registry/registry-rules';
import { runAsSystem } from '../system-actor';
import { newVerificationToken } from './badge-token';
import { type CheckedFiling, checkFilingBody } from './filing-input';
import { FilingClosedError, FilingInputError, FilingRateLimitedError } from './filing-errors';

export interface SubmittedFiling {
  filing: SelfFiling;
  shops: SelfFilingShop[];
  /** true: the same submission was filed before; nothing new was written */
  replayed: boolean;
}

const OPEN = [SelfFilingStatus.AWAITING_VERIFICATION, SelfFilingStatus.UNDER_REVIEW, SelfFilingStatus.ACCEPTED];

/** The submission's fingerprint: its checked form, shops in address order. */
export function submissionHashOf(f: CheckedFiling): string {
  const canonical = { ...f, shops: [...f.shops].sort((a, b) => a.url.localeCompare(b.url)) };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

async function recentOf(em: EntityManager, key: string): Promise<{ count: number; retryAfterSeconds: number }> {
  const [row] = await em.execute<{ count: string; oldest: Date | string | null }[]>(
    `select count(*) as count, min(submitted_at) as oldest from self_filing where submitter_key = ? and submitted_at > now() - interval '1 hour'`,
    [key],
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : Date.now();
  return { count: Number(row?.count ?? 0), retryAfterSeconds: Math.max(1, Math.ceil((oldest + 3600_000 - Date.now()) / 1000)) };
}

async function openFilingOf(em: EntityManager, hash: string): Promise<SubmittedFiling | null> {
  const filing = await em.findOne(SelfFiling, { submissionHash: hash, status: { $in: OPEN } });
  if (!filing) return null;
  const shops = await em.find(SelfFilingShop, { filing }, { orderBy: { id: 'asc' } });
  return { filing, shops, replayed: true };
}

/** The register's answer to a filing: the entity, or the problems (worded so as not to disclose the register's data). */
async function checkAgainstRegister(em: EntityManager, f: CheckedFiling): Promise<{ entity: OnlineEntity | null; problems: InputProblem[] }> {
  const problems: InputProblem[] = [];
  const entity = await em.findOne(OnlineEntity, { uscc: f.uscc });
  if (!entity) return { entity: null, problems: [{ field: 'uscc', message: 'uscc: 未在山东省市场主体登记中找到该统一社会信用代码 (not in the register)' }] };
  if (normaliseName(entity.name) !== normaliseName(f.entityName)) problems.push({ field: 'entityName', message: 'entityName: 名称与登记不符 (does not match the registered name of this USCC)' });
  if (entity.legalRepresentative && f.legalRepresentative && normaliseName(entity.legalRepresentative) !== normaliseName(f.legalRepresentative)) {
    problems.push({ field: 'legalRepresentative', message: 'legalRepresentative: 法定代表人与登记不符 (does not match the register)' });
  }
  if (problems.length === 0 && entity.registrationStatus !== RegistrationStatus.ACTIVE) {
    problems.push({ field: 'uscc', message: 'uscc: 该主体登记状态不是存续，不能备案 (registration status is not active)' });
  }
  if (problems.length === 0) {
    const taken = await em.getConnection().execute<{ url: string }[]>(
      `select fs.url from self_filing_shop fs join self_filing f on f.id = fs.filing_id
       where f.status in ('under_review', 'accepted') and f.entity_id <> ? and fs.url in (select jsonb_array_elements_text(?::jsonb))`,
      [entity.id, JSON.stringify(f.shops.map((s) => s.url))],
    );
    for (const t of taken) {
      const i = f.shops.findIndex((s) => s.url === t.url);
      problems.push({ field: `shops[${i}].url`, message: `shops[${i}].url: 该网店已由其他主体备案 (filed by another business)` });
    }
  }
  return { entity, problems };
}

/** A filing number: BA + China day + 8 random digits (not a sequence). */
function filingNumber(): string {
  return `BA${chinaDay(now()).replace(/-/g, '')}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/**
 * Files a submission from the network address `address`. Throws FilingClosedError, FilingRateLimitedError
 * or FilingInputError (every problem, nothing stored).
 */
export function submitSelfFiling(
  em: EntityManager,
  body: unknown,
  address: string,
  config: Pick<Config, 'publicFilingsPerHour' | 'crawlAllowedOrigins'>,
): Promise<SubmittedFiling> {
  if (config.publicFilingsPerHour <= 0) return Promise.reject(new FilingClosedError());
  const checked = checkFilingBody(body, config.crawlAllowedOrigins);
  if (!checked.value) return Promise.reject(new FilingInputError(checked.problems));
  const value = checked.value;
  const hash = submissionHashOf(value);
  const submitterKey = submitterKeyOf(`filing:${address}`);
  return runAsSystem('public self-filing page', async () => {
    const before = await openFilingOf(em, hash);
    if (before) return before;
    const recent = await recentOf(em, submitterKey);
    if (recent.count >= config.publicFilingsPerHour) throw new FilingRateLimitedError(recent.retryAfterSeconds);
    const { entity, problems } = await checkAgainstRegister(em, value);
    if (problems.length > 0 || !entity) throw new FilingInputError(problems);
    return runCommand(em, 'submitSelfFiling', async (tem) => {
      await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`hongdun-filing:${submitterKey}`]);
      await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`hongdun-filing-hash:${hash}`]);
      const again = await openFilingOf(tem, hash);
      if (again) return again;
      const now2 = await recentOf(tem, submitterKey);
      if (now2.count >= config.publicFilingsPerHour) throw new FilingRateLimitedError(now2.retryAfterSeconds);
      const unit = await responsibleUnitFor(tem, entity.regionCode);
      const filing = tem.create(SelfFiling, {
        number: filingNumber(),
        uscc: value.uscc,
        entityName: value.entityName,
        legalRepresentative: value.legalRepresentative,
        contactName: value.contact.name,
        contactPhone: value.contact.phone,
        contactEmail: value.contact.email,
        entity,
        regionCode: entity.regionCode,
        reviewUnit: unit,
        submissionHash: hash,
        submitterKey,
      });
      const shops = value.shops.map((s) =>
        tem.create(SelfFilingShop, { filing, regionCode: entity.regionCode, url: s.url, domain: s.domain, platform: s.platform, verificationToken: newVerificationToken() }),
      );
      await tem.flush();
      return { filing, shops, replayed: false };
    });
  });
}
