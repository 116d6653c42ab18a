/**
 * Documents generated from clue and case data as printable HTML (zh-CN, A4): 线索交办通知书 (a clue
 * assignment notice), 电子数据提取笔录 (the electronic data extraction record: URL, capture time, tool
 * and SHA-256 of each captured piece of evidence) and 行政处罚决定书 (the penalty decision). Every piece
 * of user text is HTML-escaped. PDF is rendered by Chromium through playwright-core when
 * /usr/bin/chromium exists (no network: every request is aborted), else null.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Case, CaseEvidence, CaseEvidenceKind, CaseStatus, ClueStatus, OnlineEntity, Shop, Unit } from '../../entities';
import { getClue } from '../clues/clue.queries';
import { NotFoundError, UserInputError } from '../errors';
import { pdfAvailable, renderPdf as printPdf } from '../files/pdf';
import { getCase } from './case.queries';
import { CaseDocumentKind } from '../../schema/cases.types';
export { CaseDocumentKind };


export interface GeneratedDocument {
  kind: CaseDocumentKind;
  title: string;
  html: string;
}


const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text (null → empty). */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A date as 2026年11月28日 (Asia/Shanghai). */
function zhDate(d: Date | null | undefined): string {
  if (!d) return '';
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}年${get('month')}月${get('day')}日`;
}

/** A time as 2026-11-28 10:05:03 (Asia/Shanghai, UTC+8) for the extraction record. */
function zhTime(d: Date | null | undefined): string {
  if (!d) return '';
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19)} (UTC+8)`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
@page { size: A4; margin: 25mm 20mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.8; color: #000; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.2em; margin: 0 0 0.5em; }
.number { text-align: center; margin-bottom: 1.5em; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 4px 6px; vertical-align: top; word-break: break-all; }
th { background: #f2f2f2; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
.sign { margin-top: 3em; text-align: right; }
p { text-indent: 2em; margin: 0.4em 0; }
@media print { th { background: none; } }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** 线索交办通知书 from an assigned clue. */
export async function clueAssignmentNotice(em: EntityManager, clueId: string | number): Promise<GeneratedDocument> {
  const clue = await getClue(em, clueId);
  if (!clue.assignedUnit || clue.status === ClueStatus.RECEIVED || clue.status === ClueStatus.REGISTERED) {
    throw new UserInputError(`clue ${clue.id} is ${clue.status}: the assignment notice needs an assigned clue`, 'clueId');
  }
  const [shop, unit] = await Promise.all([em.findOne(Shop, { id: clue.shop.id }), em.findOne(Unit, { id: clue.assignedUnit.id })]);
  const title = '线索交办通知书';
  const body = `<h1>${title}</h1>
<div class="number">线索编号：${esc(clue.id)}</div>
<p>${esc(unit?.name ?? '')}：</p>
<p>现将以下线索交你单位核查处置，请于 ${esc(zhDate(clue.deadline))} 前办结并反馈结果。</p>
<table>
<tr><th style="width:25%">线索编号</th><td>${esc(clue.id)}</td></tr>
<tr><th>涉及店铺</th><td>${esc(shop?.name ?? '')}${shop ? `（${esc(shop.url)}）` : ''}</td></tr>
<tr><th>线索标题</th><td>${esc(clue.title)}</td></tr>
<tr><th>问题描述</th><td>${esc(clue.description)}</td></tr>
<tr><th>承办单位</th><td>${esc(unit?.name ?? '')}</td></tr>
<tr><th>交办日期</th><td>${esc(zhDate(clue.assignedAt))}</td></tr>
<tr><th>办结期限</th><td>${esc(zhDate(clue.deadline))}</td></tr>
</table>
<div class="sign">交办单位（盖章）<br>${esc(zhDate(clue.assignedAt))}</div>`;
  return { kind: CaseDocumentKind.CLUE_ASSIGNMENT_NOTICE, title, html: page(title, body) };
}

async function partyOf(em: EntityManager, kase: Case): Promise<{ name: string; uscc: string | null; shopName: string; shopUrl: string }> {
  const shop = await em.findOne(Shop, { id: kase.shop.id }, { filters: false });
  if (!shop) throw new NotFoundError('shop', kase.shop.id);
  const entity = shop.entity ? await em.findOne(OnlineEntity, { id: shop.entity.id }, { filters: false }) : null;
  return { name: entity?.name ?? shop.name, uscc: entity?.uscc ?? null, shopName: shop.name, shopUrl: shop.url };
}

/** 电子数据提取笔录: one row per captured piece of evidence (URL, capture time, tool, SHA-256), then the uploaded files. */
async function evidenceRecord(em: EntityManager, kase: Case): Promise<GeneratedDocument> {
  const [party, captures, files] = await Promise.all([
    partyOf(em, kase),
    em.find(CaseEvidence, { case: kase.id, kind: CaseEvidenceKind.CAPTURE }, { orderBy: { id: 'asc' } }),
    em.find(CaseEvidence, { case: kase.id, kind: CaseEvidenceKind.FILE }, { orderBy: { id: 'asc' } }),
  ]);
  const title = '电子数据提取笔录';
  const rows = captures
    .map(
      (e, i) => `<tr><td>${i + 1}</td><td class="mono">${esc(e.url)}</td><td>${esc(zhTime(e.observedAt))}</td><td>${esc(e.tool)}</td><td class="mono">${esc(e.sha256)}</td></tr>`,
    )
    .join('\n');
  const body = `<h1>${title}</h1>
<div class="number">案号：${esc(kase.caseNumber ?? '（未立案）')}</div>
<table>
<tr><th style="width:25%">当事人</th><td>${esc(party.name)}${party.uscc ? `（统一社会信用代码：${esc(party.uscc)}）` : ''}</td></tr>
<tr><th>网店</th><td>${esc(party.shopName)}（${esc(party.shopUrl)}）</td></tr>
<tr><th>案由</th><td>${esc(kase.title)}</td></tr>
</table>
<p>提取方法：由网络交易监测系统自动抓取网页原始数据，计算 SHA-256 哈希值并存入证据库，以下为提取的电子数据清单。</p>
<table>
<tr><th style="width:6%">序号</th><th style="width:32%">网址（URL）</th><th style="width:17%">提取时间</th><th style="width:15%">提取工具</th><th style="width:30%">SHA-256 哈希值</th></tr>
${rows || '<tr><td colspan="5">（无）</td></tr>'}
</table>
${
  files.length
    ? `<p>附件：调查中收集的电子文件，按 SHA-256 哈希值存入证据库。</p>
<table>
<tr><th style="width:6%">序号</th><th style="width:30%">文件名</th><th style="width:14%">大小（字节）</th><th style="width:20%">收集时间</th><th style="width:30%">SHA-256 哈希值</th></tr>
${files
  .map((e, i) => `<tr><td>${i + 1}</td><td>${esc(e.fileName)}</td><td>${esc(String(e.sizeBytes ?? ''))}</td><td>${esc(zhTime(e.at))}</td><td class="mono">${esc(e.sha256)}</td></tr>`)
  .join('\n')}
</table>
`
    : ''
}<div class="sign">提取人（签名）：　　　　　　见证人（签名）：<br>${esc(zhDate(new Date()))}</div>`;
  return { kind: CaseDocumentKind.EVIDENCE_RECORD, title, html: page(title, body) };
}

const DECIDED_STATUSES: readonly CaseStatus[] = [CaseStatus.DECIDED, CaseStatus.EXECUTED, CaseStatus.CLOSED];

/** 行政处罚决定书 from a decided case. */
async function penaltyDecision(em: EntityManager, kase: Case): Promise<GeneratedDocument> {
  if (!DECIDED_STATUSES.includes(kase.status)) {
    throw new UserInputError(`case ${kase.id} is ${kase.status}: the penalty decision needs a decided case`, 'kind');
  }
  const party = await partyOf(em, kase);
  const unit = kase.handlingUnit ? await em.findOne(Unit, { id: kase.handlingUnit.id }, { filters: false }) : null;
  const title = '行政处罚决定书';
  const basis = kase.legalBasis.map((b) => `《${esc(b.law)}》${esc(b.article)}`).join('、');
  const body = `<h1>${title}</h1>
<div class="number">${esc(kase.caseNumber ?? '')}</div>
<p style="text-indent:0">当事人：${esc(party.name)}</p>
${party.uscc ? `<p style="text-indent:0">统一社会信用代码：${esc(party.uscc)}</p>` : ''}
<p style="text-indent:0">网店：${esc(party.shopName)}（${esc(party.shopUrl)}）</p>
<p>${esc(kase.title)}一案，本局依法立案调查，并已告知当事人拟作出行政处罚的事实、理由、依据及其依法享有的陈述、申辩权利。现已调查终结。</p>
<p>经查：${esc(kase.facts)}</p>
<p>依据${basis}之规定，本局决定对当事人作出如下行政处罚：</p>
<p>一、罚款人民币 ${esc(kase.fineAmount ?? '0.00')} 元；</p>
${kase.confiscation ? `<p>二、没收：${esc(kase.confiscation)}。</p>` : ''}
${kase.decision ? `<p>${esc(kase.decision)}</p>` : ''}
<p>当事人应当自收到本决定书之日起十五日内缴纳罚款。逾期不缴纳的，每日按罚款数额的百分之三加处罚款。</p>
<p>当事人如不服本处罚决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。</p>
<div class="sign">${esc(unit?.name ?? '')}（盖章）<br>${esc(zhDate(new Date()))}</div>`;
  return { kind: CaseDocumentKind.PENALTY_DECISION, title, html: page(title, body) };
}

/** A document of a case in the caller's jurisdiction (NOT_FOUND outside). */
export async function caseDocument(em: EntityManager, caseId: string | number, kind: CaseDocumentKind): Promise<GeneratedDocument> {
  const kase = await getCase(em, caseId);
  if (kind === CaseDocumentKind.EVIDENCE_RECORD) return evidenceRecord(em, kase);
  if (kind === CaseDocumentKind.PENALTY_DECISION) return penaltyDecision(em, kase);
  throw new UserInputError(`kind: ${kind} is not a case document`, 'kind');
}

/** The HTML as an A4 PDF (the page's own CSS size), every network request refused; null without Chromium. */
export async function renderPdf(html: string): Promise<Buffer | null> {
  if (!pdfAvailable()) return null;
  return printPdf(html, { format: 'A4', printBackground: true, preferCSSPageSize: true });
}
