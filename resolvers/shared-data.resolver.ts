import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AdministrativePenalty, OnlineEntity, RegistrationChange, RegistrationChangeKind } from '../entities';
import { ImportFileInput, SharedDataImportReportType } from '../schema/shared-data.types';
import { Permission } from '../services/access/permissions';
import { UserInputError } from '../services/errors';
import { importPenalties } from '../services/registry/shared-data/import-penalties.command';
import { importRegistrationChanges } from '../services/registry/shared-data/import-registration-changes.command';
import { changesOfEntities, listPenalties, listRegistrationChanges, penaltiesOfEntities } from '../services/registry/shared-data/shared-data.queries';
import type { Context } from './context';

/** Request-scoped batching of the shared-data fields (a page of businesses costs one query per field). */
const loadersOf = new WeakMap<Context, ReturnType<typeof createLoaders>>();
function createLoaders(ctx: Context) {
  return {
    changes: new DataLoader<number, RegistrationChange[]>((ids) => changesOfEntities(ctx.em, ids)),
    penalties: new DataLoader<number, AdministrativePenalty[]>((ids) => penaltiesOfEntities(ctx.em, ids)),
    entity: new DataLoader<number, OnlineEntity | null>(async (ids) => {
      const found = new Map((await ctx.em.find(OnlineEntity, { id: { $in: [...ids] } })).map((e) => [e.id, e]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
function loaders(ctx: Context) {
  let l = loadersOf.get(ctx);
  if (!l) loadersOf.set(ctx, (l = createLoaders(ctx)));
  return l;
}

function fileOf(input: ImportFileInput): Buffer {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(input.contentBase64)) throw new UserInputError('contentBase64 is not base64', 'contentBase64');
  return Buffer.from(input.contentBase64, 'base64');
}

/** Shared data from other bodies (issue 16): registration changes and administrative penalties, imported by USCC. */
@Resolver()
export class SharedDataResolver {
  @Authorized(Permission.REGISTRY_IMPORT)
  @Mutation(() => SharedDataImportReportType, {
    description:
      'Imports registration changes (登记信息变更/注销/吊销, XLSX or CSV) matched to the register by USCC: each fact kept, the register set to the newest (注销 → cancelled, 吊销 → revoked, 设立 → active, 变更 of 名称/住所/法定代表人/经营范围 → that field); every bad row reported; strict rejects the file on any error',
  })
  importRegistrationChanges(@Ctx() { em, config }: Context, @Arg('input', () => ImportFileInput) input: ImportFileInput): Promise<SharedDataImportReportType> {
    return importRegistrationChanges(em, {
      fileName: input.fileName,
      content: fileOf(input),
      strict: input.strict,
      limits: { maxRows: config.importMaxRows, maxBytes: config.importMaxBytes },
    });
  }

  @Authorized(Permission.REGISTRY_IMPORT)
  @Mutation(() => SharedDataImportReportType, {
    description: 'Imports administrative penalties (行政处罚, XLSX or CSV, as 信用中国 and the enforcement systems publish them) matched to the register by USCC, unique by decision number; every bad row reported; strict rejects the file on any error',
  })
  importPenalties(@Ctx() { em, config }: Context, @Arg('input', () => ImportFileInput) input: ImportFileInput): Promise<SharedDataImportReportType> {
    return importPenalties(em, {
      fileName: input.fileName,
      content: fileOf(input),
      strict: input.strict,
      limits: { maxRows: config.importMaxRows, maxBytes: config.importMaxBytes },
    });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [RegistrationChange], { description: 'Registration changes in your jurisdiction, newest first: of one business (uscc or entityId), or all' })
  registrationChanges(
    @Ctx() { em }: Context,
    @Arg('uscc', () => String, { nullable: true }) uscc: string | undefined,
    @Arg('entityId', () => ID, { nullable: true }) entityId: string | undefined,
    @Arg('kind', () => RegistrationChangeKind, { nullable: true }) kind: RegistrationChangeKind | undefined,
    @Arg('first', () => Int, { defaultValue: 50, description: 'how many (at most 500)' }) first: number,
  ): Promise<RegistrationChange[]> {
    return listRegistrationChanges(em, { uscc, entityId, kind, first });
  }

  @Authorized(Permission.REGISTRY_READ)
  @Query(() => [AdministrativePenalty], { description: 'Administrative penalties in your jurisdiction, newest first: of one business (uscc or entityId), or all' })
  penalties(
    @Ctx() { em }: Context,
    @Arg('uscc', () => String, { nullable: true }) uscc: string | undefined,
    @Arg('entityId', () => ID, { nullable: true }) entityId: string | undefined,
    @Arg('first', () => Int, { defaultValue: 50, description: 'how many (at most 500)' }) first: number,
  ): Promise<AdministrativePenalty[]> {
    return listPenalties(em, { uscc, entityId, first });
  }
}

/** The shared data of a business. */
@Resolver(() => OnlineEntity)
export class EntitySharedDataResolver {
  @FieldResolver(() => [RegistrationChange], { description: 'registration history imported from the registration system (设立, 变更, 注销, 吊销), newest first' })
  registrationChanges(@Root() entity: OnlineEntity, @Ctx() ctx: Context): Promise<RegistrationChange[]> {
    return loaders(ctx).changes.load(entity.id);
  }

  @FieldResolver(() => [AdministrativePenalty], { description: 'administrative penalties (行政处罚) imported from other bodies, newest first' })
  penalties(@Root() entity: OnlineEntity, @Ctx() ctx: Context): Promise<AdministrativePenalty[]> {
    return loaders(ctx).penalties.load(entity.id);
  }
}

/** The business of a registration change (null once it has moved out of your jurisdiction). */
@Resolver(() => RegistrationChange)
export class RegistrationChangeResolver {
  @FieldResolver(() => OnlineEntity, { nullable: true })
  entity(@Root() change: RegistrationChange, @Ctx() ctx: Context): Promise<OnlineEntity | null> {
    return loaders(ctx).entity.load(change.entity.id);
  }
}

/** The business of an administrative penalty (null once it has moved out of your jurisdiction). */
@Resolver(() => AdministrativePenalty)
export class AdministrativePenaltyResolver {
  @FieldResolver(() => OnlineEntity, { nullable: true })
  entity(@Root() penalty: AdministrativePenalty, @Ctx() ctx: Context): Promise<OnlineEntity | null> {
    return loaders(ctx).entity.load(penalty.entity.id);
  }
}

/** Every resolver of the shared data. */
export const SHARED_DATA_RESOLVERS = [SharedDataResolver, EntitySharedDataResolver, RegistrationChangeResolver, AdministrativePenaltyResolver] as const;
