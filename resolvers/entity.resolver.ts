import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OnlineEntity } from '../entities';
import { PageArgs } from '../schema/connection';
import { RegionCount, RegionType } from '../schema/region.type';
import { CreateEntityInput, EntityFilter, EntityOrder, ShopFilter, UpdateEntityInput } from '../schema/registry.inputs';
import { OnlineEntityConnection, ShopConnection } from '../schema/registry.types';
import { Permission } from '../services/access/permissions';
import { createEntity, updateEntity } from '../services/registry/entity.commands';
import { countEntitiesByRegion, getEntity, listEntities } from '../services/registry/entity.queries';
import { listShops } from '../services/registry/shop.queries';
import type { Context } from './context';
import { presentRegion } from './presenters';
import { selects } from './selection';

@Resolver(() => OnlineEntity)
export class EntityResolver {
  @Authorized(Permission.REGISTRY_READ)
  @Query(() => OnlineEntityConnection, { description: 'Registered businesses in your jurisdiction' })
  entities(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => EntityFilter, { nullable: true }) filter: EntityFilter | undefined,
    @Arg('orderBy', () => EntityOrder, { nullable: true }) orderBy: EntityOrder | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listEntities(em, filter, orderBy, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => OnlineEntity, { description: 'A registered business by id or USCC' })
  entity(
    @Ctx() { em }: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('uscc', () => String, { nullable: true }) uscc?: string,
  ) {
    return getEntity(em, { id, uscc });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [RegionCount], { description: 'Registered businesses per subdivision of a region, in your jurisdiction' })
  entityCountsByRegion(
    @Ctx() { em }: Context,
    @Arg('parentCode', () => String, { defaultValue: '37' }) parentCode: string,
    @Arg('filter', () => EntityFilter, { nullable: true }) filter?: EntityFilter,
  ) {
    return countEntitiesByRegion(em, parentCode, filter);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => OnlineEntity, { description: 'Adds a business to the register' })
  createEntity(@Ctx() { em }: Context, @Arg('input', () => CreateEntityInput) input: CreateEntityInput) {
    return createEntity(em, input);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => OnlineEntity, { description: 'Changes a registered business' })
  updateEntity(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateEntityInput) input: UpdateEntityInput) {
    return updateEntity(em, id, input);
  }

  @FieldResolver(() => RegionType)
  region(@Root() entity: OnlineEntity): RegionType {
    return presentRegion(entity.regionCode);
  }

  @FieldResolver(() => Int, { description: 'shops of the business in your jurisdiction' })
  shopCount(@Root() entity: OnlineEntity, @Ctx() { loaders }: Context): Promise<number> {
    return loaders.shopCountOfEntity.load(entity.id);
  }

  @FieldResolver(() => ShopConnection, { description: 'shops of the business in your jurisdiction' })
  shops(@Root() entity: OnlineEntity, @Ctx() { em }: Context, @Args(() => PageArgs) page: PageArgs, @Info() info: GraphQLResolveInfo) {
    const filter: ShopFilter = { entityId: String(entity.id) };
    return listShops(em, filter, undefined, { ...page, countTotal: selects(info, 'totalCount') });
  }
}
