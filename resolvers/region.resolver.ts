import { Arg, Authorized, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { RegionLevel } from '../entities';
import { RegionType } from '../schema/region.type';
import { Permission } from '../services/access/permissions';
import { regionCatalog } from '../services/registry/region-catalog';
import { presentRegion } from './presenters';

@Resolver(() => RegionType)
export class RegionResolver {
  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [RegionType], { description: 'Subdivisions of a region (the province when parentCode is omitted), or all regions of a level' })
  regions(
    @Arg('parentCode', () => String, { nullable: true }) parentCode?: string,
    @Arg('level', () => RegionLevel, { nullable: true }) level?: RegionLevel,
  ): RegionType[] {
    const catalog = regionCatalog();
    if (level) return catalog.ofLevel(level).filter((r) => !parentCode || r.code.startsWith(parentCode));
    if (!parentCode) return catalog.childrenOf(null);
    presentRegion(parentCode);
    return catalog.childrenOf(parentCode);
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => RegionType, { description: 'A region by its code' })
  region(@Arg('code', () => String) code: string): RegionType {
    return presentRegion(code);
  }

  @FieldResolver(() => [RegionType])
  children(@Root() region: RegionType): RegionType[] {
    return regionCatalog().childrenOf(region.code);
  }

  @FieldResolver(() => RegionType, { nullable: true })
  parentRegion(@Root() region: RegionType): RegionType | null {
    return region.parent ? presentRegion(region.parent) : null;
  }

  @FieldResolver(() => String, { description: 'full name, e.g. 山东省济南市历下区' })
  fullName(@Root() region: RegionType): string {
    return regionCatalog().fullName(region.code);
  }
}
