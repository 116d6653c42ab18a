/**
 * Office records (issue 6): daily-login compliance, training, publicity, consumer warnings, staffing and
 * equipment, annual work plans. Thin: each operation declares one permission and calls one service.
 */
import type { Ref } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConsumerWarning, DesignatedStaff, PublicityActivity, TrainingSession, Unit, UnitEquipment, WorkPlan } from '../entities';
import { StoredFileType } from '../schema/complaints.types';
import { PageArgs } from '../schema/connection';
import {
  ConsumerWarningConnection,
  ConsumerWarningFilterInput,
  DeclareEquipmentInput,
  DesignateStaffInput,
  DraftConsumerWarningInput,
  LoginComplianceType,
  PublicityActivityConnection,
  PublicityActivityFilterInput,
  RecordPublicityActivityInput,
  RecordTrainingSessionInput,
  ResourceMinimumsType,
  SaveWorkPlanInput,
  TrainingParticipantType,
  TrainingSessionConnection,
  TrainingSessionFilterInput,
  UnitResourcesType,
  WorkPlanConnection,
  WorkPlanFilterInput,
  WorkPlanStatusType,
} from '../schema/office-records.types';
import { Permission } from '../services/access/permissions';
import {
  draftConsumerWarning,
  listConsumerWarnings,
  listPublicityActivities,
  listTrainingSessions,
  publishConsumerWarning,
  recordPublicityActivity,
  recordTrainingSession,
  withdrawConsumerWarning,
} from '../services/office/education';
import { dayOf, loginCompliance } from '../services/office/logins';
import { declareEquipment, designateStaff, endStaffDesignation, isActiveDesignation, resourceMinimums, unitResources } from '../services/office/resources';
import { listWorkPlans, publishedOnTime, publishWorkPlan, saveWorkPlan, workPlansFromAbove, workPlanStatus } from '../services/office/work-plans';
import type { Context } from './context';
import { selects } from './selection';

/** The unit owning a record (units are not jurisdiction-filtered: it always loads). */
const unitOf = (row: { unit: Ref<Unit> }): Promise<Unit | null> => row.unit.load({ dataloader: true });

/** Daily login, staffing and equipment: the per-unit reports. */
@Resolver()
export class OfficeRecordsResolver {
  @Authorized(Permission.OFFICE_READ)
  @Query(() => [LoginComplianceType], { description: 'Daily login (定期登录) per child unit (default of your unit) in a month: working days with a login of the unit\'s own users' })
  loginCompliance(
    @Ctx() { em }: Context,
    @Arg('month', () => String, { description: 'YYYY-MM' }) month: string,
    @Arg('parentUnitId', () => ID, { nullable: true }) parentUnitId: string | undefined,
    @Arg('includeSubtree', () => Boolean, { defaultValue: false, description: 'every unit below the parent, not only its children' }) includeSubtree: boolean,
  ) {
    return loginCompliance(em, month, parentUnitId, includeSubtree);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => UnitResourcesType, { description: 'A unit\'s designated staff (now) and equipment (人员配备, 设备配置)' })
  unitResources(@Ctx() { em }: Context, @Arg('unitId', () => ID) unitId: string) {
    return unitResources(em, unitId);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => ResourceMinimumsType, { description: 'Units of the subtree (default of your unit) below the minimum: one designated person and one computer' })
  resourceMinimums(@Ctx() { em }: Context, @Arg('parentUnitId', () => ID, { nullable: true }) parentUnitId: string | undefined) {
    return resourceMinimums(em, parentUnitId);
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => DesignatedStaff, { description: 'Designates a member of staff of your unit or a unit below it for online-market supervision' })
  designateStaff(@Ctx() { em }: Context, @Arg('input', () => DesignateStaffInput) input: DesignateStaffInput) {
    return designateStaff(em, input);
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => DesignatedStaff, { description: 'Ends a designation from a day (no longer designated from `until`)' })
  endStaffDesignation(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('until', () => String, { description: 'YYYY-MM-DD' }) until: string) {
    return endStaffDesignation(em, id, until);
  }

  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => UnitEquipment, { description: 'Declares the equipment of your unit or a unit below it (replaces its declaration)' })
  declareEquipment(@Ctx() { em }: Context, @Arg('input', () => DeclareEquipmentInput) input: DeclareEquipmentInput) {
    return declareEquipment(em, input);
  }
}

@Resolver(() => TrainingSession)
export class TrainingSessionResolver {
  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => TrainingSession, { description: 'Records a training session (学习培训) your unit held' })
  recordTrainingSession(@Ctx() { em }: Context, @Arg('input', () => RecordTrainingSessionInput) input: RecordTrainingSessionInput) {
    return recordTrainingSession(em, input);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => TrainingSessionConnection, { description: 'Training sessions in your jurisdiction, latest first' })
  trainingSessions(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => TrainingSessionFilterInput, { nullable: true }) filter: TrainingSessionFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listTrainingSessions(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @FieldResolver(() => Unit, { description: 'the unit that held it' })
  unit(@Root() session: TrainingSession) {
    return unitOf(session);
  }

  @FieldResolver(() => String, { description: 'YYYY-MM-DD' })
  heldOn(@Root() session: TrainingSession): string {
    return dayOf(session.heldOn);
  }

  @FieldResolver(() => [TrainingParticipantType])
  async participants(@Root() session: TrainingSession, @Ctx() { loaders }: Context): Promise<TrainingParticipantType[]> {
    const units = await loaders.unitById.loadMany(session.participants.map((p) => p.unitId));
    return session.participants.map((p, i) => ({ unit: units[i] instanceof Unit ? (units[i] as Unit) : null, count: p.count }));
  }
}

@Resolver(() => PublicityActivity)
export class PublicityActivityResolver {
  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => PublicityActivity, { description: 'Records a publicity or consumer-education activity (宣传) of your unit' })
  recordPublicityActivity(@Ctx() { em }: Context, @Arg('input', () => RecordPublicityActivityInput) input: RecordPublicityActivityInput) {
    return recordPublicityActivity(em, input);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => PublicityActivityConnection, { description: 'Publicity activities in your jurisdiction, latest first' })
  publicityActivities(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PublicityActivityFilterInput, { nullable: true }) filter: PublicityActivityFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listPublicityActivities(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @FieldResolver(() => Unit)
  unit(@Root() activity: PublicityActivity) {
    return unitOf(activity);
  }

  @FieldResolver(() => String, { description: 'YYYY-MM-DD' })
  heldOn(@Root() activity: PublicityActivity): string {
    return dayOf(activity.heldOn);
  }
}

@Resolver(() => ConsumerWarning)
export class ConsumerWarningResolver {
  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => ConsumerWarning, { description: 'Drafts a consumer warning (消费警示) of your unit; public once published' })
  draftConsumerWarning(@Ctx() { em }: Context, @Arg('input', () => DraftConsumerWarningInput) input: DraftConsumerWarningInput) {
    return draftConsumerWarning(em, input);
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => ConsumerWarning, { description: 'Publishes a draft warning: on the public feed (/public/warnings) from now' })
  publishConsumerWarning(@Ctx() { em }: Context, @Arg('id', () => ID) id: string) {
    return publishConsumerWarning(em, id);
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => ConsumerWarning, { description: 'Withdraws a published warning with a reason: off the public feed' })
  withdrawConsumerWarning(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string) {
    return withdrawConsumerWarning(em, id, reason);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => ConsumerWarningConnection, { description: 'Consumer warnings in your jurisdiction (drafts included), newest first' })
  consumerWarnings(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ConsumerWarningFilterInput, { nullable: true }) filter: ConsumerWarningFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listConsumerWarnings(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @FieldResolver(() => Unit, { description: 'the issuing unit' })
  unit(@Root() warning: ConsumerWarning) {
    return unitOf(warning);
  }

  @FieldResolver(() => String, { nullable: true, description: 'publication day (YYYY-MM-DD)' })
  publishedOn(@Root() warning: ConsumerWarning): string | null {
    return dayOf(warning.publishedOn);
  }
}

@Resolver(() => DesignatedStaff)
export class DesignatedStaffResolver {
  @FieldResolver(() => Unit)
  unit(@Root() staff: DesignatedStaff) {
    return unitOf(staff);
  }

  @FieldResolver(() => String, { description: 'designated since (YYYY-MM-DD)' })
  since(@Root() staff: DesignatedStaff): string {
    return dayOf(staff.since);
  }

  @FieldResolver(() => String, { nullable: true, description: 'no longer designated from (YYYY-MM-DD)' })
  until(@Root() staff: DesignatedStaff): string | null {
    return dayOf(staff.until);
  }

  @FieldResolver(() => Boolean, { description: 'designated today' })
  active(@Root() staff: DesignatedStaff): boolean {
    return isActiveDesignation(staff);
  }
}

@Resolver(() => UnitEquipment)
export class UnitEquipmentResolver {
  @FieldResolver(() => Unit)
  unit(@Root() equipment: UnitEquipment) {
    return unitOf(equipment);
  }
}

@Resolver(() => WorkPlan)
export class WorkPlanResolver {
  @Authorized(Permission.OFFICE_WORK)
  @Mutation(() => WorkPlan, { description: 'Saves your unit\'s draft annual work plan (工作部署) for a year (one per unit and year)' })
  saveWorkPlan(@Ctx() { em, config }: Context, @Arg('input', () => SaveWorkPlanInput) input: SaveWorkPlanInput) {
    return saveWorkPlan(em, input, { evidenceDir: config.evidenceDir, maxBytes: config.caseFileMaxBytes });
  }

  @Authorized(Permission.OFFICE_REVIEW)
  @Mutation(() => WorkPlan, { description: 'Publishes your unit\'s work plan to the units below (once)' })
  publishWorkPlan(@Ctx() { em }: Context, @Arg('id', () => ID) id: string) {
    return publishWorkPlan(em, id);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => WorkPlanConnection, { description: 'Work plans of your unit and the units below it, latest year first' })
  workPlans(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => WorkPlanFilterInput, { nullable: true }) filter: WorkPlanFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listWorkPlans(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => [WorkPlanStatusType], { description: 'Per child unit (default of your unit): its plan for the year published, and on time?' })
  workPlanStatus(
    @Ctx() { em }: Context,
    @Arg('year', () => Int) year: number,
    @Arg('parentUnitId', () => ID, { nullable: true }) parentUnitId: string | undefined,
  ) {
    return workPlanStatus(em, year, parentUnitId);
  }

  @Authorized(Permission.OFFICE_READ)
  @Query(() => [WorkPlan], { description: 'The published plans for the year of the units above yours, top first' })
  workPlansFromAbove(@Ctx() { em }: Context, @Arg('year', () => Int) year: number) {
    return workPlansFromAbove(em, year);
  }

  @FieldResolver(() => Unit)
  unit(@Root() plan: WorkPlan) {
    return unitOf(plan);
  }

  @FieldResolver(() => String, { description: 'the day it had to be issued by (YYYY-MM-DD)' })
  dueOn(@Root() plan: WorkPlan): string {
    return dayOf(plan.dueOn);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'published by the due day; false when late or still unpublished after it; null while not yet due' })
  publishedOnTime(@Root() plan: WorkPlan): boolean | null {
    return publishedOnTime(plan);
  }

  @FieldResolver(() => [StoredFileType], { description: 'read back through GET /files/<sha256>' })
  attachments(@Root() plan: WorkPlan): StoredFileType[] {
    return plan.attachments;
  }
}

/** The office-records resolvers, in RESOLVERS order. */
export const OFFICE_RECORD_RESOLVERS = [
  OfficeRecordsResolver,
  TrainingSessionResolver,
  PublicityActivityResolver,
  ConsumerWarningResolver,
  DesignatedStaffResolver,
  UnitEquipmentResolver,
  WorkPlanResolver,
] as const;
