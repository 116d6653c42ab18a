import type { EntityManager } from '@mikro-orm/postgresql';
import { coversJurisdiction, currentActor, Role, Session, Unit, User } from '../../entities';
import { ROLE_PERMISSIONS } from './permissions';
import { hashPassword, verifyPassword } from './password';
import { clearThrottle } from './login-throttle';
import type { CreateUserInput } from '../../schema/access.inputs';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';

export const MIN_PASSWORD_LENGTH = 10;

function requirePassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserInputError(`${field} must have at least ${MIN_PASSWORD_LENGTH} characters`, field);
}

/** A unit in the caller's jurisdiction, or NotFoundError (outsiders learn nothing). */
async function unitInJurisdiction(em: EntityManager, id: string): Promise<Unit> {
  const unit = await em.findOne(Unit, { id: Number(id) || -1 });
  if (!unit || !coversJurisdiction(currentActor().prefixes, unit.jurisdiction)) throw new NotFoundError('unit', id);
  return unit;
}

/** A staff user of a unit in the caller's jurisdiction, or NotFoundError. */
async function userInJurisdiction(em: EntityManager, id: string): Promise<User> {
  const user = await em.findOne(User, { id: Number(id) || -1 }, { populate: ['unit'] });
  if (!user || !coversJurisdiction(currentActor().prefixes, user.unit.jurisdiction)) throw new NotFoundError('user', id);
  return user;
}

/** Staff of the units in the caller's jurisdiction (optionally one unit's subtree). */
export async function listUsers(em: EntityManager, unitId?: string | null): Promise<User[]> {
  const actor = currentActor();
  const where = unitId ? { unit: { path: { $like: `${(await unitInJurisdiction(em, unitId)).path}%` } } } : {};
  const users = await em.find(User, where, { populate: ['unit'], orderBy: { username: 'asc' } });
  return users.filter((u) => coversJurisdiction(actor.prefixes, u.unit.jurisdiction));
}

/**
 * Creates a staff login for a unit in the caller's jurisdiction. The role may not carry a permission
 * the caller lacks (an inspector cannot make an admin), and never `system`.
 */
export function createUser(em: EntityManager, input: CreateUserInput): Promise<User> {
  return runCommand(em, 'createUser', async (tem) => {
    const actor = currentActor();
    if (input.role === Role.SYSTEM) throw new UserInputError('staff cannot have the system role; issue an API key instead', 'role');
    const missing = ROLE_PERMISSIONS[input.role].filter((p) => !actor.permissions.has(p) && !actor.permissions.has('*'));
    if (missing.length > 0) throw new UserInputError(`you cannot create a ${input.role}: the role holds ${missing.join(', ')}, which you do not`, 'role');
    requirePassword(input.password);
    const unit = await unitInJurisdiction(tem, input.unitId);
    if ((await tem.count(User, { username: input.username })) > 0) throw new UserInputError(`username ${input.username} is taken`, 'username');
    return tem.create(User, {
      username: input.username,
      displayName: input.displayName.trim(),
      passwordHash: await hashPassword(input.password),
      unit,
      role: input.role,
    });
  });
}

async function revokeSessions(em: EntityManager, user: User): Promise<void> {
  const sessions = await em.find(Session, { user, revokedAt: null, expiresAt: { $gt: new Date() } });
  for (const s of sessions) s.revokedAt = new Date();
}

/** Activates or deactivates a login of the caller's jurisdiction; deactivating ends its sessions. */
export function setUserActive(em: EntityManager, id: string, active: boolean): Promise<User> {
  return runCommand(em, 'setUserActive', async (tem) => {
    const user = await userInJurisdiction(tem, id);
    const actor = currentActor();
    if (!active && actor.kind === 'user' && actor.id === user.id) throw new UserInputError('you cannot deactivate yourself', 'id');
    user.active = active;
    if (!active) await revokeSessions(tem, user);
    return user;
  });
}

/** Sets a new password for a login of the caller's jurisdiction, ends its sessions and lifts its login throttle. */
export function resetPassword(em: EntityManager, id: string, password: string): Promise<User> {
  return runCommand(em, 'resetPassword', async (tem) => {
    requirePassword(password);
    const user = await userInJurisdiction(tem, id);
    user.passwordHash = await hashPassword(password);
    // an administrator's reset lifts the login throttle of the account too
    await clearThrottle(tem, user.username);
    await revokeSessions(tem, user);
    return user;
  });
}

/** Changes the caller's own password after checking the current one; other sessions end. */
export function changePassword(em: EntityManager, currentPassword: string, newPassword: string, keepTokenHash: string | null): Promise<boolean> {
  return runCommand(em, 'changePassword', async (tem) => {
    const actor = currentActor();
    if (actor.kind !== 'user' || !actor.id) throw new UserInputError('only staff logins have a password');
    const user = await tem.findOneOrFail(User, { id: actor.id }, { populate: ['unit', 'passwordHash'] });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new UserInputError('the current password is wrong', 'currentPassword');
    requirePassword(newPassword, 'newPassword');
    if (newPassword === currentPassword) throw new UserInputError('the new password must differ from the current one', 'newPassword');
    user.passwordHash = await hashPassword(newPassword);
    const sessions = await tem.find(Session, { user, revokedAt: null, ...(keepTokenHash ? { tokenHash: { $ne: keepTokenHash } } : {}) });
    for (const s of sessions) s.revokedAt = new Date();
    return true;
  });
}
