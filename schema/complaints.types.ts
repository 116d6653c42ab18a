import { IsOptional, MaxLength } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Complaint, ComplaintChannel, ComplaintFeedback, ComplaintKind, ComplaintResult, ComplaintStatus, Unit } from '../entities';
import { ConnectionType } from './connection';

export const ComplaintConnection = ConnectionType('Complaint', Complaint);

@InputType('ComplaintFilter')
export class ComplaintFilterInput {
  @Field(() => [ComplaintStatus], { nullable: true })
  statuses?: ComplaintStatus[];

  @Field(() => [ComplaintKind], { nullable: true })
  kinds?: ComplaintKind[];

  @Field(() => [ComplaintChannel], { nullable: true })
  channels?: ComplaintChannel[];

  @Field(() => ID, { nullable: true, description: 'assigned to this unit or a unit under it' })
  unitId?: string;

  @Field(() => ID, { nullable: true })
  shopId?: string;

  @Field(() => String, { nullable: true, description: 'received on or after this China day (YYYY-MM-DD)' })
  receivedFrom?: string;

  @Field(() => String, { nullable: true, description: 'received on or before this China day (YYYY-MM-DD)' })
  receivedTo?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: still undecided after the acceptance deadline; false: not so' })
  acceptanceOverdue?: boolean;
}

@InputType('ComplainantInput')
export class ComplainantInputType {
  @Field(() => String)
  @MaxLength(100)
  name!: string;

  @Field(() => String, { nullable: true, description: 'mainland mobile (1[3-9] and 9 digits) or landline (digits and dashes)' })
  @IsOptional()
  @MaxLength(32)
  phone?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  email?: string;
}

@InputType('ComplaintOrderInput')
export class ComplaintOrderInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  orderNumber?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, not in the future' })
  @IsOptional()
  @MaxLength(10)
  orderDate?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  productName?: string;

  @Field(() => String, { nullable: true, description: 'yuan, ≥ 0, at most two decimals' })
  @IsOptional()
  @MaxLength(16)
  amountPaid?: string;
}

@InputType('ComplaintAttachmentInput')
export class ComplaintAttachmentInput {
  @Field(() => String)
  @MaxLength(255)
  fileName!: string;

  @Field(() => String, { description: 'the file, base64 (standard alphabet, padded); size limit CASE_FILE_MAX_BYTES' })
  contentBase64!: string;
}

@InputType('SubmitComplaintInput')
export class SubmitComplaintInput {
  @Field(() => ComplaintKind)
  kind!: ComplaintKind;

  @Field(() => ComplainantInputType)
  complainant!: ComplainantInputType;

  @Field(() => ID, { nullable: true, description: 'a shop in the register; or give shopUrl' })
  shopId?: string;

  @Field(() => String, { nullable: true, description: 'the shop\'s address, matched to the register (a new unfiled shop when it matches none)' })
  @IsOptional()
  @MaxLength(1000)
  shopUrl?: string;

  @Field(() => String, { nullable: true, description: 'the shop\'s name (needed when the address matches no shop)' })
  @IsOptional()
  @MaxLength(200)
  shopName?: string;

  @Field(() => String, { nullable: true, description: 'county or town code of the business (needed when the address matches no shop)' })
  @IsOptional()
  @MaxLength(12)
  regionCode?: string;

  @Field(() => ComplaintOrderInput, { nullable: true })
  order?: ComplaintOrderInput;

  @Field(() => String)
  @MaxLength(200)
  title!: string;

  @Field(() => String)
  @MaxLength(10_000)
  description!: string;

  @Field(() => [ComplaintAttachmentInput], { nullable: true, description: 'at most 10 files' })
  attachments?: ComplaintAttachmentInput[];

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when it was received (by phone or letter); not in the future; default now' })
  receivedAt?: Date;
}

@InputType('ResolveComplaintInput')
export class ResolveComplaintInputType {
  @Field(() => ID)
  id!: string;

  @Field(() => ComplaintResult, { description: 'a report ends as REPORT_HANDLED; a complaint by any other result' })
  result!: ComplaintResult;

  @Field(() => String, { nullable: true, description: 'yuan recovered for the consumer, ≥ 0, at most two decimals' })
  @IsOptional()
  @MaxLength(16)
  amountRecovered?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  note?: string;
}

@InputType('CloseComplaintInput')
export class CloseComplaintInputType {
  @Field(() => ID)
  id!: string;

  @Field(() => ComplaintFeedback, { description: 'the consumer\'s feedback (回访)' })
  feedback!: ComplaintFeedback;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  note?: string;
}

@ObjectType('Complainant', { description: 'The complainant: in full for the handling unit and the units above it, masked for everyone else' })
export class ComplainantType {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => Boolean, { description: 'true when name, phone and email are masked' })
  masked!: boolean;
}

@ObjectType('StoredFile', { description: 'An uploaded file, stored content-addressed under its SHA-256' })
export class StoredFileType {
  @Field(() => String)
  sha256!: string;

  @Field(() => String)
  fileName!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => Int)
  sizeBytes!: number;
}

@ObjectType('ComplaintUnitCount', { description: 'Complaints received in a period by a unit or a unit under it, by where they stand' })
export class ComplaintUnitCountType {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { description: 'received in the period' })
  received!: number;

  @Field(() => Int, { description: 'accepted (受理), whatever happened next' })
  accepted!: number;

  @Field(() => Int, { description: 'decided (accepted or rejected) by the end of the acceptance deadline' })
  acceptedOnTime!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Int, { description: 'with a result (resolved or closed)' })
  resolved!: number;

  @Field(() => Int)
  closed!: number;

  @Field(() => Int, { description: 'still undecided and past the acceptance deadline now' })
  acceptanceOverdue!: number;

  @Field(() => String, { description: 'yuan recovered for consumers' })
  amountRecovered!: string;
}
