import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

/** Level of a unit in the bureau tree. */
export enum UnitLevel {
  PROVINCE = 'province',
  CITY = 'city',
  COUNTY = 'county',
  STATION = 'station',
}

/**
 * A unit of the market-regulation bureau tree: the province bureau, city and county bureaus and the
 * grass-roots stations (市场监管所). Its jurisdiction is a set of region codes (prefixes): a county
 * bureau holds its county, a station a set of towns of its county.
 */
@ObjectType('Unit', { description: 'A unit of the bureau tree (province, city and county bureaus, stations)' })
@Entity({ tableName: 'unit' })
export class Unit {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  /** stable code: the region code for bureaus (e.g. `370102`), `<county>-S<nn>` for stations */
  @Field(() => String)
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => UnitLevel)
  @Enum({ items: () => UnitLevel, nativeEnumName: 'unit_level' })
  level!: UnitLevel;

  @ManyToOne(() => Unit, { nullable: true, deleteRule: 'restrict' })
  parent!: Rel<Unit> | null;

  /** materialised path of unit codes from the root, `/37/3701/370102/370102-S01/`, for subtree queries */
  @Field(() => String, { description: 'unit codes from the root, e.g. /37/3701/370102/' })
  @Index()
  @Property({ type: 'string', length: 255 })
  path!: string;

  /** the region the unit is seated in (its county for a station) */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** region-code prefixes the unit supervises */
  @Field(() => [String], { description: 'region-code prefixes the unit supervises' })
  @Property({ type: 'text[]' })
  jurisdiction!: string[];

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
