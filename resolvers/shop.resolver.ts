import { wrap } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { OnlineEntity, Shop, ShopEvent, Unit } from '../entities';
import { PageArgs } from '../schema/connection';
import { RegionCount, RegionType } from '../schema/region.type';
import { CreateShopInput, FileShopInput, MaintainShopInput, ShopFilter, ShopOrder } from '../schema/registry.inputs';
import { ShopConnection } from '../schema/registry.types';
import { Permission } from '../services/access/permissions';
import { createShop, fileShop, maintainShop } from '../services/registry/shop.commands';
import { countShopsByRegion, getShop, listShops } from '../services/registry/shop.queries';
import type { Context } from './context';
import { presentRegion } from './presenters';
import { selects } from './selection';

@Resolver(() => Shop)
export class ShopResolver {
  @Authorized(Permission.REGISTRY_READ)
  @Query(() => ShopConnection, { description: 'Shops in your jurisdiction' })
  shops(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ShopFilter, { nullable: true }) filter: ShopFilter | undefined,
    @Arg('orderBy', () => ShopOrder, { nullable: true }) orderBy: ShopOrder | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listShops(em, filter, orderBy, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => Shop)
  shop(@Ctx() { em }: Context, @Arg('id', () => ID) id: string) {
    return getShop(em, id);
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [RegionCount], { description: 'Shops per subdivision of a region, in your jurisdiction' })
  shopCountsByRegion(
    @Ctx() { em }: Context,
    @Arg('parentCode', () => String, { defaultValue: '37' }) parentCode: string,
    @Arg('filter', () => ShopFilter, { nullable: true }) filter?: ShopFilter,
  ) {
    return countShopsByRegion(em, parentCode, filter);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => Shop, { description: 'Adds a shop to the register by hand (unfiled)' })
  createShop(@Ctx() { em }: Context, @Arg('input', () => CreateShopInput) input: CreateShopInput) {
    return createShop(em, input);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => Shop, { description: 'Files a shop (建档): links it to its registered business' })
  fileShop(@Ctx() { em }: Context, @Arg('input', () => FileShopInput) input: FileShopInput) {
    return fileShop(em, input);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => Shop, { description: 'Records a maintenance check (比对维护): link dead, not in jurisdiction, info mismatch, or in order' })
  maintainShop(@Ctx() { em }: Context, @Arg('input', () => MaintainShopInput) input: MaintainShopInput) {
    return maintainShop(em, input);
  }

  @FieldResolver(() => OnlineEntity, { nullable: true, description: 'the registered business (null if unlinked or outside your jurisdiction)' })
  async entity(@Root() shop: Shop): Promise<OnlineEntity | null> {
    // loads through the jurisdiction filter (batched): a business outside comes back uninitialised
    const entity = shop.entity ? await shop.entity.load() : null;
    return entity && wrap(entity).isInitialized() ? entity : null;
  }

  @FieldResolver(() => Unit, { nullable: true })
  responsibleUnit(@Root() shop: Shop): Promise<Unit | null> | null {
    return shop.responsibleUnit ? shop.responsibleUnit.load() : null;
  }

  @FieldResolver(() => RegionType)
  region(@Root() shop: Shop): RegionType {
    return presentRegion(shop.regionCode);
  }

  @FieldResolver(() => [ShopEvent], { description: 'filing and maintenance history, oldest first' })
  history(@Root() shop: Shop, @Ctx() { loaders }: Context): Promise<ShopEvent[]> {
    return loaders.shopHistory.load(shop.id);
  }
}
