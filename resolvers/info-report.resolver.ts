import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { InfoReport, InfoReportEvent, InfoReportVersion, Unit } from '../entities';
import { StoredFileType } from '../schema/complaints.types';
import { PageArgs } from '../schema/connection';
import { DraftInfoReportInput, InfoReportConnection, InfoReportFilterInput, InfoReportUnitCountType, ReviseInfoReportInput } from '../schema/office-reports.types';
import { Permission } from '../services/access/permissions';
import {
  approveInfoReport,
  draftInfoReport,
  forwardInfoReport,
  getInfoReport,
  infoReportCountsByUnit,
  isInfoReportOverdue,
  listInfoReports,
  returnInfoReport,
  reviseInfoReport,
  submitInfoReport,
} from '../services/office/info-reports';
import type { Context } from './context';
import { selects } from './selection';

const files = (config: Context['config']) => ({ evidenceDir: config.evidenceDir, maxBytes: config.caseFileMaxBytes });

/** Information reports (信息报送审核): drafting, review up the tree, versions, counts per unit. */
@Resolver(() => InfoReport)
export class InfoReportResolver {
  @Authorized(Permission.OFFICE_READ)
  @Query(() => InfoReportConnection, { description: 'Information reports (信息报送) of your unit and the units below, newest first' })
  infoReports(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => InfoReportFilterInput, { nullable: true }) filter: InfoReportFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listInfoReports(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => InfoReport)
  infoReport(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<InfoReport> {
    return getInfoReport(em, id);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => [InfoReportUnitCountType], { description: 'Report counts per child unit (default: of your own unit) over reports whose period overlaps [from, to]' })
  infoReportCountsByUnit(
    @Ctx() { em }: Context,
    @Arg('parentUnitId', () => ID, { nullable: true }) parentUnitId: string | undefined,
    @Arg('from', () => String, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => String, { description: 'YYYY-MM-DD' }) to: string,
  ) {
    return infoReportCountsByUnit(em, parentUnitId, from, to);
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => InfoReport, { description: 'Drafts an information report for your unit (version 1)' })
  draftInfoReport(@Ctx() { em, config }: Context, @Arg('input', () => DraftInfoReportInput) input: DraftInfoReportInput): Promise<InfoReport> {
    return draftInfoReport(em, input, files(config));
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => InfoReport, { description: 'Revises a draft (in place) or a returned report (a new version); author unit only' })
  reviseInfoReport(@Ctx() { em, config }: Context, @Arg('input', () => ReviseInfoReportInput) input: ReviseInfoReportInput): Promise<InfoReport> {
    return reviseInfoReport(em, input.id, input, files(config));
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => InfoReport, { description: 'Submits a draft to your parent unit, or a returned report to the unit that returned it' })
  submitInfoReport(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<InfoReport> {
    return submitInfoReport(em, id, note);
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => InfoReport, { description: 'Forwards a report waiting for your unit to your parent unit' })
  forwardInfoReport(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('comment', () => String, { nullable: true }) comment: string | undefined): Promise<InfoReport> {
    return forwardInfoReport(em, id, comment);
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => InfoReport, { description: 'Approves a report waiting for your unit' })
  approveInfoReport(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('comment', () => String, { nullable: true }) comment: string | undefined): Promise<InfoReport> {
    return approveInfoReport(em, id, comment);
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => InfoReport, { description: 'Returns a report waiting for your unit to its author, with comments' })
  returnInfoReport(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('comment', () => String) comment: string): Promise<InfoReport> {
    return returnInfoReport(em, id, comment);
  }

  @FieldResolver(() => Unit)
  authorUnit(@Root() report: InfoReport): Promise<Unit> {
    return report.authorUnit.load({ dataloader: true }) as Promise<Unit>;
  }

  @FieldResolver(() => Unit, { nullable: true, description: 'while submitted: the unit it waits with' })
  reviewerUnit(@Root() report: InfoReport): Promise<Unit | null> | null {
    return report.reviewerUnit ? report.reviewerUnit.load({ dataloader: true }) : null;
  }

  @FieldResolver(() => Unit, { nullable: true })
  approvedByUnit(@Root() report: InfoReport): Promise<Unit | null> | null {
    return report.approvedByUnit ? report.approvedByUnit.load({ dataloader: true }) : null;
  }

  @FieldResolver(() => Boolean, { description: 'not submitted by the due day (still not, or late)' })
  overdue(@Root() report: InfoReport): boolean {
    return isInfoReportOverdue(report);
  }

  @FieldResolver(() => [InfoReportVersion], { description: 'every version, oldest first: what each review saw' })
  versions(@Root() report: InfoReport, @Ctx() { loaders }: Context): Promise<InfoReportVersion[]> {
    return loaders.infoReportVersions.load(report.id);
  }

  @FieldResolver(() => [InfoReportEvent], { description: 'every step, oldest first: who, which unit, when, which version, comments' })
  events(@Root() report: InfoReport, @Ctx() { loaders }: Context): Promise<InfoReportEvent[]> {
    return loaders.infoReportEvents.load(report.id);
  }

  @FieldResolver(() => String, { description: 'the current version\'s text' })
  async body(@Root() report: InfoReport, @Ctx() { loaders }: Context): Promise<string> {
    const versions = await loaders.infoReportVersions.load(report.id);
    return versions.find((v) => v.version === report.version)?.body ?? '';
  }

  @FieldResolver(() => [StoredFileType], { description: 'the current version\'s files (GET /files/<sha256>)' })
  async attachments(@Root() report: InfoReport, @Ctx() { loaders }: Context): Promise<StoredFileType[]> {
    const versions = await loaders.infoReportVersions.load(report.id);
    return versions.find((v) => v.version === report.version)?.attachments ?? [];
  }
}

@Resolver(() => InfoReportVersion)
export class InfoReportVersionResolver {
  @FieldResolver(() => [StoredFileType], { description: 'the version\'s files (GET /files/<sha256>)' })
  attachments(@Root() version: InfoReportVersion): StoredFileType[] {
    return version.attachments;
  }
}

export const INFO_REPORT_RESOLVERS = [InfoReportResolver, InfoReportVersionResolver] as const;
