import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { InfoReport, InfoReportKind, InfoReportStatus, Notice, NoticeKind, NoticeRead, NoticeReply, Unit } from '../entities';
import { ConnectionType } from './connection';

export const InfoReportConnection = ConnectionType('InfoReport', InfoReport);
export const NoticeConnection = ConnectionType('Notice', Notice);

@InputType('OfficeAttachmentInput', { description: 'An uploaded file: .pdf .png .jpg .jpeg .gif .webp .docx .xlsx .txt .csv, checked by content' })
export class OfficeAttachmentInput {
  @Field(() => String)
  @MaxLength(255)
  fileName!: string;

  @Field(() => String, { description: 'the file, base64 (standard alphabet, padded); size limit CASE_FILE_MAX_BYTES' })
  contentBase64!: string;
}

@InputType('DraftInfoReportInput')
export class DraftInfoReportInput {
  @Field(() => InfoReportKind)
  kind!: InfoReportKind;

  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(50_000)
  body!: string;

  @Field(() => String, { description: 'first day of the period reported on (YYYY-MM-DD)' })
  periodStart!: string;

  @Field(() => String, { description: 'last day of the period reported on (YYYY-MM-DD)' })
  periodEnd!: string;

  @Field(() => String, { nullable: true, description: 'the day it must be submitted by (YYYY-MM-DD)' })
  @IsOptional()
  dueOn?: string;

  @Field(() => [OfficeAttachmentInput], { nullable: true, description: 'at most 10 files' })
  @IsOptional()
  @ArrayMaxSize(10)
  attachments?: OfficeAttachmentInput[];
}

@InputType('ReviseInfoReportInput')
export class ReviseInfoReportInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(50_000)
  body?: string;

  @Field(() => [OfficeAttachmentInput], { nullable: true, description: 'replaces the version\'s files; omitted: the current files are kept' })
  @IsOptional()
  @ArrayMaxSize(10)
  attachments?: OfficeAttachmentInput[];
}

@InputType('InfoReportFilter')
export class InfoReportFilterInput {
  @Field(() => [InfoReportStatus], { nullable: true })
  statuses?: InfoReportStatus[];

  @Field(() => [InfoReportKind], { nullable: true })
  kinds?: InfoReportKind[];

  @Field(() => ID, { nullable: true, description: 'drafted by this unit or a unit under it' })
  authorUnitId?: string;

  @Field(() => ID, { nullable: true, description: 'the review queue: submitted and waiting for this unit' })
  reviewerUnitId?: string;

  @Field(() => String, { nullable: true, description: 'the period reported on ends on or after this day (YYYY-MM-DD)' })
  periodFrom?: string;

  @Field(() => String, { nullable: true, description: 'the period reported on starts on or before this day (YYYY-MM-DD)' })
  periodTo?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: not submitted by the due day (still not, or late); false: the others' })
  overdue?: boolean;
}

@ObjectType('InfoReportUnitCount', { description: 'Reports of a unit and the units under it whose period overlaps the one asked for' })
export class InfoReportUnitCountType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { description: 'reports drafted' })
  drafted!: number;

  @Field(() => Int, { description: 'submitted at least once' })
  submitted!: number;

  @Field(() => Int)
  approved!: number;

  @Field(() => Int, { description: 'returned at least once' })
  returned!: number;

  @Field(() => Int, { description: 'submitted now, waiting for review' })
  pending!: number;

  @Field(() => Int, { description: 'not submitted by the due day (still not, or late)' })
  overdue!: number;

  @Field(() => Int, { description: 'approved and first submitted by the due day (or without one)' })
  approvedOnTime!: number;
}

@InputType('SendNoticeInput')
export class SendNoticeInput {
  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(50_000)
  body!: string;

  @Field(() => [OfficeAttachmentInput], { nullable: true, description: 'at most 10 files' })
  @IsOptional()
  @ArrayMaxSize(10)
  attachments?: OfficeAttachmentInput[];

  @Field(() => Boolean, { nullable: true, description: 'ask the recipients for a reply by replyDueOn' })
  @IsOptional()
  replyRequired?: boolean;

  @Field(() => String, { nullable: true, description: 'required with replyRequired: a future day (YYYY-MM-DD)' })
  @IsOptional()
  replyDueOn?: string;

  @Field(() => [ID], { nullable: true, description: 'chosen units below your unit' })
  @IsOptional()
  @ArrayMaxSize(1000)
  unitIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'units below your unit whose whole subtree (the unit and every unit under it) receives the notice' })
  @IsOptional()
  @ArrayMaxSize(1000)
  subtreeOf?: string[];
}

@InputType('SendMessageInput')
export class SendMessageInput {
  @Field(() => ID, { description: 'your unit\'s parent or one of its child units' })
  toUnitId!: string;

  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(50_000)
  body!: string;

  @Field(() => [OfficeAttachmentInput], { nullable: true, description: 'at most 10 files' })
  @IsOptional()
  @ArrayMaxSize(10)
  attachments?: OfficeAttachmentInput[];
}

@InputType('ReplyToNoticeInput')
export class ReplyToNoticeInput {
  @Field(() => ID)
  noticeId!: string;

  @Field(() => String)
  @MaxLength(50_000)
  body!: string;

  @Field(() => [OfficeAttachmentInput], { nullable: true, description: 'at most 10 files' })
  @IsOptional()
  @ArrayMaxSize(10)
  attachments?: OfficeAttachmentInput[];
}

@InputType('NoticeInboxFilter')
export class NoticeInboxFilterInput {
  @Field(() => Boolean, { nullable: true, description: 'true: not yet read by you; false: read by you' })
  unread?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'true: a reply is required and your unit has not replied' })
  replyPending?: boolean;
}

@InputType('NoticesSentFilter')
export class NoticesSentFilterInput {
  @Field(() => NoticeKind, { nullable: true })
  kind?: NoticeKind;
}

@ObjectType('NoticeRecipientStatus', { description: 'A recipient unit of a notice as the sender side sees it: who read it when, its replies' })
export class NoticeRecipientStatusType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'first read by a user of the unit' })
  firstReadAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'first reply' })
  repliedAt!: Date | null;

  @Field(() => Boolean, { description: 'a reply was required and did not come by the end of the due day' })
  replyOverdue!: boolean;

  @Field(() => [NoticeRead], { description: 'read receipts of the unit\'s users, first first' })
  readers!: NoticeRead[];

  @Field(() => [NoticeReply], { description: 'the unit\'s replies, oldest first' })
  replies!: NoticeReply[];
}

@ObjectType('NoticeReadRates', { description: 'How many recipient units read and replied' })
export class NoticeReadRatesType {
  @Field(() => Int)
  recipients!: number;

  @Field(() => Int, { description: 'recipient units where at least one user read it' })
  read!: number;

  @Field(() => Int, { description: 'recipient units that replied' })
  replied!: number;

  @Field(() => Int, { description: 'required replies not in by the end of the due day' })
  overdueReplies!: number;
}
