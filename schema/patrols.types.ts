import { IsOptional, MaxLength } from 'class-validator';
import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PatrolMode, PatrolOutcome, PatrolPlanKind, PatrolPlanStatus, PatrolRecord, PatrolTask, PatrolTaskStatus, ShopClassification, Unit } from '../entities';
import { ConnectionType } from './connection';

/** The result of one checklist item. */
export enum ChecklistItemResult {
  PASS = 'pass',
  FAIL = 'fail',
  NOT_APPLICABLE = 'not_applicable',
}

/** A shop's risk as a routine rule reads it. */
export enum PatrolRisk {
  /** an unarchived clue, or a finding of the last 90 days */
  HIGH = 'high',
  NORMAL = 'normal',
}

registerEnumType(ChecklistItemResult, { name: 'ChecklistItemResult', description: 'pass, fail or not applicable' });
registerEnumType(PatrolRisk, { name: 'PatrolRisk', description: 'high: an unarchived clue or a finding of the last 90 days' });

export const PatrolTaskConnection = ConnectionType('PatrolTask', PatrolTask);
export const PatrolRecordConnection = ConnectionType('PatrolRecord', PatrolRecord);

@ObjectType('PatrolChecklistItem', { description: 'One item of a patrol checklist' })
export class PatrolChecklistItemType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  textZh!: string;

  @Field(() => String, { nullable: true })
  textEn!: string | null;
}

@InputType('PatrolChecklistItemInput')
export class PatrolChecklistItemInput {
  @Field(() => String, { description: 'stable key: lower-case letters, digits, - and _' })
  @MaxLength(64)
  key!: string;

  @Field(() => String)
  @MaxLength(300)
  textZh!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  textEn?: string;
}

@ObjectType('PatrolRoutineRule', { description: 'How often a routine plan patrols the shops it matches (first matching rule wins)' })
export class PatrolRoutineRuleType {
  @Field(() => ShopClassification, { nullable: true })
  classification!: ShopClassification | null;

  @Field(() => String, { nullable: true, description: 'a listing category prefix, e.g. 食品' })
  category!: string | null;

  @Field(() => PatrolRisk, { nullable: true })
  risk!: PatrolRisk | null;

  @Field(() => Int, { description: 'once every 1, 2, 3, 4, 6 or 12 months' })
  intervalMonths!: number;
}

@InputType('PatrolRoutineRuleInput')
export class PatrolRoutineRuleInput {
  @Field(() => ShopClassification, { nullable: true })
  classification?: ShopClassification;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  category?: string;

  @Field(() => PatrolRisk, { nullable: true })
  risk?: PatrolRisk;

  @Field(() => Int)
  intervalMonths!: number;
}

@ObjectType('PatrolCampaignTarget', { description: 'The shops a campaign targets (all filters hold; empty means any)' })
export class PatrolCampaignTargetType {
  @Field(() => [ShopClassification], { nullable: true })
  classifications!: ShopClassification[] | null;

  @Field(() => [String], { nullable: true, description: 'listing category prefixes' })
  categories!: string[] | null;

  @Field(() => [String], { nullable: true, description: 'region-code prefixes inside the plan\'s scope' })
  regionPrefixes!: string[] | null;

  @Field(() => Boolean)
  includeUnfiled!: boolean;
}

@InputType('PatrolCampaignTargetInput')
export class PatrolCampaignTargetInput {
  @Field(() => [ShopClassification], { nullable: true })
  classifications?: ShopClassification[];

  @Field(() => [String], { nullable: true })
  categories?: string[];

  @Field(() => [String], { nullable: true })
  regionPrefixes?: string[];

  @Field(() => Boolean, { nullable: true, description: 'unfiled (discovered) shops too; default filed only' })
  includeUnfiled?: boolean;
}

@InputType('CreatePatrolPlanInput')
export class CreatePatrolPlanInput {
  @Field(() => PatrolPlanKind)
  kind!: PatrolPlanKind;

  @Field(() => String)
  @MaxLength(200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'a campaign\'s theme (required for campaigns)' })
  @IsOptional()
  @MaxLength(2000)
  theme?: string;

  @Field(() => [String], { nullable: true, description: 'region-code prefixes inside your jurisdiction; default your unit\'s jurisdiction' })
  scope?: string[];

  @Field(() => String, { nullable: true, description: 'first day (YYYY-MM-DD); routine default today, required for campaigns' })
  startsOn?: string;

  @Field(() => String, { nullable: true, description: 'last day (YYYY-MM-DD); required for campaigns, optional for routine plans' })
  endsOn?: string;

  @Field(() => [PatrolRoutineRuleInput], { nullable: true, description: 'routine plans: default the standard frequencies' })
  rules?: PatrolRoutineRuleInput[];

  @Field(() => PatrolCampaignTargetInput, { nullable: true, description: 'campaigns: the shops targeted' })
  target?: PatrolCampaignTargetInput;

  @Field(() => [PatrolChecklistItemInput], { nullable: true, description: 'required for campaigns; routine default the standard checklist' })
  checklist?: PatrolChecklistItemInput[];
}

@ObjectType('PatrolTaskCounts', { description: 'A plan\'s tasks in your jurisdiction' })
export class PatrolTaskCountsType {
  @Field(() => Int)
  open!: number;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  cancelled!: number;

  @Field(() => Int, { description: 'open past the due day' })
  overdue!: number;
}

@ObjectType('PatrolGenerationResult', { description: 'What a task generation run did' })
export class PatrolGenerationResultType {
  @Field(() => Int, { description: 'tasks written' })
  created!: number;

  @Field(() => Int, { description: 'tasks due that existed already' })
  existing!: number;

  @Field(() => Int, { description: 'plans looked at' })
  plans!: number;
}

@InputType('PatrolPlanFilter')
export class PatrolPlanFilterInput {
  @Field(() => [PatrolPlanKind], { nullable: true })
  kinds?: PatrolPlanKind[];

  @Field(() => [PatrolPlanStatus], { nullable: true })
  statuses?: PatrolPlanStatus[];

  @Field(() => String, { nullable: true, description: 'running on this day (YYYY-MM-DD)' })
  activeOn?: string;
}

@InputType('PatrolTaskFilter')
export class PatrolTaskFilterInput {
  @Field(() => ID, { nullable: true })
  planId?: string;

  @Field(() => ID, { nullable: true, description: 'tasks of this unit or a unit under it' })
  unitId?: string;

  @Field(() => [PatrolTaskStatus], { nullable: true })
  statuses?: PatrolTaskStatus[];

  @Field(() => Boolean, { nullable: true, description: 'true: open and due before today; false: not overdue' })
  overdue?: boolean;

  @Field(() => String, { nullable: true, description: 'due on or after (YYYY-MM-DD)' })
  dueFrom?: string;

  @Field(() => String, { nullable: true, description: 'due on or before (YYYY-MM-DD)' })
  dueTo?: string;

  @Field(() => ID, { nullable: true })
  shopId?: string;
}

@InputType('PatrolRecordFilter')
export class PatrolRecordFilterInput {
  @Field(() => ID, { nullable: true, description: 'records of tasks of this plan' })
  planId?: string;

  @Field(() => ID, { nullable: true })
  shopId?: string;

  @Field(() => ID, { nullable: true, description: 'filed by this unit or a unit under it' })
  unitId?: string;

  @Field(() => [PatrolMode], { nullable: true })
  modes?: PatrolMode[];

  @Field(() => [PatrolOutcome], { nullable: true })
  outcomes?: PatrolOutcome[];

  @Field(() => String, { nullable: true, description: 'patrolled on or after this China day (YYYY-MM-DD)' })
  from?: string;

  @Field(() => String, { nullable: true, description: 'patrolled on or before this China day (YYYY-MM-DD)' })
  to?: string;
}

@ObjectType('PatrolChecklistResult', { description: 'The result of one checklist item' })
export class PatrolChecklistResultType {
  @Field(() => String)
  key!: string;

  @Field(() => ChecklistItemResult)
  result!: ChecklistItemResult;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@InputType('PatrolChecklistResultInput')
export class PatrolChecklistResultInput {
  @Field(() => String)
  @MaxLength(64)
  key!: string;

  @Field(() => ChecklistItemResult)
  result!: ChecklistItemResult;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string;
}

@ObjectType('PatrolPhoto', { description: 'A photo of an on-site patrol, stored in the evidence folder under its SHA-256' })
export class PatrolPhotoType {
  @Field(() => String)
  sha256!: string;

  @Field(() => String)
  fileName!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => Int)
  sizeBytes!: number;
}

@InputType('PatrolPhotoInput')
export class PatrolPhotoInput {
  @Field(() => String, { description: '.png, .jpg, .jpeg, .webp or .gif' })
  @MaxLength(255)
  fileName!: string;

  @Field(() => String, { description: 'the image, base64 (standard alphabet, padded)' })
  contentBase64!: string;
}

@InputType('PatrolClueInput')
export class PatrolClueInput {
  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(10_000)
  description!: string;
}

@InputType('FilePatrolRecordInput')
export class FilePatrolRecordInput {
  @Field(() => ID, { nullable: true, description: 'the open task patrolled (it becomes done)' })
  taskId?: string;

  @Field(() => ID, { nullable: true, description: 'or the shop, for an ad hoc patrol' })
  shopId?: string;

  @Field(() => PatrolMode)
  mode!: PatrolMode;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'default now; not in the future, not before the task\'s period' })
  patrolledAt?: Date;

  @Field(() => [PatrolChecklistResultInput], { description: 'one result for every item of the plan\'s checklist (ad hoc: the standard checklist)' })
  checklist!: PatrolChecklistResultInput[];

  @Field(() => PatrolOutcome)
  outcome!: PatrolOutcome;

  @Field(() => String, { nullable: true, description: 'rectification ordered: by when (YYYY-MM-DD, in the future)' })
  rectifyBy?: string;

  @Field(() => PatrolClueInput, { nullable: true, description: 'clue raised: the clue entered in the clue flow' })
  clue?: PatrolClueInput;

  @Field(() => String, { nullable: true, description: 'on-site: the address visited' })
  @IsOptional()
  @MaxLength(300)
  siteAddress?: string;

  @Field(() => String, { nullable: true, description: 'on-site: the people met' })
  @IsOptional()
  @MaxLength(300)
  peopleMet?: string;

  @Field(() => [PatrolPhotoInput], { nullable: true, description: 'on-site: at most 10 images' })
  photos?: PatrolPhotoInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  note?: string;
}

@ObjectType('PatrolCoverage', { description: 'Patrol coverage of a unit over a period' })
export class PatrolCoverageType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => String)
  from!: string;

  @Field(() => String)
  to!: string;

  @Field(() => Int, { description: 'filed shops now in the unit\'s jurisdiction (not flagged not-in-jurisdiction)' })
  filedShops!: number;

  @Field(() => Int, { description: 'of those, patrolled in the period' })
  patrolledShops!: number;

  @Field(() => Float, { description: 'patrolledShops / filedShops (0 without shops)' })
  coverage!: number;

  @Field(() => Int, { description: 'tasks of the unit or units under it due in the period (not cancelled)' })
  tasksDue!: number;

  @Field(() => Int)
  tasksDone!: number;

  @Field(() => Int, { description: 'of the tasks due in the period, open past the due day' })
  overdueTasks!: number;
}

@ObjectType('CampaignProgress', { description: 'A plan\'s tasks and outcomes for a unit and the units under it' })
export class CampaignProgressType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int)
  targeted!: number;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  open!: number;

  @Field(() => Int)
  overdue!: number;

  @Field(() => Int)
  compliant!: number;

  @Field(() => Int)
  rectificationOrdered!: number;

  @Field(() => Int)
  clueRaised!: number;
}
