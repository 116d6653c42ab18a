import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { CalendarDay } from '../entities';
import { authenticatedOnly, Permission } from '../services/access/permissions';
import { calendarBetween, clearCalendarDay, setCalendarDay } from '../services/calendar/calendar-days';
import type { Context } from './context';

@ObjectType('CalendarEntry', { description: 'A day of China\'s working-day calendar as the platform counts it' })
class CalendarEntryType {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  day!: string;

  @Field(() => Boolean)
  working!: boolean;

  @Field(() => String, { nullable: true, description: 'the holiday or adjustment, where there is one' })
  name!: string | null;

  @Field(() => String, { description: 'province (set by hand), package (the State Council arrangement in the holiday package) or weekday (a year neither holds: Monday–Friday)' })
  source!: string;
}

@InputType('SetCalendarDayInput')
class SetCalendarDayInput {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  day!: string;

  @Field(() => Boolean, { description: 'true: a working day (调休上班); false: a day off (a holiday)' })
  working!: boolean;

  @Field(() => String, { description: 'e.g. 元旦, 春节, 春节调休' })
  name!: string;
}

@Resolver()
export class CalendarResolver {
  @Authorized(authenticatedOnly)
  @Query(() => [CalendarEntryType], { description: 'The working-day calendar from `from` to `to` (at most 366 days), with where each day\'s status comes from' })
  workingCalendar(@Ctx() { em }: Context, @Arg('from', () => String) from: string, @Arg('to', () => String) to: string) {
    return calendarBetween(em, from, to);
  }

  @Authorized(Permission.CALENDAR_MANAGE)
  @Mutation(() => CalendarDay, { description: 'Sets a day\'s working status for the whole province (province administrators): a holiday or adjusted working day the holiday package does not hold yet' })
  setCalendarDay(@Ctx() { em }: Context, @Arg('input', () => SetCalendarDayInput) input: SetCalendarDayInput): Promise<CalendarDay> {
    return setCalendarDay(em, input);
  }

  @Authorized(Permission.CALENDAR_MANAGE)
  @Mutation(() => Boolean, { description: 'Removes a hand-set day: the holiday package (or Monday–Friday) decides it again' })
  clearCalendarDay(@Ctx() { em }: Context, @Arg('day', () => String) day: string): Promise<boolean> {
    return clearCalendarDay(em, day);
  }
}
