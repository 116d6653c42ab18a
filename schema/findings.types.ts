import { GraphQLJSONObject } from 'graphql-scalars';
import { IsOptional, Matches } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Finding, FindingSeverity, FindingStatus } from '../entities';
import { ConnectionType } from './connection';

@ObjectType('LegalBasis', { description: 'A law and article' })
export class LegalBasisType {
  @Field(() => String)
  law!: string;

  @Field(() => String)
  article!: string;
}

@ObjectType('Rule', { description: 'A rule check: what it looks for, on what legal basis, and whether it is on for a region' })
export class RuleType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  nameZh!: string;

  @Field(() => String)
  nameEn!: string;

  @Field(() => String)
  descriptionZh!: string;

  @Field(() => FindingSeverity)
  severity!: string;

  @Field(() => String, { description: 'shop or listing' })
  target!: string;

  @Field(() => [LegalBasisType])
  legalBasis!: LegalBasisType[];

  @Field(() => Boolean, { description: 'on for regionCode (the longest matching setting, else on)' })
  enabled!: boolean;

  @Field(() => String)
  regionCode!: string;
}

export const FindingConnection = ConnectionType('Finding', Finding);

@InputType('FindingFilter')
export class FindingFilterInput {
  @Field(() => [String], { nullable: true })
  ruleIds?: string[];

  @Field(() => [FindingSeverity], { nullable: true })
  severities?: FindingSeverity[];

  @Field(() => [FindingStatus], { nullable: true })
  statuses?: FindingStatus[];

  @Field(() => ID, { nullable: true })
  shopId?: string;

  @Field(() => String, { nullable: true, description: 'region code prefix' })
  @IsOptional()
  @Matches(/^\d{2,12}$/)
  regionCode?: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  to?: Date;
}

@InputType('SetRuleEnabledInput')
export class SetRuleEnabledInput {
  @Field(() => String)
  ruleId!: string;

  @Field(() => String, { description: 'the region (and everything under it) the switch applies to' })
  regionCode!: string;

  @Field(() => Boolean)
  enabled!: boolean;
}

@ObjectType('RuleLexicon', { description: 'The lexicon the rule checks read: absolute terms and their lawful exceptions, urgency phrases, regulated categories and permits, prohibited and restricted goods' })
export class RuleLexiconType {
  @Field(() => Int, { nullable: true, description: 'null: the built-in default, never replaced' })
  version!: number | null;

  @Field(() => GraphQLJSONObject)
  lexicon!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  updatedBy!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  createdAt!: Date | null;
}
