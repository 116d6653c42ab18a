import type { EntityManager } from '@mikro-orm/postgresql';
import { Role, Unit, UnitLevel, User } from '../../entities';
import { hashPassword } from './password';
import { buildUnitTree } from './unit-tree';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { loadRegions, regionCatalog } from '../registry/region-catalog';
import { runAsSystem } from '../system-actor';

export interface SetupResult {
  regions: number;
  unitsCreated: number;
  admin: { username: string; created: boolean };
}

/**
 * Prepares an empty production database: the regions, the bureau tree of real bureaus (province, 16
 * cities, 151 counties — stations are added by each county, they are not in any public register) and
 * a first province administrator. Idempotent: what exists is left as it is.
 */
export async function setupPlatform(em: EntityManager, props: { adminUsername: string; adminPassword: string; adminName?: string }): Promise<SetupResult> {
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(props.adminUsername)) {
    throw new UserInputError('the admin username must be 3–64 lower-case letters, digits, dots, dashes or underscores');
  }
  if (props.adminPassword.length < 12) throw new UserInputError('the admin password must have at least 12 characters');
  return runAsSystem('setup', async () => {
    const regions = await loadRegions(em.fork());
    return runCommand(em.fork(), 'setup', async (tem) => {
      let unitsCreated = 0;
      if ((await tem.count(Unit, {})) === 0) {
        const byCode = new Map<string, Unit>();
        for (const planned of buildUnitTree(regionCatalog()).filter((u) => u.level !== UnitLevel.STATION)) {
          const unit = tem.create(Unit, {
            code: planned.code,
            name: planned.name,
            level: planned.level,
            parent: planned.parentCode ? byCode.get(planned.parentCode)! : null,
            path: planned.path,
            regionCode: planned.regionCode,
            jurisdiction: planned.jurisdiction,
          });
          byCode.set(planned.code, unit);
          unitsCreated++;
        }
      }
      let created = false;
      if (!(await tem.findOne(User, { username: props.adminUsername }))) {
        // (the query flushes the units created above first)
        const unit = await tem.findOne(Unit, { parent: null, level: UnitLevel.PROVINCE });
        if (!unit) throw new Error('no province unit to attach the administrator to');
        tem.create(User, {
          username: props.adminUsername,
          displayName: props.adminName ?? '系统管理员',
          passwordHash: await hashPassword(props.adminPassword),
          unit,
          role: Role.ADMIN,
        });
        created = true;
      }
      return { regions, unitsCreated, admin: { username: props.adminUsername, created } };
    });
  });
}
