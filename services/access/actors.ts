import type { Actor, ApiKey, User } from '../../entities';
import { Role } from '../../entities';
import { ROLE_PERMISSIONS } from './permissions';

/** The actor of a staff user: their role's permissions, their unit's jurisdiction. */
export function actorForUser(user: User): Actor {
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    unitId: user.unit.id,
    role: user.role,
    permissions: new Set(ROLE_PERMISSIONS[user.role]),
    prefixes: [...user.unit.jurisdiction],
  };
}

/** The actor of an API key: exactly its scopes, its unit's jurisdiction. */
export function actorForApiKey(key: ApiKey): Actor {
  return {
    kind: 'apiKey',
    id: key.id,
    name: `apikey:${key.name}`,
    unitId: key.unit.id,
    role: Role.SYSTEM,
    permissions: new Set(key.scopes),
    prefixes: [...key.unit.jurisdiction],
    ...(key.platform ? { platformId: key.platform.id } : {}),
  };
}
