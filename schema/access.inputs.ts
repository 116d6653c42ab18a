import { ArrayMinSize, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../entities';

/** A staff login to create for a unit in the caller's jurisdiction. */
@InputType('CreateUserInput')
export class CreateUserInput {
  @Field(() => String, { description: '3–64 lower-case letters, digits, dots, dashes, underscores' })
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, { message: 'username must be 3–64 lower-case letters, digits, dots, dashes or underscores' })
  username!: string;

  @Field(() => String)
  @Length(1, 100)
  displayName!: string;

  @Field(() => ID)
  unitId!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { description: 'initial password, at least 10 characters' })
  @Length(10, 200, { message: 'password must have 10 to 200 characters' })
  password!: string;
}

/** A grass-roots station (市场监管所) to add under a county bureau. */
@InputType('CreateStationInput')
export class CreateStationInput {
  @Field(() => ID, { description: 'the county bureau the station belongs to' })
  countyUnitId!: string;

  @Field(() => String, { description: 'e.g. 解放路市场监管所' })
  @Length(2, 100)
  name!: string;

  @Field(() => [String], { description: 'town/street codes of the county the station supervises' })
  @ArrayMinSize(1, { message: 'a station supervises at least one town' })
  towns!: string[];

  @Field(() => String, { nullable: true, description: 'code; default: the next free `<county>-S<nn>`' })
  @IsOptional()
  @Matches(/^\d{6}-S\d{2}$/, { message: 'a station code looks like 370102-S07' })
  code?: string;
}
