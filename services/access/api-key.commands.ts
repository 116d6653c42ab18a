import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, coversJurisdiction, currentActor, Unit, User } from '../../entities';
import type { CreateApiKeyInput } from '../../schema/registry.inputs';
import { API_KEY_SCOPES } from './permissions';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { newApiKey, sha256 } from './tokens';

/**
 * Issues an API key for a unit in the caller's jurisdiction, with scopes the caller holds itself.
 * Returns the secret once; only its hash is kept.
 */
export function createApiKey(em: EntityManager, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
  return runCommand(em, 'createApiKey', async (tem) => {
    const actor = currentActor();
    const unit = await tem.findOne(Unit, { id: Number(input.unitId) });
    if (!unit || !coversJurisdiction(actor.prefixes, unit.jurisdiction)) throw new NotFoundError('unit', input.unitId);
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) throw new UserInputError('give at least one scope', 'scopes');
    for (const scope of scopes) {
      if (!API_KEY_SCOPES.includes(scope as never)) {
        throw new UserInputError(`scope "${scope}" does not exist; choose from ${API_KEY_SCOPES.join(', ')}`, 'scopes');
      }
      if (!actor.permissions.has(scope) && !actor.permissions.has('*')) {
        throw new UserInputError(`you cannot grant "${scope}": you do not hold it yourself`, 'scopes');
      }
    }
    const { prefix, secret } = newApiKey();
    const apiKey = tem.create(ApiKey, {
      name: input.name.trim(),
      prefix,
      secretHash: sha256(secret),
      unit,
      scopes,
      createdBy: actor.kind === 'user' && actor.id ? tem.getReference(User, actor.id) : null,
    });
    return { apiKey, secret };
  });
}

/** Revokes an API key of a unit in the caller's jurisdiction. */
export function revokeApiKey(em: EntityManager, id: string): Promise<ApiKey> {
  return runCommand(em, 'revokeApiKey', async (tem) => {
    const key = await tem.findOne(ApiKey, { id: Number(id) }, { populate: ['unit'] });
    if (!key || !coversJurisdiction(currentActor().prefixes, key.unit.jurisdiction)) throw new NotFoundError('API key', id);
    if (key.revokedAt) throw new UserInputError(`API key ${key.prefix} is already revoked`);
    key.revokedAt = new Date();
    return key;
  });
}
