import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { ApiKey, AuditEntry, OnlineEntity, Role, Shop, Unit } from '../entities';
import { ConnectionType } from './connection';

@ObjectType('ShopConnection')
export class ShopConnection extends ConnectionType('Shop', Shop) {}

@ObjectType('OnlineEntityConnection')
export class OnlineEntityConnection extends ConnectionType('OnlineEntity', OnlineEntity) {}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnection extends ConnectionType('AuditEntry', AuditEntry) {}

/** One problem in one row of an import file. */
@ObjectType('ImportRowError')
export class ImportRowErrorType {
  @Field(() => Int, { description: 'row number as the spreadsheet shows it (header = row 1)' })
  row!: number;

  @Field(() => String, { nullable: true, description: 'column name as in the file' })
  column!: string | null;

  @Field(() => String)
  reason!: string;
}

/** Outcome of a register import. */
@ObjectType('ImportReport')
export class ImportReportType {
  @Field(() => ID)
  batchId!: number;

  @Field(() => String, { description: 'committed: valid rows written; rejected: strict mode with errors, nothing written' })
  status!: string;

  @Field(() => Int)
  totalRows!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => [ImportRowErrorType])
  errors!: ImportRowErrorType[];

  @Field(() => [String])
  warnings!: string[];
}

/** The caller. */
@ObjectType('Viewer')
export class Viewer {
  @Field(() => String, { description: 'username, or the API key name' })
  name!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String)
  kind!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => Unit, { nullable: true })
  unit!: Unit | null;

  @Field(() => [String])
  permissions!: string[];

  @Field(() => [String], { description: 'region-code prefixes the caller may see and change' })
  jurisdiction!: string[];
}

@ObjectType('LoginPayload')
export class LoginPayload {
  @Field(() => String, { description: 'bearer token: send as `Authorization: Bearer <token>`' })
  token!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => Viewer)
  viewer!: Viewer;
}

@ObjectType('ApiKeyCreated')
export class ApiKeyCreated {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'the full key, shown once: send as `Authorization: Bearer <secret>`' })
  secret!: string;
}
