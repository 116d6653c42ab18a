import { Reference } from '@mikro-orm/core';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CreateStationInput } from '../schema/access.inputs';
import { createStation } from '../services/access/station.commands';
import { Unit } from '../entities';
import { RegionType } from '../schema/region.type';
import { Permission } from '../services/access/permissions';
import { NotFoundError } from '../services/errors';
import type { Context } from './context';
import { presentRegion } from './presenters';

@Resolver(() => Unit)
export class UnitResolver {
  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [Unit], { description: 'Units under a unit (the province bureau when parentId is omitted)' })
  async units(@Ctx() { em }: Context, @Arg('parentId', () => ID, { nullable: true }) parentId?: string): Promise<Unit[]> {
    return em.find(Unit, { parent: parentId ? Number(parentId) : null }, { orderBy: { code: 'asc' } });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => Unit)
  async unit(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<Unit> {
    const unit = await em.findOne(Unit, { id: Number(id) || -1 });
    if (!unit) throw new NotFoundError('unit', id);
    return unit;
  }

  @Authorized(Permission.UNITS_MANAGE)
  @Mutation(() => Unit, { description: 'Adds a grass-roots station (市场监管所) under a county bureau, with the towns it supervises' })
  createStation(@Ctx() { em }: Context, @Arg('input', () => CreateStationInput) input: CreateStationInput): Promise<Unit> {
    return createStation(em, input);
  }

  @FieldResolver(() => Unit, { nullable: true })
  async parent(@Root() unit: Unit): Promise<Unit | null> {
    return unit.parent ? Reference.create(unit.parent).load({ dataloader: true }) : null;
  }

  @FieldResolver(() => [Unit])
  children(@Root() unit: Unit, @Ctx() { loaders }: Context): Promise<Unit[]> {
    return loaders.unitChildren.load(unit.id);
  }

  @FieldResolver(() => RegionType)
  region(@Root() unit: Unit): RegionType {
    return presentRegion(unit.regionCode);
  }

  @FieldResolver(() => [RegionType], { description: 'the regions of the jurisdiction' })
  jurisdictionRegions(@Root() unit: Unit): RegionType[] {
    return unit.jurisdiction.map(presentRegion);
  }
}
