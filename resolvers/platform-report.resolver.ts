import { createHash } from 'node:crypto';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { EcommercePlatform, OnlineEntity, PlatformReport, PlatformShop, ReconciliationConflict, Shop } from '../entities';
import { ApiKeyCreated } from '../schema/registry.types';
import { PageArgs } from '../schema/connection';
import {
  ConflictCountType,
  ConflictFilterInput,
  FactSourceType,
  PlatformReportInput,
  PlatformReportingStatType,
  PlatformReportType,
  ReconcileSummaryType,
  ReconciliationConflictConnection,
  RegisterPlatformInput,
} from '../schema/platform-reports.types';
import { Permission } from '../services/access/permissions';
import { AccessDeniedError } from '../entities';
import { currentActor } from '../entities';
import { dismissConflict, raiseClueFromConflict } from '../services/registry/platform-reports/conflict.commands';
import { createPlatformApiKey, registerPlatform } from '../services/registry/platform-reports/platform.commands';
import {
  conflictCounts,
  entityFactSources,
  getPlatformReport,
  listConflicts,
  listPlatformReports,
  listPlatforms,
  platformReportingStats,
  shopFactSources,
} from '../services/registry/platform-reports/platform.queries';
import { reconcileRegister } from '../services/registry/platform-reports/reconcile';
import { submitPlatformReport } from '../services/registry/platform-reports/submit-report';
import { runAsSystem } from '../services/system-actor';
import type { Context } from './context';
import { selects } from './selection';

/** What leaves the API of a stored report. */
export function presentReport(report: PlatformReport, replayed = false): PlatformReportType {
  return {
    id: report.id,
    platform: report.platform.getEntity(),
    reportId: report.reportId,
    mode: report.mode as PlatformReportType['mode'],
    format: report.format,
    sha256: report.sha256,
    status: report.status,
    asOf: report.asOf,
    receivedAt: report.receivedAt,
    totalRows: report.totalRows,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    absent: report.absent,
    rejected: report.rejected,
    errorCount: report.errorCount,
    errors: report.errors,
    warnings: report.warnings,
    replayed,
  };
}

/** Platform reports (平台报送): intake, the platforms, their reporting. */
@Resolver()
export class PlatformReportResolver {
  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [EcommercePlatform], { description: 'The e-commerce platforms that report the shops on them' })
  platforms(@Ctx() { em }: Context) {
    return listPlatforms(em);
  }

  @Authorized(Permission.API_KEYS_MANAGE)
  @Mutation(() => EcommercePlatform, { description: 'Registers an e-commerce platform that reports its shops (province bureau)' })
  registerPlatform(@Ctx() { em }: Context, @Arg('input', () => RegisterPlatformInput) input: RegisterPlatformInput) {
    return registerPlatform(em, input);
  }

  @Authorized(Permission.API_KEYS_MANAGE)
  @Mutation(() => ApiKeyCreated, { description: "Issues a platform's reporting key (scope platforms:report, province bureau); the secret is shown once" })
  createPlatformApiKey(@Ctx() { em }: Context, @Arg('platformId', () => ID) platformId: string, @Arg('name', () => String) name: string) {
    return createPlatformApiKey(em, platformId, name);
  }

  @Authorized(Permission.PLATFORM_REPORT)
  @Mutation(() => PlatformReportType, {
    description: 'Reports shops of your platform (平台报送, with your reporting key): all rows valid or nothing written; the same reportId and content again answers the stored outcome',
  })
  async reportPlatformShops(@Ctx() { em, config }: Context, @Arg('input', () => PlatformReportInput) input: PlatformReportInput): Promise<PlatformReportType> {
    const rows = input.shops.map((s) => ({ ...s }));
    const sha256 = createHash('sha256').update(JSON.stringify({ mode: input.mode, asOf: input.asOf ?? null, shops: rows })).digest('hex');
    const outcome = await submitPlatformReport(em, {
      reportId: input.reportId,
      mode: input.mode,
      format: 'graphql',
      sha256,
      asOf: input.asOf ?? null,
      maxRows: config.platformReportMaxRows,
      load: async (validator) => rows.forEach((row, i) => validator.add(i + 1, row)),
    });
    return presentReport(outcome.report, outcome.replayed);
  }

  @Authorized(Permission.PLATFORM_REPORT)
  @Query(() => PlatformReportType, { description: 'One of your platform\'s reports by your report id, with its outcome and row errors' })
  async platformReport(@Ctx() { em }: Context, @Arg('reportId', () => String) reportId: string) {
    return presentReport(await getPlatformReport(em, reportId));
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [PlatformReportType], { description: 'Reports received, newest first' })
  async platformReports(
    @Ctx() { em }: Context,
    @Arg('platformId', () => ID, { nullable: true }) platformId: string | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'at most 100' }) first: number,
  ) {
    return (await listPlatformReports(em, platformId, first)).map((r) => presentReport(r));
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [PlatformReportingStatType], { description: 'Each platform\'s reporting of a month: on time, and completeness against the shops the spiders found in your jurisdiction' })
  platformReportingStats(@Ctx() { em }: Context, @Arg('month', () => String, { description: 'YYYY-MM' }) month: string) {
    return platformReportingStats(em, month);
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => ReconciliationConflictConnection, { description: 'Conflicts between the register\'s sources in your jurisdiction (open ones unless status says otherwise), newest first' })
  reconciliationConflicts(
    @Ctx() { em }: Context,
    @Arg('filter', () => ConflictFilterInput, { nullable: true }) filter: ConflictFilterInput | null,
    @Args(() => PageArgs) page: PageArgs,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listConflicts(em, filter, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [ConflictCountType], { description: 'Open conflicts by kind in your jurisdiction (or below a region)' })
  conflictCounts(@Ctx() { em }: Context, @Arg('regionCode', () => String, { nullable: true }) regionCode: string | null) {
    return conflictCounts(em, regionCode);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => ReconciliationConflict, { description: 'Sets an open conflict aside with a reason' })
  dismissConflict(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string) {
    return dismissConflict(em, id, reason);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => ReconciliationConflict, { description: 'Raises a clue (线索) from an open conflict about a shop of the register' })
  raiseClueFromConflict(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | null) {
    return raiseClueFromConflict(em, id, note);
  }

  @Authorized(Permission.REGISTRY_WRITE)
  @Mutation(() => ReconcileSummaryType, { description: 'Reconciles the whole register now (province bureau; it also runs after every platform report)' })
  reconcileRegister(@Ctx() { em }: Context) {
    const actor = currentActor();
    if (!actor.prefixes.includes('37') && !actor.prefixes.includes('')) throw new AccessDeniedError('the reconciliation covers the whole province: the province bureau starts it');
    return runAsSystem(`reconcile (asked by ${actor.name})`, () => reconcileRegister(em.fork()));
  }
}

@Resolver(() => ReconciliationConflict)
export class ReconciliationConflictResolver {
  @FieldResolver(() => GraphQLJSONObject, { description: 'the disagreeing values, by source' })
  details(@Root() c: ReconciliationConflict) {
    return c.details;
  }

  @FieldResolver(() => EcommercePlatform, { nullable: true })
  platform(@Root() c: ReconciliationConflict) {
    return c.platform?.load() ?? null;
  }

  @FieldResolver(() => PlatformShop, { nullable: true, description: 'the shop as the platform reports it' })
  platformShop(@Root() c: ReconciliationConflict) {
    return c.platformShop?.load() ?? null;
  }

  @FieldResolver(() => Shop, { nullable: true, description: 'the shop of the register' })
  shop(@Root() c: ReconciliationConflict) {
    return c.shop?.load() ?? null;
  }

  @FieldResolver(() => OnlineEntity, { nullable: true })
  entity(@Root() c: ReconciliationConflict) {
    return c.entity?.load() ?? null;
  }
}

@Resolver(() => PlatformShop)
export class PlatformShopResolver {
  @FieldResolver(() => EcommercePlatform)
  platform(@Root() p: PlatformShop) {
    return p.platform.load();
  }

  @FieldResolver(() => Shop, { nullable: true, description: 'the shop of the register it matches' })
  shop(@Root() p: PlatformShop) {
    return p.shop?.load() ?? null;
  }
}

@Resolver(() => Shop)
export class ShopSourcesResolver {
  @Authorized(Permission.REGISTRY_READ)
  @FieldResolver(() => [FactSourceType], { description: 'Every fact of the shop with where it came from (crawl, platform report, import, by hand) and when' })
  sources(@Root() shop: Shop, @Ctx() { em }: Context) {
    return shopFactSources(em, shop);
  }

  @Authorized(Permission.REGISTRY_READ)
  @FieldResolver(() => [PlatformShop], { description: 'The shop as platforms report it' })
  platformReports(@Root() shop: Shop, @Ctx() { em }: Context) {
    return em.find(PlatformShop, { shop: shop.id });
  }
}

@Resolver(() => OnlineEntity)
export class EntitySourcesResolver {
  @Authorized(Permission.REGISTRY_READ)
  @FieldResolver(() => [FactSourceType], { description: 'Every fact of the entity with where it came from (import, registration data, platform report, by hand) and when' })
  sources(@Root() entity: OnlineEntity, @Ctx() { em }: Context) {
    return entityFactSources(em, entity);
  }
}

export const PLATFORM_REPORT_RESOLVERS = [PlatformReportResolver, ReconciliationConflictResolver, PlatformShopResolver, ShopSourcesResolver, EntitySourcesResolver] as const;
