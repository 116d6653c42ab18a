/**
 * GraphQL inputs and result types of the office records (issue 6): daily-login compliance, training,
 * publicity, consumer warnings, staffing and equipment, annual work plans.
 */
import { IsOptional, MaxLength } from 'class-validator';
import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  ConsumerWarning,
  ConsumerWarningStatus,
  DesignatedStaff,
  PublicityActivity,
  PublicityKind,
  StaffAssignment,
  TrainingForm,
  TrainingSession,
  Unit,
  UnitEquipment,
  WorkPlan,
} from '../entities';
import { ConnectionType } from './connection';

/** What a unit below the minimum lacks. */
export enum ResourceShortfall {
  /** no designated person now */
  STAFF = 'staff',
  /** no dedicated computer */
  COMPUTER = 'computer',
}

registerEnumType(ResourceShortfall, { name: 'ResourceShortfall', description: 'What a unit below the norm\'s minimum lacks' });

// --- daily login ---

@ObjectType('LoginCompliance', { description: 'Daily login (定期登录) of a unit in a month, on working days' })
export class LoginComplianceType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;

  @Field(() => Int, { description: 'working days counted: all of a past month, up to today in the current month' })
  workingDays!: number;

  @Field(() => Int, { description: 'working days on which at least one user of the unit itself logged in' })
  daysWithLogin!: number;

  @Field(() => Float, { description: 'daysWithLogin / workingDays (1 when no working day is counted yet)' })
  compliance!: number;

  @Field(() => [String], { description: 'the counted working days without a login (YYYY-MM-DD)' })
  missedDays!: string[];
}

// --- training ---

@InputType('TrainingParticipantInput')
export class TrainingParticipantInput {
  @Field(() => ID, { description: 'the organiser or a unit below it' })
  unitId!: string;

  @Field(() => Int, { description: 'people of the unit who took part (≥ 1)' })
  count!: number;
}

@InputType('RecordTrainingSessionInput')
export class RecordTrainingSessionInput {
  @Field(() => TrainingForm)
  form!: TrainingForm;

  @Field(() => String)
  @MaxLength(200)
  topic!: string;

  @Field(() => String, { description: 'YYYY-MM-DD, not in the future' })
  heldOn!: string;

  @Field(() => Float, { description: 'hours, 0.5 to 24 in tenths' })
  hours!: number;

  @Field(() => [TrainingParticipantInput])
  participants!: TrainingParticipantInput[];
}

@ObjectType('TrainingParticipant', { description: 'A unit whose staff took part in a training session' })
export class TrainingParticipantType {
  @Field(() => Unit, { nullable: true })
  unit!: Unit | null;

  @Field(() => Int)
  count!: number;
}

@InputType('TrainingSessionFilter')
export class TrainingSessionFilterInput {
  @Field(() => ID, { nullable: true, description: 'held by this unit or a unit below it' })
  unitId?: string;

  @Field(() => String, { nullable: true, description: 'held on or after (YYYY-MM-DD)' })
  from?: string;

  @Field(() => String, { nullable: true, description: 'held on or before (YYYY-MM-DD)' })
  to?: string;

  @Field(() => [TrainingForm], { nullable: true })
  forms?: TrainingForm[];
}

export const TrainingSessionConnection = ConnectionType('TrainingSession', TrainingSession);

// --- publicity ---

@InputType('RecordPublicityActivityInput')
export class RecordPublicityActivityInput {
  @Field(() => PublicityKind)
  kind!: PublicityKind;

  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String, { description: 'who it reached (consumers, merchants, students …)' })
  @MaxLength(200)
  audience!: string;

  @Field(() => Int, { description: 'people reached (estimated, ≥ 0)' })
  reach!: number;

  @Field(() => String, { description: 'YYYY-MM-DD, not in the future' })
  heldOn!: string;
}

@InputType('PublicityActivityFilter')
export class PublicityActivityFilterInput {
  @Field(() => ID, { nullable: true, description: 'held by this unit or a unit below it' })
  unitId?: string;

  @Field(() => String, { nullable: true })
  from?: string;

  @Field(() => String, { nullable: true })
  to?: string;

  @Field(() => [PublicityKind], { nullable: true })
  kinds?: PublicityKind[];
}

export const PublicityActivityConnection = ConnectionType('PublicityActivity', PublicityActivity);

// --- consumer warnings ---

@InputType('DraftConsumerWarningInput')
export class DraftConsumerWarningInput {
  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(20_000)
  text!: string;

  @Field(() => String, { description: 'e.g. 网络购物, 预付式消费, 食品' })
  @MaxLength(100)
  category!: string;
}

@InputType('ConsumerWarningFilter')
export class ConsumerWarningFilterInput {
  @Field(() => [ConsumerWarningStatus], { nullable: true })
  statuses?: ConsumerWarningStatus[];

  @Field(() => ID, { nullable: true, description: 'issued by this unit or a unit below it' })
  unitId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  category?: string;
}

export const ConsumerWarningConnection = ConnectionType('ConsumerWarning', ConsumerWarning);

// --- staffing and equipment ---

@InputType('DesignateStaffInput')
export class DesignateStaffInput {
  @Field(() => ID, { description: 'your unit or a unit below it' })
  unitId!: string;

  @Field(() => String)
  @MaxLength(100)
  name!: string;

  @Field(() => StaffAssignment)
  assignment!: StaffAssignment;

  @Field(() => String, { description: 'designated since (YYYY-MM-DD, not in the future)' })
  since!: string;
}

@InputType('DeclareEquipmentInput')
export class DeclareEquipmentInput {
  @Field(() => ID, { description: 'your unit or a unit below it' })
  unitId!: string;

  @Field(() => Int, { description: 'dedicated computers with internet access (0–999)' })
  computers!: number;

  @Field(() => Int, { description: '0–999' })
  printers!: number;

  @Field(() => Int, { description: '0–999' })
  cameras!: number;

  @Field(() => Int, { description: 'evidence-capture equipment (取证设备), 0–999' })
  evidenceDevices!: number;
}

@ObjectType('UnitResources', { description: 'A unit\'s designated staff (now) and equipment' })
export class UnitResourcesType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => [DesignatedStaff], { description: 'designated today' })
  staff!: DesignatedStaff[];

  @Field(() => UnitEquipment, { nullable: true, description: 'null when never declared' })
  equipment!: UnitEquipment | null;
}

@ObjectType('ResourceMinimumShortfall', { description: 'A unit below the norm\'s minimum (one designated person, one computer)' })
export class ResourceMinimumRowType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { description: 'people designated today' })
  activeStaff!: number;

  @Field(() => Int)
  computers!: number;

  @Field(() => [ResourceShortfall])
  missing!: ResourceShortfall[];
}

@ObjectType('ResourceMinimums', { description: 'The norm\'s staffing and equipment minimum checked over a subtree' })
export class ResourceMinimumsType {
  @Field(() => Int, { description: 'units checked: the unit and every unit below it' })
  checked!: number;

  @Field(() => Int)
  below!: number;

  @Field(() => [ResourceMinimumRowType], { description: 'the units below the minimum, in tree order' })
  units!: ResourceMinimumRowType[];
}

// --- work plans ---

@InputType('WorkPlanAttachmentInput')
export class WorkPlanAttachmentInput {
  @Field(() => String, { description: 'PDF, image, .docx, .xlsx, .txt or .csv' })
  @MaxLength(255)
  fileName!: string;

  @Field(() => String, { description: 'the file, base64 (standard alphabet, padded)' })
  contentBase64!: string;
}

@InputType('SaveWorkPlanInput')
export class SaveWorkPlanInput {
  @Field(() => Int)
  year!: number;

  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(100_000)
  body!: string;

  @Field(() => [WorkPlanAttachmentInput], { nullable: true, description: 'replaces the attachments ([] removes them); left out keeps them' })
  attachments?: WorkPlanAttachmentInput[];
}

@InputType('WorkPlanFilter')
export class WorkPlanFilterInput {
  @Field(() => Int, { nullable: true })
  year?: number;

  @Field(() => ID, { nullable: true, description: 'plans of this unit or a unit below it' })
  unitId?: string;

  @Field(() => Boolean, { nullable: true })
  published?: boolean;
}

export const WorkPlanConnection = ConnectionType('WorkPlan', WorkPlan);

@ObjectType('WorkPlanStatus', { description: 'Whether a unit issued its annual work plan, and on time' })
export class WorkPlanStatusType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int)
  year!: number;

  @Field(() => ID, { nullable: true, description: 'the plan, when drafted' })
  planId!: number | null;

  @Field(() => String, { description: 'the day it must be issued by (YYYY-MM-DD)' })
  dueOn!: string;

  @Field(() => Boolean)
  published!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  publishedAt!: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'published by the due day; false when late or still unpublished after it; null while not yet due' })
  onTime!: boolean | null;
}
