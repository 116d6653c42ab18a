import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Clue, Complaint, ComplaintEvent, currentActor, Shop, Unit } from '../entities';
import {
  CloseComplaintInputType,
  ComplainantType,
  ComplaintConnection,
  ComplaintFilterInput,
  ComplaintUnitCountType,
  ResolveComplaintInputType,
  StoredFileType,
  SubmitComplaintInput,
} from '../schema/complaints.types';
import { PageArgs } from '../schema/connection';
import { Permission } from '../services/access/permissions';
import { complainantFor } from '../services/complaints/complainant';
import {
  acceptComplaint,
  closeComplaint,
  raiseClueFromComplaint,
  reassignComplaint,
  rejectComplaint,
  resolveComplaint,
  startComplaintMediation,
  submitComplaint,
} from '../services/complaints/complaint.commands';
import { complaintsCsv } from '../services/complaints/complaint-export';
import { complaintCountsByUnit, getComplaint, isAcceptanceOverdue, listComplaints, wasDecidedOnTime } from '../services/complaints/complaint.queries';
import { ALL_PERMISSIONS_MARKER } from '../services/system-actor';
import type { Context } from './context';
import { selects } from './selection';

@Resolver(() => Complaint)
export class ComplaintResolver {
  @Authorized(Permission.COMPLAINTS_READ)
  @Query(() => ComplaintConnection, { description: 'Complaints and reports (投诉举报) in your jurisdiction, newest received first' })
  complaints(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ComplaintFilterInput, { nullable: true }) filter: ComplaintFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listComplaints(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.COMPLAINTS_READ)
  @Query(() => Complaint)
  complaint(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<Complaint> {
    return getComplaint(em, id);
  }

  @Authorized(Permission.COMPLAINTS_READ)
  @Query(() => [ComplaintUnitCountType], {
    description: 'Complaints received in [from, to] (China days) per child unit (default: of your own unit): received, accepted, on time, rejected, resolved, closed, overdue, amount recovered',
  })
  complaintCountsByUnit(
    @Ctx() { em }: Context,
    @Arg('from', () => String, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => String, { description: 'YYYY-MM-DD' }) to: string,
    @Arg('parentUnitId', () => ID, { nullable: true }) parentUnitId: string | undefined,
  ) {
    return complaintCountsByUnit(em, parentUnitId, from, to);
  }

  @Authorized(Permission.COMPLAINTS_READ)
  @Query(() => String, { description: 'The complaints of a filter as CSV (UTF-8, header row); personal data always masked' })
  complaintsCsv(@Ctx() { em }: Context, @Arg('filter', () => ComplaintFilterInput, { nullable: true }) filter: ComplaintFilterInput | undefined): Promise<string> {
    return complaintsCsv(em, filter ?? {});
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Takes a complaint or report in (staff: channel staff; an API key: channel api), assigned to the unit holding the shop' })
  submitComplaint(@Ctx() { em, config }: Context, @Arg('input', () => SubmitComplaintInput) input: SubmitComplaintInput): Promise<Complaint> {
    return submitComplaint(em, input, { evidenceDir: config.evidenceDir, maxFileBytes: config.caseFileMaxBytes });
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Accepts a received complaint (受理); mediation due within 45 working days' })
  acceptComplaint(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Complaint> {
    return acceptComplaint(em, id, note);
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Rejects a received complaint (不予受理), with the reason' })
  rejectComplaint(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string): Promise<Complaint> {
    return rejectComplaint(em, id, reason);
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Starts mediating an accepted complaint (调解; not for reports)' })
  startComplaintMediation(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Complaint> {
    return startComplaintMediation(em, id, note);
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Records the result of an accepted or mediating complaint' })
  resolveComplaint(@Ctx() { em }: Context, @Arg('input', () => ResolveComplaintInputType) input: ResolveComplaintInputType): Promise<Complaint> {
    return resolveComplaint(em, input.id, input);
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Closes a resolved complaint with the consumer\'s feedback (回访)' })
  closeComplaint(@Ctx() { em }: Context, @Arg('input', () => CloseComplaintInputType) input: CloseComplaintInputType): Promise<Complaint> {
    return closeComplaint(em, input.id, input);
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Raises a clue (线索) from an accepted, mediating or resolved complaint, once' })
  raiseClueFromComplaint(
    @Ctx() { em }: Context,
    @Arg('id', () => ID) id: string,
    @Arg('title', () => String, { nullable: true }) title: string | undefined,
    @Arg('note', () => String, { nullable: true }) note: string | undefined,
  ): Promise<Complaint> {
    return raiseClueFromComplaint(em, id, { title, note });
  }

  @Authorized(Permission.COMPLAINTS_HANDLE)
  @Mutation(() => Complaint, { description: 'Reassigns a received or accepted complaint to another unit holding the shop\'s region, with the reason' })
  reassignComplaint(
    @Ctx() { em }: Context,
    @Arg('id', () => ID) id: string,
    @Arg('unitId', () => ID) unitId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<Complaint> {
    return reassignComplaint(em, id, unitId, reason);
  }

  @FieldResolver(() => ComplainantType, { description: 'in full for the handling unit and the units above it; masked for everyone else' })
  complainant(@Root() complaint: Complaint, @Ctx() { em }: Context): Promise<ComplainantType> {
    return complainantFor(em, complaint);
  }

  @FieldResolver(() => Shop, { nullable: true })
  shop(@Root() complaint: Complaint, @Ctx() { loaders }: Context) {
    return loaders.shopById.load(complaint.shop.id);
  }

  @FieldResolver(() => Unit, { description: 'the handling unit' })
  assignedUnit(@Root() complaint: Complaint): Promise<Unit> {
    return complaint.assignedUnit.load({ dataloader: true }) as Promise<Unit>;
  }

  @FieldResolver(() => [ComplaintEvent], { description: 'every step, oldest first: who, when, what and why' })
  events(@Root() complaint: Complaint, @Ctx() { loaders }: Context): Promise<ComplaintEvent[]> {
    return loaders.complaintEvents.load(complaint.id);
  }

  @FieldResolver(() => [StoredFileType])
  attachments(@Root() complaint: Complaint): StoredFileType[] {
    return complaint.attachments;
  }

  @FieldResolver(() => Clue, { nullable: true, description: 'the clue raised from it (shown to callers who may read clues)' })
  clue(@Root() complaint: Complaint, @Ctx() { loaders }: Context): Promise<Clue | null> | null {
    const { permissions } = currentActor();
    if (!complaint.clue || !(permissions.has(Permission.CLUES_READ) || permissions.has(ALL_PERMISSIONS_MARKER))) return null;
    return loaders.complaintClueById.load(complaint.clue.id);
  }

  @FieldResolver(() => Boolean, { description: 'still undecided after the last day of the acceptance deadline' })
  acceptanceOverdue(@Root() complaint: Complaint): boolean {
    return isAcceptanceOverdue(complaint);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'decided (accepted or rejected) by the end of the acceptance deadline; null while undecided' })
  acceptedOnTime(@Root() complaint: Complaint): boolean | null {
    return wasDecidedOnTime(complaint);
  }
}
