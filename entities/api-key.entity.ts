import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { EcommercePlatform } from './platform-report.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

/**
 * A key for another bureau system. Acts for its unit's jurisdiction with exactly its scopes
 * (permissions). Only the SHA-256 of the secret is stored; `prefix` identifies the key in logs.
 */
@ObjectType('ApiKey', { description: 'A key another bureau system uses to call the API' })
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => String, { description: 'public identifier of the key' })
  @Property({ type: 'string', length: 16, unique: true })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  secretHash!: string;

  @ManyToOne(() => Unit, { deleteRule: 'restrict' })
  unit!: Rel<Unit>;

  @Field(() => [String])
  @Property({ type: 'text[]' })
  scopes!: string[];

  /** set on a platform's reporting key: the platform it reports for (平台报送) */
  @ManyToOne(() => EcommercePlatform, { nullable: true, deleteRule: 'restrict' })
  platform: Rel<EcommercePlatform> | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy!: Rel<User> | null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;
}
