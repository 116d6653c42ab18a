import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Case, CaseStatus } from '../entities';
import { ConnectionType } from './connection';

export enum CaseDocumentKind {
  CLUE_ASSIGNMENT_NOTICE = 'clue_assignment_notice',
  EVIDENCE_RECORD = 'evidence_record',
  PENALTY_DECISION = 'penalty_decision',
}

export const CaseConnection = ConnectionType('Case', Case);

/** The case documents the `caseDocument` query renders. */
export enum CaseDocumentKindInput {
  EVIDENCE_RECORD = CaseDocumentKind.EVIDENCE_RECORD,
  PENALTY_DECISION = CaseDocumentKind.PENALTY_DECISION,
}
registerEnumType(CaseDocumentKindInput, { name: 'CaseDocumentKind', description: '电子数据提取笔录 (evidence record) or 行政处罚决定书 (penalty decision)' });
registerEnumType(CaseDocumentKind, { name: 'DocumentKind', description: 'Which document: clue assignment notice, evidence record, penalty decision' });

@InputType('CaseFilter')
export class CaseFilterInput {
  @Field(() => [CaseStatus], { nullable: true })
  statuses?: CaseStatus[];

  @Field(() => ID, { nullable: true, description: 'handled by this unit or a unit under it' })
  unitId?: string;

  @Field(() => ID, { nullable: true })
  shopId?: string;
}

@InputType('OpenCaseInput')
export class OpenCaseInput {
  @Field(() => [ID], { description: 'clues of one shop, each handled with the outcome CASE_FILED and in no other case' })
  clueIds!: string[];

  @Field(() => String, { nullable: true, description: 'default: the first clue\'s title' })
  @IsOptional()
  @MaxLength(200)
  title?: string;

  @Field(() => String, { nullable: true, description: 'default: the clues\' descriptions' })
  @IsOptional()
  @MaxLength(20_000)
  facts?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  note?: string;
}

@InputType('AddEvidenceInput')
export class AddEvidenceInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => ID, { nullable: true, description: 'an evidence_capture of the case\'s shop: URL, time, tool and SHA-256 are copied' })
  evidenceCaptureId?: string;

  @Field(() => String, { nullable: true, description: 'a note (required without a capture)' })
  @IsOptional()
  @MaxLength(20_000)
  note?: string;
}

@InputType('AddCaseFileInput')
export class AddCaseFileInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { description: 'the file name; its extension must agree with the content (.pdf .png .jpg .jpeg .gif .webp .docx .xlsx .txt .csv)' })
  @MaxLength(255)
  fileName!: string;

  @Field(() => String, { description: 'file content, base64 (at most CASE_FILE_MAX_BYTES decoded)' })
  contentBase64!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20_000)
  note?: string;
}

@InputType('LegalProvisionInput')
export class LegalProvisionInput {
  @Field(() => String)
  @MaxLength(200)
  law!: string;

  @Field(() => String)
  @MaxLength(200)
  article!: string;
}

@InputType('DecidePenaltyInput')
export class DecidePenaltyInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => String, { description: 'the fine in yuan, ≥ 0, at most two decimals' })
  @MaxLength(20)
  fineAmount!: string;

  @Field(() => [LegalProvisionInput])
  legalBasis!: LegalProvisionInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  confiscation?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20_000)
  decision?: string;
}

@ObjectType('Document', { description: 'A printable document generated from case data: HTML, and PDF where Chromium is present' })
export class DocumentType {
  @Field(() => CaseDocumentKind)
  kind!: CaseDocumentKind;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'printable A4 HTML (zh-CN)' })
  html!: string;

  @Field(() => String, { nullable: true, description: 'the PDF, base64; null where Chromium is not installed' })
  pdfBase64!: string | null;
}
