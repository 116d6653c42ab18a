import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { type Actor, Role, Unit, User } from '../entities';
import { LoginPayload, Viewer } from '../schema/registry.types';
import { authenticatedOnly } from '../services/access/permissions';
import { login, logout } from '../services/access/login.command';
import type { Context } from './context';

async function presentViewer(ctx: Context, actor: Actor): Promise<Viewer> {
  const unit = actor.unitId ? await ctx.em.findOne(Unit, { id: actor.unitId }) : null;
  const user = actor.kind === 'user' && actor.id ? await ctx.em.findOne(User, { id: actor.id }) : null;
  return {
    name: actor.name,
    displayName: user?.displayName ?? null,
    kind: actor.kind,
    role: actor.role as Role,
    unit,
    permissions: [...actor.permissions].sort(),
    jurisdiction: [...actor.prefixes],
  };
}

@Resolver()
export class AuthResolver {
  @Mutation(() => LoginPayload, { description: 'Logs in with username and password; returns a bearer token. Refused attempts all answer UNAUTHENTICATED "wrong username or password"; repeated failures are throttled (retryAfter seconds, HTTP Retry-After)' })
  async login(
    @Ctx() ctx: Context,
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
  ): Promise<LoginPayload> {
    const { token, expiresAt, actor } = await login(ctx.em, username, password, ctx.config.sessionTtlHours, ctx.clientAddress);
    return { token, expiresAt, viewer: await presentViewer(ctx, actor) };
  }

  @Authorized(authenticatedOnly)
  @Mutation(() => Boolean, { description: 'Ends the current session' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    return ctx.token ? logout(ctx.em, ctx.token) : false;
  }

  @Authorized(authenticatedOnly)
  @Query(() => Viewer, { description: 'The caller: user or API key, unit, role, permissions, jurisdiction' })
  me(@Ctx() ctx: Context): Promise<Viewer> {
    return presentViewer(ctx, ctx.actor!);
  }
}
