import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Level of an administrative division (GB/T 2260 style codes; prefix-shaped: 37 → 3701 → 370102 → 370102001). */
export enum RegionLevel {
  PROVINCE = 'province',
  CITY = 'city',
  COUNTY = 'county',
  TOWN = 'town',
}

/**
 * An administrative division of Shandong, vendored from data/regions-shandong.json. Reference data:
 * readable by every authenticated caller, never changed through the API.
 */
@Entity({ tableName: 'region' })
export class Region {
  @PrimaryKey({ type: 'string', length: 12 })
  code!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Enum({ items: () => RegionLevel, nativeEnumName: 'region_level' })
  level!: RegionLevel;

  @Index()
  @Property({ type: 'string', length: 12, nullable: true })
  parentCode!: string | null;
}
