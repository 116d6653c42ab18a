/** GraphQL types of self-filing (主体备案) and the electronic badge (电子标识), issue 16. */
import { MaxLength } from 'class-validator';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { SelfFiling, SelfFilingStatus } from '../entities';
import { ConnectionType } from './connection';

registerEnumType(SelfFilingStatus, { name: 'SelfFilingStatus', description: 'awaiting_verification → under_review → accepted or returned; accepted → revoked' });

export const SelfFilingConnection = ConnectionType('SelfFiling', SelfFiling);

@InputType('SelfFilingFilter')
export class SelfFilingFilterInput {
  @Field(() => [SelfFilingStatus], { nullable: true })
  statuses?: SelfFilingStatus[];

  @Field(() => Boolean, { nullable: true, description: 'true: under review past its due day; false: not so' })
  reviewOverdue?: boolean;

  @Field(() => String, { nullable: true, description: 'USCC, name or filing number contains' })
  @MaxLength(100)
  search?: string;
}

@ObjectType('SelfFilingBadge', { description: 'The electronic badge of an accepted shop: the signed verification link, the image, the QR code and the snippet to embed' })
export class SelfFilingBadgeType {
  @Field(() => String, { description: 'the signed identifier the link carries' })
  token!: string;

  @Field(() => String)
  verifyUrl!: string;

  @Field(() => String, { description: 'SVG image' })
  imageUrl!: string;

  @Field(() => String, { description: 'QR code of the verification link (PNG, for print)' })
  qrPngUrl!: string;

  @Field(() => String, { description: 'HTML snippet to embed on the shop page' })
  embedHtml!: string;
}
