import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Clue, ClueEvent, Finding, Shop, Unit } from '../entities';
import { AssignClueInput, ClueConnection, ClueFilterInput, ClueUnitCountType, CreateClueInput, HandleClueInput } from '../schema/clues.types';
import { PageArgs } from '../schema/connection';
import { Permission } from '../services/access/permissions';
import { archiveClue, assignClue, createClue, feedbackClue, handleClue, raiseClueFromFinding, registerClue } from '../services/clues/clue.commands';
import { clueCountsByUnit, getClue, isOverdue, listClues } from '../services/clues/clue.queries';
import type { Context } from './context';
import { selects } from './selection';

@Resolver(() => Clue)
export class ClueResolver {
  @Authorized(Permission.CLUES_READ)
  @Query(() => ClueConnection, { description: 'Clues (线索) in your jurisdiction, newest first' })
  clues(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ClueFilterInput, { nullable: true }) filter: ClueFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listClues(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.CLUES_READ)
  @Query(() => Clue)
  clue(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<Clue> {
    return getClue(em, id);
  }

  @Authorized(Permission.CLUES_READ)
  @Query(() => [ClueUnitCountType], { description: 'Clue counts per child unit (default: of your own unit): open, overdue, handled, archived' })
  clueCountsByUnit(@Ctx() { em }: Context, @Arg('parentUnitId', () => ID, { nullable: true }) parentUnitId: string | undefined) {
    return clueCountsByUnit(em, parentUnitId);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Raises a clue from a finding, or merges the finding into the open clue of the same shop and rule' })
  raiseClueFromFinding(@Ctx() { em }: Context, @Arg('findingId', () => ID) findingId: string): Promise<Clue> {
    return raiseClueFromFinding(em, findingId);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Enters a clue by hand: from a complaint, a patrol, or otherwise' })
  createClue(@Ctx() { em }: Context, @Arg('input', () => CreateClueInput) input: CreateClueInput): Promise<Clue> {
    return createClue(em, input);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Registers a received clue (登记)' })
  registerClue(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Clue> {
    return registerClue(em, id, note);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Assigns a registered clue (交办) to the unit holding the shop\'s region, with a deadline' })
  assignClue(@Ctx() { em }: Context, @Arg('input', () => AssignClueInput) input: AssignClueInput): Promise<Clue> {
    return assignClue(em, input.clueId, input);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Records how an assigned clue was handled (by the assigned unit or a unit above it)' })
  handleClue(@Ctx() { em }: Context, @Arg('input', () => HandleClueInput) input: HandleClueInput): Promise<Clue> {
    return handleClue(em, input.clueId, input.outcome, input.note);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Records the feedback on a handled clue (反馈)' })
  feedbackClue(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String) note: string): Promise<Clue> {
    return feedbackClue(em, id, note);
  }

  @Authorized(Permission.CLUES_HANDLE)
  @Mutation(() => Clue, { description: 'Archives a clue (归档): after feedback, or from received/registered (duplicate, invalid), with a reason' })
  archiveClue(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string): Promise<Clue> {
    return archiveClue(em, id, reason);
  }

  @FieldResolver(() => Shop, { nullable: true })
  shop(@Root() clue: Clue, @Ctx() { loaders }: Context) {
    return loaders.shopById.load(clue.shop.id);
  }

  @FieldResolver(() => Unit, { nullable: true })
  assignedUnit(@Root() clue: Clue): Promise<Unit | null> | null {
    return clue.assignedUnit ? clue.assignedUnit.load({ dataloader: true }) : null;
  }

  @FieldResolver(() => Boolean, { description: 'assigned and past the deadline' })
  overdue(@Root() clue: Clue): boolean {
    return isOverdue(clue);
  }

  @FieldResolver(() => [ClueEvent], { description: 'every step, oldest first: who, when, what and why' })
  events(@Root() clue: Clue, @Ctx() { loaders }: Context): Promise<ClueEvent[]> {
    return loaders.clueEvents.load(clue.id);
  }

  @FieldResolver(() => [Finding], { description: 'the findings behind the clue' })
  findings(@Root() clue: Clue, @Ctx() { loaders }: Context): Promise<Finding[]> {
    return loaders.clueFindings.load(clue.id);
  }
}
