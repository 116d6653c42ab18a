import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { Unit } from './unit.entity';

/** Roles of staff users. `system` is for API keys and jobs, never for people. */
export enum Role {
  LEADER = 'leader',
  ANALYST = 'analyst',
  INSPECTOR = 'inspector',
  ADMIN = 'admin',
  SYSTEM = 'system',
}

/** A staff member of a unit. Passwords are stored only as scrypt hashes. */
@ObjectType('User', { description: 'A staff login of a unit' })
@Entity({ tableName: 'app_user' })
export class User {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 64, unique: true })
  username!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  displayName!: string;

  @Property({ type: 'string', length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  unit!: Rel<Unit>;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'user_role' })
  role!: Role;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  active: boolean & Opt = true;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
