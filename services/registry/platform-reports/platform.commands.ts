import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessDeniedError, ApiKey, currentActor, EcommercePlatform, Unit, UnitLevel, User } from '../../../entities';
import { Permission } from '../../access/permissions';
import { newApiKey, sha256 } from '../../access/tokens';
import { runCommand } from '../../command';
import { NotFoundError, UserInputError } from '../../errors';
import { ALL_PERMISSIONS_MARKER } from '../../system-actor';
import { usccProblem, normalizeUscc } from '../uscc';

/** Platforms are the province's business: they report for all of Shandong. */
function requireProvince(what: string): void {
  const actor = currentActor();
  if (!actor.prefixes.includes('') && !actor.prefixes.includes('37')) throw new AccessDeniedError(`only the province bureau ${what}`);
}

export interface RegisterPlatformInput {
  code: string;
  name: string;
  operatorUscc?: string | null;
  reportDueDay?: number | null;
}

/** Registers an e-commerce platform that reports the shops on it (province level). */
export function registerPlatform(em: EntityManager, input: RegisterPlatformInput): Promise<EcommercePlatform> {
  return runCommand(em, 'registerPlatform', async (tem) => {
    requireProvince('registers platforms');
    const code = input.code.trim().toLowerCase();
    if (!/^[a-z][a-z0-9-]{1,31}$/.test(code)) throw new UserInputError('code: 2–32 lower-case letters, digits or -, starting with a letter (e.g. jd)', 'code');
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new UserInputError('name: 1–100 characters, as the register writes the platform on shops (e.g. 京东)', 'name');
    let operatorUscc: string | null = null;
    if (input.operatorUscc) {
      operatorUscc = normalizeUscc(input.operatorUscc);
      const problem = usccProblem(operatorUscc);
      if (problem) throw new UserInputError(`operatorUscc: ${problem}`, 'operatorUscc');
    }
    const due = input.reportDueDay ?? 10;
    if (!Number.isInteger(due) || due < 1 || due > 28) throw new UserInputError('reportDueDay must be a day of the month from 1 to 28', 'reportDueDay');
    if (await tem.findOne(EcommercePlatform, { $or: [{ code }, { name }] })) throw new UserInputError(`a platform with code ${code} or name ${name} is already registered`, 'code');
    return tem.create(EcommercePlatform, { code, name, operatorUscc, reportDueDay: due });
  });
}

/**
 * Issues the reporting key of a platform: an API key of the province bureau that may only report
 * (`platforms:report`) for that platform. The secret is returned once.
 */
export function createPlatformApiKey(em: EntityManager, platformId: string, name: string): Promise<{ apiKey: ApiKey; secret: string }> {
  return runCommand(em, 'createPlatformApiKey', async (tem) => {
    requireProvince('issues platform keys');
    const actor = currentActor();
    if (!actor.permissions.has(Permission.API_KEYS_MANAGE) && !actor.permissions.has(ALL_PERMISSIONS_MARKER)) {
      throw new AccessDeniedError(`${actor.name} may not issue keys`);
    }
    const platform = await tem.findOne(EcommercePlatform, { id: Number(platformId) || 0 });
    if (!platform) throw new NotFoundError('platform', platformId);
    const unit = await tem.findOne(Unit, { level: UnitLevel.PROVINCE });
    if (!unit) throw new NotFoundError('unit', 'province');
    const label = name.trim();
    if (label.length === 0 || label.length > 100) throw new UserInputError('name: 1–100 characters', 'name');
    const { prefix, secret } = newApiKey();
    const apiKey = tem.create(ApiKey, {
      name: label,
      prefix,
      secretHash: sha256(secret),
      unit,
      scopes: [Permission.PLATFORM_REPORT],
      platform,
      createdBy: actor.kind === 'user' && actor.id ? tem.getReference(User, actor.id) : null,
    });
    return { apiKey, secret };
  });
}
