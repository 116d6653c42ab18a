/**
 * The assessment scheme versions in force: those in code (`DEFAULT_SCHEMES`, present without a row) and
 * those the province saved (`assessment_scheme`). One history: every version valid, an id + version never
 * changes (a stored copy of a code version must equal it), a later version never applies from an earlier
 * year — checked by `checkSchemeHistory` on every read and before every save.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type AssessmentScheme,
  checkScheme,
  checkSchemeHistory,
  DEFAULT_SCHEMES,
  MAX_SCHEME_YEAR,
  MIN_SCHEME_YEAR,
  schemeFingerprint,
  schemeFor,
} from './';
import { AccessDeniedError, coversJurisdiction, currentActor, Unit, UnitLevel, unitRegion } from '../../entities';
import { chinaDay } from '../../services/calendar/working-days';
import { runCommand } from '../../services/command';
import { NotFoundError, UserInputError } from '../../services/errors';
import { insertAudit, insertScheme, lockSchemes, selectStoredSchemes } from './assessment.store';

/** A scheme version with where it comes from. */
export interface SchemeVersion {
  scheme: AssessmentScheme;
  fingerprint: string;
  /** `code`: a version of DEFAULT_SCHEMES; `stored`: saved by the province */
  source: 'code' | 'stored';
  createdBy: string | null;
  createdAt: Date | null;
}

/** Every scheme version, code and stored (a stored copy of a code version once), oldest first. */
export async function schemeVersions(em: EntityManager): Promise<SchemeVersion[]> {
  const stored = await selectStoredSchemes(em);
  const history = checkSchemeHistory([...DEFAULT_SCHEMES, ...stored.map((s) => s.body)]);
  return history.map((scheme) => {
    const inCode = DEFAULT_SCHEMES.find((d) => d.id === scheme.id && d.version === scheme.version);
    const row = stored.find((s) => s.id === scheme.id && s.version === scheme.version);
    return {
      scheme: inCode ?? scheme,
      fingerprint: schemeFingerprint(scheme),
      source: inCode ? 'code' : 'stored',
      createdBy: row?.createdBy ?? null,
      createdAt: row?.createdAt ?? null,
    };
  });
}

/** The scheme `year` is scored with, code and stored versions considered (see `schemeFor`). */
export async function schemeForYear(em: EntityManager, year: number): Promise<AssessmentScheme> {
  return schemeFor(year, (await schemeVersions(em)).map((v) => v.scheme));
}

/** The current year in China. */
export function currentYear(): number {
  return Number(chinaDay().slice(0, 4));
}

/** An assessment year: an integer from the first scheme year to the current year. */
export function checkYear(year: unknown, field = 'year'): number {
  const now = currentYear();
  if (typeof year !== 'number' || !Number.isInteger(year)) throw new UserInputError(`${field}: give a year as a whole number (e.g. ${now})`, field);
  if (year < MIN_SCHEME_YEAR || year > MAX_SCHEME_YEAR) throw new UserInputError(`${field}: ${year} is outside ${MIN_SCHEME_YEAR}–${MAX_SCHEME_YEAR}`, field);
  if (year > now) throw new UserInputError(`${field}: ${year} has not begun (the current year is ${now})`, field);
  return year;
}

/**
 * The province unit, when the caller acts at province level; else FORBIDDEN. Schemes, bonuses and runs
 * are the province's (the same rule as the province's hand-set calendar days): the caller's jurisdiction
 * must cover the province's.
 */
export async function requireProvinceActor(em: EntityManager, what: string): Promise<Unit> {
  const actor = currentActor();
  const province = await em.findOne(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } });
  if (!province) throw new NotFoundError('unit', 'of the province');
  if (!coversJurisdiction(actor.prefixes, province.jurisdiction)) {
    throw new AccessDeniedError(`${what} is set by the province: ${actor.name} acts below province level`);
  }
  return province;
}

/**
 * Saves a scheme version (province level; audited). The JSON is checked by `checkScheme` (the path of a
 * problem in the error) and against the history: a changed copy of an existing id + version is refused
 * (a correction is a new version), as is a second scheme id or a version applying before its predecessor.
 * Saving an identical copy of an existing version writes nothing and returns it.
 */
export async function saveAssessmentScheme(em: EntityManager, json: unknown): Promise<SchemeVersion> {
  const province = await requireProvinceActor(em, 'the assessment scheme');
  const scheme = checkScheme(json);
  const fingerprint = schemeFingerprint(scheme);
  const actor = currentActor();
  const saved = await runCommand(em, 'saveAssessmentScheme', async (tem) => {
    await lockSchemes(tem);
    const before = await schemeVersions(tem);
    const same = before.find((v) => v.scheme.id === scheme.id && v.scheme.version === scheme.version);
    try {
      checkSchemeHistory([...before.map((v) => v.scheme), scheme]);
    } catch (e) {
      // the history's own errors name `schemes`; the caller sent one scheme
      if (e instanceof UserInputError) throw new UserInputError(e.message.replace(/^schemes(\[\d+\])?: /, ''), 'scheme');
      throw e;
    }
    if (same) return null;
    await insertScheme(tem, { id: scheme.id, version: scheme.version, name: scheme.name, fromYear: scheme.fromYear, body: scheme, fingerprint, createdBy: actor.name.slice(0, 100) });
    await insertAudit(tem, actor, {
      operation: 'saveAssessmentScheme',
      entityType: 'AssessmentScheme',
      entityId: `${scheme.id}@${scheme.version}`,
      action: 'create',
      after: { id: scheme.id, version: scheme.version, name: scheme.name, fromYear: scheme.fromYear, fingerprint },
      regionCode: unitRegion(province),
    });
    return true;
  });
  const versions = await schemeVersions(em);
  const v = versions.find((x) => x.scheme.id === scheme.id && x.scheme.version === scheme.version);
  if (!v) throw new Error(`scheme ${scheme.id} v${scheme.version} not found after ${saved ? 'saving' : 'checking'} it`);
  return v;
}
