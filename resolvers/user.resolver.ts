import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Unit, User } from '../entities';
import { CreateUserInput } from '../schema/access.inputs';
import { authenticatedOnly, Permission } from '../services/access/permissions';
import { sha256 } from '../services/access/tokens';
import { changePassword, createUser, listUsers, resetPassword, setUserActive } from '../services/access/user.commands';
import type { Context } from './context';

@Resolver(() => User)
export class UserResolver {
  @Authorized(Permission.USERS_MANAGE)
  @Query(() => [User], { description: 'Staff logins of the units in your jurisdiction (optionally one unit and its subtree)' })
  users(@Ctx() { em }: Context, @Arg('unitId', () => ID, { nullable: true }) unitId?: string): Promise<User[]> {
    return listUsers(em, unitId);
  }

  @Authorized(Permission.USERS_MANAGE)
  @Mutation(() => User, { description: 'Creates a staff login for a unit in your jurisdiction' })
  createUser(@Ctx() { em }: Context, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<User> {
    return createUser(em, input);
  }

  @Authorized(Permission.USERS_MANAGE)
  @Mutation(() => User, { description: 'Activates or deactivates a login; deactivating ends its sessions' })
  setUserActive(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('active', () => Boolean) active: boolean): Promise<User> {
    return setUserActive(em, id, active);
  }

  @Authorized(Permission.USERS_MANAGE)
  @Mutation(() => User, { description: 'Sets a new password for a login (at least 10 characters) and ends its sessions' })
  resetPassword(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('password', () => String) password: string): Promise<User> {
    return resetPassword(em, id, password);
  }

  @Authorized(authenticatedOnly)
  @Mutation(() => Boolean, { description: 'Changes your own password; your other sessions end' })
  changePassword(
    @Ctx() { em, token }: Context,
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
  ): Promise<boolean> {
    return changePassword(em, currentPassword, newPassword, token ? sha256(token) : null);
  }

  @FieldResolver(() => Unit)
  unit(@Root() user: User, @Ctx() { em }: Context): Promise<Unit> {
    return em.findOneOrFail(Unit, { id: user.unit.id });
  }
}
