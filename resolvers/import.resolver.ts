import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ImportBatch } from '../entities';
import { ImportEntitiesInput } from '../schema/registry.inputs';
import { ImportReportType } from '../schema/registry.types';
import { Permission } from '../services/access/permissions';
import { UserInputError } from '../services/errors';
import { importEntities } from '../services/registry/import/import-entities.command';
import type { Context } from './context';

@Resolver()
export class ImportResolver {
  @Authorized(Permission.REGISTRY_IMPORT)
  @Mutation(() => ImportReportType, {
    description: 'Imports a register file (经济户口数据导入, XLSX or CSV): valid rows are upserted by USCC, every bad row is reported; strict rejects the file on any error',
  })
  async importEntities(@Ctx() { em, config }: Context, @Arg('input', () => ImportEntitiesInput) input: ImportEntitiesInput): Promise<ImportReportType> {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(input.contentBase64)) throw new UserInputError('contentBase64 is not base64', 'contentBase64');
    const content = Buffer.from(input.contentBase64, 'base64');
    return importEntities(em, {
      fileName: input.fileName,
      content,
      strict: input.strict,
      limits: { maxRows: config.importMaxRows, maxBytes: config.importMaxBytes },
    });
  }

  @Authorized(Permission.REGISTRY_IMPORT)
  @Query(() => [ImportReportType], { description: 'Recent imports in your jurisdiction, newest first (stored errors are capped at 1,000 a batch)' })
  async importBatches(
    @Ctx() { em }: Context,
    @Arg('first', () => Int, { defaultValue: 20, description: 'how many (at most 100)' }) first: number,
  ): Promise<ImportReportType[]> {
    if (first < 0 || first > 100) throw new UserInputError('first must be between 0 and 100', 'first');
    const batches = await em.find(ImportBatch, {}, { orderBy: { id: 'desc' }, limit: first });
    return batches.map((b) => ({ ...b, batchId: b.id }));
  }
}
