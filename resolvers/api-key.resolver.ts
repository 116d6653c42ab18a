import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApiKey, coversJurisdiction, currentActor, Unit } from '../entities';
import { CreateApiKeyInput } from '../schema/registry.inputs';
import { ApiKeyCreated } from '../schema/registry.types';
import { Permission } from '../services/access/permissions';
import { createApiKey, revokeApiKey } from '../services/access/api-key.commands';
import type { Context } from './context';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized(Permission.API_KEYS_MANAGE)
  @Query(() => [ApiKey], { description: 'API keys of units in your jurisdiction' })
  async apiKeys(@Ctx() { em }: Context): Promise<ApiKey[]> {
    const { prefixes } = currentActor();
    const keys = await em.find(ApiKey, {}, { populate: ['unit'], orderBy: { id: 'asc' } });
    return keys.filter((k) => coversJurisdiction(prefixes, k.unit.jurisdiction));
  }

  @Authorized(Permission.API_KEYS_MANAGE)
  @Mutation(() => ApiKeyCreated, { description: 'Issues an API key for another bureau system; the secret is shown once' })
  createApiKey(@Ctx() { em }: Context, @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput) {
    return createApiKey(em, input);
  }

  @Authorized(Permission.API_KEYS_MANAGE)
  @Mutation(() => ApiKey, { description: 'Revokes an API key' })
  revokeApiKey(@Ctx() { em }: Context, @Arg('id', () => ID) id: string) {
    return revokeApiKey(em, id);
  }

  @FieldResolver(() => Unit)
  async unit(@Root() key: ApiKey, @Ctx() { em }: Context): Promise<Unit> {
    return em.findOneOrFail(Unit, { id: key.unit.id });
  }
}
