import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { now } from '../kernel/clock';
import type { JurisdictionBound } from './jurisdiction';

/**
 * A day whose working status the province sets by hand (工作日调整): a holiday or an adjusted working day
 * of a year the maintained calendar package does not hold yet (the State Council publishes next year's
 * arrangement each November), or a correction. It overrides the package for that day. Province-wide:
 * `regionCode` is the province, so only a province-level actor may write one (the access rule's write
 * check); everyone reads it (no row filter). Audited.
 */
@ObjectType('CalendarDay', { description: 'A day whose working status the province set by hand (overrides the holiday package)' })
@Entity({ tableName: 'calendar_day' })
export class CalendarDay implements JurisdictionBound {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  @PrimaryKey({ type: 'date' })
  day!: string;

  @Field(() => Boolean, { description: 'true: a working day (e.g. an adjusted weekend, 调休上班); false: a day off (a holiday)' })
  @Property({ type: 'boolean' })
  working!: boolean;

  @Field(() => String, { description: 'e.g. 元旦, 春节, 春节调休' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 12 })
  regionCode: string & Opt = '37';

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  updatedBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => now() })
  updatedAt: Date & Opt = now();
}
