import { IsOptional, MaxLength } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Clue, ClueOutcome, ClueSource, ClueStatus, Unit } from '../entities';
import { ConnectionType } from './connection';

export const ClueConnection = ConnectionType('Clue', Clue);

@InputType('ClueFilter')
export class ClueFilterInput {
  @Field(() => [ClueStatus], { nullable: true })
  statuses?: ClueStatus[];

  @Field(() => ID, { nullable: true, description: 'assigned to this unit or a unit under it' })
  unitId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: assigned and past the deadline; false: not overdue' })
  overdue?: boolean;

  @Field(() => ID, { nullable: true })
  shopId?: string;

  @Field(() => String, { nullable: true })
  ruleId?: string;
}

@InputType('CreateClueInput')
export class CreateClueInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(10_000)
  description!: string;

  @Field(() => ClueSource, { description: 'complaint, patrol or manual (findings: raiseClueFromFinding)' })
  source!: ClueSource;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  note?: string;
}

@InputType('AssignClueInput')
export class AssignClueInput {
  @Field(() => ID)
  clueId!: string;

  @Field(() => ID, { nullable: true, description: 'default: the deepest unit whose jurisdiction holds the shop\'s region' })
  unitId?: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'default: 15 days from now; must lie in the future' })
  deadline?: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  note?: string;
}

@InputType('HandleClueInput')
export class HandleClueInput {
  @Field(() => ID)
  clueId!: string;

  @Field(() => ClueOutcome)
  outcome!: ClueOutcome;

  @Field(() => String, { description: 'what was found and done' })
  @MaxLength(10_000)
  note!: string;
}

@ObjectType('ClueUnitCount', { description: 'Clues assigned to a unit or a unit under it, by where they stand' })
export class ClueUnitCountType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { description: 'assigned, waiting for handling' })
  open!: number;

  @Field(() => Int, { description: 'assigned and past the deadline' })
  overdue!: number;

  @Field(() => Int, { description: 'handled or fed back, not yet archived' })
  handled!: number;

  @Field(() => Int)
  archived!: number;
}
