import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Case, CaseClue, CaseEvent, CaseEvidence, Clue, Shop, Unit } from '../entities';
import { AddCaseFileInput, AddEvidenceInput, CaseConnection, CaseDocumentKindInput, CaseFilterInput, DecidePenaltyInput, DocumentType, OpenCaseInput } from '../schema/cases.types';
import { PageArgs } from '../schema/connection';
import { Permission } from '../services/access/permissions';
import { caseDocument, CaseDocumentKind, clueAssignmentNotice, type GeneratedDocument, renderPdf } from '../services/cases/case-documents';
import {
  addCaseFile,
  addEvidence,
  approveFiling,
  closeCase,
  decidePenalty,
  issuePriorNotice,
  openCase,
  recordExecution,
  rejectFiling,
  startInvestigation,
  transferCase,
} from '../services/cases/case.commands';
import { getCase, isCaseOverdue, listCases } from '../services/cases/case.queries';
import type { Context } from './context';
import { selects } from './selection';

async function withPdf(doc: GeneratedDocument, info: GraphQLResolveInfo): Promise<DocumentType> {
  const pdf = selects(info, 'pdfBase64') ? await renderPdf(doc.html) : null;
  return { ...doc, pdfBase64: pdf ? pdf.toString('base64') : null };
}

@Resolver(() => Case)
export class CaseResolver {
  @Authorized(Permission.CASES_READ)
  @Query(() => CaseConnection, { description: 'Cases (案件) in your jurisdiction, newest first' })
  cases(
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => CaseFilterInput, { nullable: true }) filter: CaseFilterInput | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return listCases(em, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @Authorized(Permission.CASES_READ)
  @Query(() => Case)
  case(@Ctx() { em }: Context, @Arg('id', () => ID) id: string): Promise<Case> {
    return getCase(em, id);
  }

  @Authorized(Permission.CASES_READ)
  @Query(() => DocumentType, { description: '电子数据提取笔录 (EVIDENCE_RECORD) or 行政处罚决定书 (PENALTY_DECISION) of a case, as HTML and PDF' })
  async caseDocument(
    @Ctx() { em }: Context,
    @Arg('caseId', () => ID) caseId: string,
    @Arg('kind', () => CaseDocumentKindInput) kind: CaseDocumentKindInput,
    @Info() info: GraphQLResolveInfo,
  ): Promise<DocumentType> {
    return withPdf(await caseDocument(em, caseId, kind as unknown as CaseDocumentKind), info);
  }

  @Authorized(Permission.CLUES_READ)
  @Query(() => DocumentType, { description: '线索交办通知书 of an assigned clue, as HTML and PDF' })
  async clueAssignmentNotice(@Ctx() { em }: Context, @Arg('clueId', () => ID) clueId: string, @Info() info: GraphQLResolveInfo): Promise<DocumentType> {
    return withPdf(await clueAssignmentNotice(em, clueId), info);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: 'Opens a case (proposed) from clues handled as CASE_FILED (inspector, admin)' })
  openCase(@Ctx() { em }: Context, @Arg('input', () => OpenCaseInput) input: OpenCaseInput): Promise<Case> {
    return openCase(em, input);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: '立案: approves filing, assigns the case number; 90 days to decide (leader, admin)' })
  approveFiling(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Case> {
    return approveFiling(em, id, note);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: '不予立案: refuses filing, with a reason (leader, admin)' })
  rejectFiling(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string): Promise<Case> {
    return rejectFiling(em, id, reason);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: '移送: transfers a proposed, filed or investigating case, with a reason (leader, admin)' })
  transferCase(
    @Ctx() { em }: Context,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('to', () => String, { nullable: true, description: 'the receiving authority' }) to: string | undefined,
  ): Promise<Case> {
    return transferCase(em, id, reason, to);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: 'Starts the investigation of a filed case (inspector)' })
  startInvestigation(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Case> {
    return startInvestigation(em, id, note);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: 'Attaches a capture or a note to a filed or investigating case (inspector)' })
  addEvidence(@Ctx() { em }: Context, @Arg('input', () => AddEvidenceInput) input: AddEvidenceInput): Promise<Case> {
    return addEvidence(em, input.caseId, input);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: 'Attaches an uploaded file (PDF, image, docx, xlsx, text/CSV; typed by its content) to a filed or investigating case (inspector)' })
  addCaseFile(@Ctx() { em, config }: Context, @Arg('input', () => AddCaseFileInput) input: AddCaseFileInput): Promise<Case> {
    return addCaseFile(em, input.caseId, input, { evidenceDir: config.evidenceDir, maxBytes: config.caseFileMaxBytes });
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: '告知: issues the prior notice; 7 calendar days for the party\'s statement (inspector, admin)' })
  issuePriorNotice(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Case> {
    return issuePriorNotice(em, id, note);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: 'Decides the penalty of a notified case: fine, legal basis, confiscation; 15 days to execute (leader, admin)' })
  decidePenalty(@Ctx() { em }: Context, @Arg('input', () => DecidePenaltyInput) input: DecidePenaltyInput): Promise<Case> {
    return decidePenalty(em, input.caseId, input);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: 'Records the execution of a decided penalty (inspector)' })
  recordExecution(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String) note: string): Promise<Case> {
    return recordExecution(em, id, note);
  }

  @Authorized(Permission.CASES_HANDLE)
  @Mutation(() => Case, { description: '结案: closes an executed case (leader, admin)' })
  closeCase(@Ctx() { em }: Context, @Arg('id', () => ID) id: string, @Arg('note', () => String, { nullable: true }) note: string | undefined): Promise<Case> {
    return closeCase(em, id, note);
  }

  @FieldResolver(() => Shop, { nullable: true })
  shop(@Root() kase: Case, @Ctx() { loaders }: Context) {
    return loaders.shopById.load(kase.shop.id);
  }

  @FieldResolver(() => Unit, { nullable: true })
  handlingUnit(@Root() kase: Case): Promise<Unit | null> | null {
    return kase.handlingUnit ? kase.handlingUnit.load({ dataloader: true }) : null;
  }

  @FieldResolver(() => Boolean, { description: 'the current stage is past its deadline' })
  overdue(@Root() kase: Case): boolean {
    return isCaseOverdue(kase);
  }

  @FieldResolver(() => [CaseEvent], { description: 'every step, oldest first: who, in which role, when, what and why' })
  events(@Root() kase: Case, @Ctx() { em }: Context): Promise<CaseEvent[]> {
    return em.find(CaseEvent, { case: kase.id }, { orderBy: { at: 'asc', id: 'asc' } });
  }

  @FieldResolver(() => [CaseEvidence], { description: 'evidence attached, oldest first' })
  evidence(@Root() kase: Case, @Ctx() { em }: Context): Promise<CaseEvidence[]> {
    return em.find(CaseEvidence, { case: kase.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => [Clue], { description: 'the clues the case was opened from' })
  async clues(@Root() kase: Case, @Ctx() { em }: Context): Promise<Clue[]> {
    const links = await em.find(CaseClue, { case: kase.id }, { orderBy: { id: 'asc' } });
    return links.length ? em.find(Clue, { id: { $in: links.map((l) => l.clue.id) } }, { orderBy: { id: 'asc' } }) : [];
  }
}
