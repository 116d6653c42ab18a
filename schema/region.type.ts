import { Field, ID, ObjectType } from 'type-graphql';
import { RegionLevel } from '../entities';

/** An administrative division of Shandong (reference data). */
@ObjectType('Region', { description: 'An administrative division of Shandong (GB/T 2260 style code)' })
export class RegionType {
  @Field(() => ID, { description: 'division code: 37 (province), 3701 (city), 370102 (county), 370102001 (town)' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RegionLevel)
  level!: RegionLevel;

  @Field(() => String, { nullable: true })
  parent!: string | null;
}

/** How many rows of something lie in one region. */
@ObjectType('RegionCount')
export class RegionCount {
  @Field(() => String)
  regionCode!: string;

  @Field(() => RegionType)
  region!: RegionType;

  @Field(() => Number, { description: 'count of rows in the region visible to the caller' })
  count!: number;
}
