import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Field, GraphQLISODateTime, Info, InputType, Query, Resolver } from 'type-graphql';
import { selects } from './selection';
import type { FilterQuery } from '@mikro-orm/core';
import { AuditEntry } from '../entities';
import { PageArgs } from '../schema/connection';
import { AuditEntryConnection } from '../schema/registry.types';
import { Permission } from '../services/access/permissions';
import { paginate } from '../services/pagination';
import type { Context } from './context';

@InputType('AuditFilter')
export class AuditFilter {
  @Field(() => String, { nullable: true, description: 'e.g. Shop, OnlineEntity, User, ApiKey' })
  entityType?: string;

  @Field(() => String, { nullable: true })
  entityId?: string;

  @Field(() => String, { nullable: true, description: 'the mutation or command, e.g. fileShop' })
  operation?: string;

  @Field(() => String, { nullable: true })
  actorName?: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  since?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  until?: Date;
}

@Resolver()
export class AuditResolver {
  @Authorized(Permission.AUDIT_READ)
  @Query(() => AuditEntryConnection, { description: 'Audit log of changes in your jurisdiction, newest first' })
  auditEntries(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditFilter, { nullable: true }) filter: AuditFilter | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    const where: FilterQuery<AuditEntry> = {};
    if (filter?.entityType) where.entityType = filter.entityType;
    if (filter?.entityId) where.entityId = filter.entityId;
    if (filter?.operation) where.operation = filter.operation;
    if (filter?.actorName) where.actorName = filter.actorName;
    if (filter?.since || filter?.until) where.at = { ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) };
    return paginate(em, AuditEntry, where, { id: 'desc' } as never, { ...page, countTotal: selects(info, 'totalCount') });
  }
}
