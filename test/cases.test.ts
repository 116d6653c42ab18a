/**
 * Cases (案件) through GraphQL on a small demo province: a clue raised from a finding (written
 * directly), assigned and handled as 立案, opens a case; the whole flow proposed → filed → investigating
 * (a capture attached) → notified → decided → executed → closed with who/role/when/why at every step;
 * every illegal transition and wrong role refused with nothing changed; other counties NOT_FOUND; the
 * not-filed and transferred paths; the three documents as HTML (and PDF where Chromium is present).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../kernel/blob-store';
import { addWorkingDays, chinaDay, endOfChinaDay } from '../services/calendar/working-days';
import { inspectCaseFile } from '../services/cases/case-files';
import { runAsSystem } from '../services/system-actor';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const HAS_CHROMIUM = existsSync('/usr/bin/chromium');

const { sql, refused } = workflowChecks(() => p, 'cases test', ['legal_case', 'case_clue', 'case_event', 'case_evidence', 'clue', 'audit_entry']);

let shopId: number;
let county: string;
let otherCounty: string;
const users = { inspector: '', leader: '', admin: '', analyst: '', outsider: '' };
const tok = { inspector: '', leader: '', admin: '', analyst: '', outsider: '' };
const tokens = async (role: keyof typeof users) => tok[role];

let findingSeq = 0;
async function addFinding(ruleId: string): Promise<string> {
  findingSeq += 1;
  const [row] = await sql<{ id: number }>(
    `insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis)
     select ?, 'medium', s.id, s.region_code, now() - (? || ' minutes')::interval, '店铺首页未亮照', '{}'::jsonb, '[{"law":"电子商务法","article":"第十五条"}]'::jsonb
     from shop s where s.id = ? returning id`,
    [ruleId, String(findingSeq), shopId],
  );
  return String(row.id);
}

/** A clue raised from a new finding, registered, assigned and handled with the given outcome. */
async function handledClue(ruleId: string, outcome = 'CASE_FILED'): Promise<string> {
  const t = await tokens('inspector');
  const clue = ok(await p.gql(`mutation($f: ID!) { raiseClueFromFinding(findingId: $f) { id } }`, { f: await addFinding(ruleId) }, t)).raiseClueFromFinding;
  ok(await p.gql(`mutation($id: ID!) { registerClue(id: $id) { id } }`, { id: clue.id }, t));
  ok(await p.gql(`mutation($id: ID!) { assignClue(input: { clueId: $id }) { id } }`, { id: clue.id }, t));
  ok(await p.gql(`mutation($id: ID!, $o: ClueOutcome!) { handleClue(input: { clueId: $id, outcome: $o, note: "经核查属实" }) { id } }`, { id: clue.id, o: outcome }, await p.login(users.admin)));
  return clue.id;
}

const CASE_FIELDS = `id caseNumber status regionCode title facts legalBasis fineAmount confiscation stageDeadline overdue
  shop { id } handlingUnit { id } clues { id } evidence { kind url sha256 tool observedAt note addedBy }
  events { action fromStatus toStatus note actorName actorRole at }`;

const m = {
  open: (clueIds: string[], t: string) => p.gql(`mutation($c: [ID!]!) { openCase(input: { clueIds: $c, facts: "未在首页显著位置公示营业执照信息" }) { ${CASE_FIELDS} } }`, { c: clueIds }, t),
  approve: (id: string, t: string) => p.gql(`mutation($id: ID!) { approveFiling(id: $id, note: "同意立案") { ${CASE_FIELDS} } }`, { id }, t),
  reject: (id: string, reason: string, t: string) => p.gql(`mutation($id: ID!, $r: String!) { rejectFiling(id: $id, reason: $r) { ${CASE_FIELDS} } }`, { id, r: reason }, t),
  transfer: (id: string, reason: string, t: string) => p.gql(`mutation($id: ID!, $r: String!) { transferCase(id: $id, reason: $r, to: "公安机关") { ${CASE_FIELDS} } }`, { id, r: reason }, t),
  investigate: (id: string, t: string) => p.gql(`mutation($id: ID!) { startInvestigation(id: $id) { ${CASE_FIELDS} } }`, { id }, t),
  evidence: (input: Record<string, unknown>, t: string) => p.gql(`mutation($i: AddEvidenceInput!) { addEvidence(input: $i) { ${CASE_FIELDS} } }`, { i: input }, t),
  notice: (id: string, t: string) => p.gql(`mutation($id: ID!) { issuePriorNotice(id: $id, note: "已送达告知书") { ${CASE_FIELDS} } }`, { id }, t),
  decide: (input: Record<string, unknown>, t: string) => p.gql(`mutation($i: DecidePenaltyInput!) { decidePenalty(input: $i) { ${CASE_FIELDS} } }`, { i: input }, t),
  execute: (id: string, t: string) => p.gql(`mutation($id: ID!) { recordExecution(id: $id, note: "罚款已缴纳") { ${CASE_FIELDS} } }`, { id }, t),
  close: (id: string, t: string) => p.gql(`mutation($id: ID!) { closeCase(id: $id, note: "结案") { ${CASE_FIELDS} } }`, { id }, t),
};

const PENALTY = { fineAmount: '5000', legalBasis: [{ law: '中华人民共和国电子商务法', article: '第七十六条' }], confiscation: '违法所得<1200>元', decision: '责令改正' };

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20 });
  const [shop] = await sql<{ id: number; region_code: string }>(
    `select s.id, s.region_code from shop s join unit u on u.id = s.responsible_unit_id where u.level = 'station' order by s.id limit 1`,
  );
  shopId = shop.id;
  county = shop.region_code.slice(0, 6);
  const [other] = await sql<{ code: string }>(`select code from unit where level = 'county' and code <> ? order by code limit 1`, [county]);
  otherCounty = other.code;
  Object.assign(users, { inspector: `x${county}-inspector`, leader: `x${county}-leader`, admin: `x${county}-admin`, analyst: `x${county}-analyst`, outsider: `x${otherCounty}-leader` });
  for (const role of Object.keys(users) as (keyof typeof users)[]) tok[role] = await p.login(users[role]);
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('cases', () => {
  let caseId: string;
  let clueId: string;
  const sha = 'ab'.repeat(32);
  const url = 'https://shop.example/store/1?a=1&b=<2>';

  it('opens a case only from clues handled as case_filed', async () => {
    const inspector = await tokens('inspector');
    const verified = await handledClue('absolute-terms', 'VERIFIED');
    await refused('BAD_USER_INPUT', () => m.open([verified], inspector), /outcome case_filed/);
    clueId = await handledClue('licence-missing');
    // a leader may not open a case (inspector, admin)
    await refused('FORBIDDEN', () => m.open([clueId], tok.leader), /openCase may be taken by inspector or admin/);
    await refused('NOT_FOUND', () => m.open([clueId], tok.outsider));
    const opened = ok(await m.open([clueId], inspector)).openCase;
    caseId = opened.id;
    expect(opened).toMatchObject({ status: 'PROPOSED', caseNumber: null, shop: { id: String(shopId) }, clues: [{ id: clueId }], stageDeadline: null });
    expect(opened.events).toEqual([expect.objectContaining({ action: 'OPENED', fromStatus: null, toStatus: 'PROPOSED', actorName: users.inspector, actorRole: 'inspector' })]);
    await refused('BAD_USER_INPUT', () => m.open([clueId], inspector), /already in case/);
  });

  it('refuses illegal transitions and wrong roles, with nothing changed', async () => {
    const inspector = await tokens('inspector');
    const leader = await tokens('leader');
    await refused('FORBIDDEN', () => m.approve(caseId, inspector), /approveFiling may be taken by leader or admin only; you are inspector/);
    await refused('BAD_USER_INPUT', () => m.investigate(caseId, inspector), /is proposed: startInvestigation is not allowed; allowed: approveFiling, rejectFiling, transferCase/);
    await refused('BAD_USER_INPUT', () => m.decide({ caseId, ...PENALTY }, leader), /is proposed: decidePenalty is not allowed/);
    await refused('BAD_USER_INPUT', () => m.evidence({ caseId, note: '笔录' }, inspector), /is proposed: addEvidence is not allowed/);
    await refused('FORBIDDEN', () => m.approve(caseId, tok.analyst));
    await refused('NOT_FOUND', () => m.approve(caseId, tok.outsider));
    await refused('NOT_FOUND', () => p.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, tok.outsider));
  });

  it('runs the whole flow: filing, investigation with a capture, notice, decision, execution, closure', async () => {
    const inspector = await tokens('inspector');
    const leader = await tokens('leader');
    const before = Date.now();
    const filed = ok(await m.approve(caseId, leader)).approveFiling;
    expect(filed.status).toBe('FILED');
    expect(filed.caseNumber).toMatch(new RegExp(`^鲁市监网案〔${new Date().getFullYear()}〕\\d+号$`));
    const days = (Date.parse(filed.stageDeadline) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
    await refused('BAD_USER_INPUT', () => m.close(caseId, leader), /is filed: closeCase is not allowed/);
    const investigating = ok(await m.investigate(caseId, inspector)).startInvestigation;
    expect(investigating.status).toBe('INVESTIGATING');
    expect(investigating.stageDeadline).toBe(filed.stageDeadline);
    await refused('BAD_USER_INPUT', () => m.close(caseId, leader), /is investigating: closeCase is not allowed; allowed: addEvidence, issuePriorNotice, transferCase/);
    await refused('BAD_USER_INPUT', () => m.decide({ caseId, ...PENALTY }, leader), /is investigating: decidePenalty is not allowed/);
    // a capture of the case's shop, as the crawler's evidence store writes it
    const [{ region_code }] = await sql<{ region_code: string }>(`select region_code from shop where id = ?`, [shopId]);
    const [cap] = await sql<{ id: string }>(
      `insert into evidence_capture (shop_id, region_code, seq, kind, url, observed_at, status, content_type, sha256, bytes, crawler, record_hash)
       values (?, ?, coalesce((select max(seq) from evidence_capture where shop_id = ?), 0) + 1, 'response', ?, '2026-11-20T02:03:04Z', 200, 'text/html', ?, 10, 'hongdun-shop-spider/0.1 run 7', ?) returning id::text as id`,
      [shopId, region_code, shopId, url, sha, 'cd'.repeat(32)],
    );
    await refused('FORBIDDEN', () => m.evidence({ caseId, evidenceCaptureId: cap.id }, leader), /addEvidence may be taken by inspector only/);
    await refused('NOT_FOUND', () => m.evidence({ caseId, evidenceCaptureId: '999999999' }, inspector));
    await refused('BAD_USER_INPUT', () => m.evidence({ caseId }, inspector), /note/);
    const withCapture = ok(await m.evidence({ caseId, evidenceCaptureId: cap.id }, inspector)).addEvidence;
    expect(withCapture.status).toBe('INVESTIGATING');
    expect(withCapture.evidence).toEqual([expect.objectContaining({ kind: 'CAPTURE', url, sha256: sha, tool: 'hongdun-shop-spider/0.1 run 7', observedAt: '2026-11-20T02:03:04.000Z', addedBy: users.inspector })]);
    await refused('BAD_USER_INPUT', () => m.evidence({ caseId, evidenceCaptureId: cap.id }, inspector), /already evidence/);
    ok(await m.evidence({ caseId, note: '询问笔录：当事人承认未亮照' }, inspector));
    const notified = ok(await m.notice(caseId, inspector)).issuePriorNotice;
    expect(notified.status).toBe('NOTIFIED');
    // 5 working days on China's calendar, to the end of the day (China time)
    expect(notified.stageDeadline).toBe(endOfChinaDay(addWorkingDays(chinaDay(), 5)).toISOString());
    await refused('BAD_USER_INPUT', () => m.evidence({ caseId, note: '迟到' }, inspector), /is notified: addEvidence is not allowed; allowed: decidePenalty/);
    await refused('BAD_USER_INPUT', () => m.decide({ caseId, ...PENALTY, fineAmount: '-1' }, leader), /fineAmount/);
    await refused('BAD_USER_INPUT', () => m.decide({ caseId, ...PENALTY, legalBasis: [] }, leader), /legalBasis/);
    await refused('FORBIDDEN', () => m.decide({ caseId, ...PENALTY }, inspector), /decidePenalty may be taken by leader or admin/);
    await refused('BAD_USER_INPUT', () => p.gql(`query($id: ID!) { caseDocument(caseId: $id, kind: PENALTY_DECISION) { html } }`, { id: caseId }, inspector), /needs a decided case/);
    const decided = ok(await m.decide({ caseId, ...PENALTY }, leader)).decidePenalty;
    expect(decided).toMatchObject({ status: 'DECIDED', fineAmount: '5000.00', confiscation: '违法所得<1200>元', legalBasis: PENALTY.legalBasis });
    await refused('BAD_USER_INPUT', () => m.close(caseId, leader), /is decided: closeCase is not allowed; allowed: recordExecution/);
    await refused('FORBIDDEN', () => m.execute(caseId, leader));
    ok(await m.execute(caseId, inspector));
    const closed = ok(await m.close(caseId, leader)).closeCase;
    expect(closed).toMatchObject({ status: 'CLOSED', stageDeadline: null });
    for (const attempt of [() => m.approve(caseId, leader), () => m.transfer(caseId, '移送', leader), () => m.close(caseId, leader), () => m.investigate(caseId, inspector)]) {
      await refused('BAD_USER_INPUT', attempt, /is closed: .* not allowed; allowed: none/);
    }
    expect(closed.events.map((e: any) => [e.action, e.fromStatus, e.toStatus, e.actorName, e.actorRole])).toEqual([
      ['OPENED', null, 'PROPOSED', users.inspector, 'inspector'],
      ['FILING_APPROVED', 'PROPOSED', 'FILED', users.leader, 'leader'],
      ['INVESTIGATION_STARTED', 'FILED', 'INVESTIGATING', users.inspector, 'inspector'],
      ['EVIDENCE_ADDED', 'INVESTIGATING', 'INVESTIGATING', users.inspector, 'inspector'],
      ['EVIDENCE_ADDED', 'INVESTIGATING', 'INVESTIGATING', users.inspector, 'inspector'],
      ['PRIOR_NOTICE_ISSUED', 'INVESTIGATING', 'NOTIFIED', users.inspector, 'inspector'],
      ['PENALTY_DECIDED', 'NOTIFIED', 'DECIDED', users.leader, 'leader'],
      ['EXECUTION_RECORDED', 'DECIDED', 'EXECUTED', users.inspector, 'inspector'],
      ['CLOSED', 'EXECUTED', 'CLOSED', users.leader, 'leader'],
    ]);
    const audits = await sql<{ operation: string }>(`select operation from audit_entry where entity_type = 'Case' and entity_id = ? order by id`, [caseId]);
    expect(audits.map((a) => a.operation)).toEqual(['openCase', 'approveFiling', 'startInvestigation', 'addEvidence', 'addEvidence', 'issuePriorNotice', 'decidePenalty', 'recordExecution', 'closeCase']);
    // listed and filtered
    const list = ok(await p.gql(`{ cases(first: 10, filter: { statuses: [CLOSED] }) { totalCount nodes { id } } }`, {}, await p.login(users.analyst))).cases;
    expect(list).toEqual({ totalCount: 1, nodes: [{ id: caseId }] });
    expect(ok(await p.gql(`{ cases(first: 10) { totalCount } }`, {}, await p.login(users.outsider))).cases.totalCount).toBe(0);
  });

  it('renders the three documents as escaped HTML (and PDF where Chromium is present)', async () => {
    const analyst = await p.login(users.analyst);
    const fields = `kind title html pdfBase64`;
    const notice = ok(await p.gql(`query($id: ID!) { clueAssignmentNotice(clueId: $id) { ${fields} } }`, { id: clueId }, analyst)).clueAssignmentNotice;
    expect(notice.title).toBe('线索交办通知书');
    expect(notice.html).toContain('<html lang="zh-CN">');
    expect(notice.html).toContain('@page { size: A4');
    const record = ok(await p.gql(`query($id: ID!) { caseDocument(caseId: $id, kind: EVIDENCE_RECORD) { ${fields} } }`, { id: caseId }, analyst)).caseDocument;
    expect(record).toMatchObject({ kind: 'EVIDENCE_RECORD', title: '电子数据提取笔录' });
    expect(record.html).toContain(sha);
    expect(record.html).toContain('https://shop.example/store/1?a=1&amp;b=&lt;2&gt;');
    expect(record.html).not.toContain('<2>');
    expect(record.html).toContain('hongdun-shop-spider/0.1 run 7');
    expect(record.html).toContain('2026-11-20 10:03:04');
    const decision = ok(await p.gql(`query($id: ID!) { caseDocument(caseId: $id, kind: PENALTY_DECISION) { ${fields} } }`, { id: caseId }, analyst)).caseDocument;
    expect(decision.title).toBe('行政处罚决定书');
    expect(decision.html).toContain('5000.00');
    expect(decision.html).toContain('《中华人民共和国电子商务法》第七十六条');
    expect(decision.html).toContain('违法所得&lt;1200&gt;元');
    const [party] = await sql<{ name: string; uscc: string | null }>(
      `select coalesce(e.name, s.name) as name, e.uscc from shop s left join online_entity e on e.id = s.entity_id where s.id = ?`,
      [shopId],
    );
    expect(decision.html).toContain(party.name.replace(/&/g, '&amp;'));
    if (party.uscc) expect(decision.html).toContain(party.uscc);
    if (HAS_CHROMIUM || process.env.CI === 'true') {
      for (const doc of [notice, record, decision]) expect(Buffer.from(doc.pdfBase64, 'base64').subarray(0, 4).toString()).toBe('%PDF');
    } else {
      expect(notice.pdfBase64).toBeNull();
    }
    await refused('NOT_FOUND', () => p.gql(`query($id: ID!) { caseDocument(caseId: $id, kind: EVIDENCE_RECORD) { html } }`, { id: caseId }, tok.outsider));
  }, 120_000);

  it('not filed (不予立案) and transferred (移送), each with a reason', async () => {
    const inspector = await tokens('inspector');
    const leader = await tokens('leader');
    const a = ok(await m.open([await handledClue('prohibited-goods')], inspector)).openCase;
    await refused('BAD_USER_INPUT', () => m.reject(a.id, '  ', leader), /reason/);
    const rejected = ok(await m.reject(a.id, '违法行为轻微并及时改正，没有造成危害后果', leader)).rejectFiling;
    expect(rejected).toMatchObject({ status: 'NOT_FILED', caseNumber: null });
    expect(rejected.events.at(-1)).toMatchObject({ action: 'FILING_REJECTED', note: '违法行为轻微并及时改正，没有造成危害后果' });
    await refused('BAD_USER_INPUT', () => m.approve(a.id, leader), /is not_filed: approveFiling is not allowed; allowed: none/);
    const b = ok(await m.open([await handledClue('fake-original-price')], inspector)).openCase;
    ok(await m.approve(b.id, await p.login(users.admin)));
    ok(await m.investigate(b.id, inspector));
    await refused('FORBIDDEN', () => m.transfer(b.id, '涉嫌犯罪', inspector));
    const transferred = ok(await m.transfer(b.id, '涉嫌犯罪，移送公安机关', leader)).transferCase;
    expect(transferred).toMatchObject({ status: 'TRANSFERRED', stageDeadline: null });
    expect(transferred.events.at(-1)).toMatchObject({ action: 'TRANSFERRED', fromStatus: 'INVESTIGATING', note: '涉嫌犯罪，移送公安机关' });
    await refused('BAD_USER_INPUT', () => m.notice(b.id, inspector), /is transferred/);
  });
});

describe('case files (uploaded evidence)', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0', 'latin1')]);
  const EXE = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(62, 0x90)]);
  const FILE_FIELDS = `id status evidence { kind sha256 fileName sizeBytes mediaType note addedBy } events { action note actorName actorRole }`;
  const upload = (input: Record<string, unknown>, t: string) => p.gql(`mutation($i: AddCaseFileInput!) { addCaseFile(input: $i) { ${FILE_FIELDS} } }`, { i: input }, t);
  const b64 = (b: Buffer) => b.toString('base64');
  let caseId: string;

  beforeAll(async () => {
    const inspector = await tokens('inspector');
    const opened = ok(await m.open([await handledClue('license-missing')], inspector)).openCase;
    caseId = opened.id;
    ok(await m.approve(caseId, await tokens('leader')));
    ok(await m.investigate(caseId, inspector));
  });

  it('stores a PDF and a PNG in the evidence blob folder under their SHA-256 and lists them as evidence', async () => {
    const inspector = await tokens('inspector');
    const auditBefore = Number((await sql<{ n: string }>(`select count(*) as n from audit_entry`))[0].n);
    const pdf = ok(await upload({ caseId, fileName: '营业执照截图说明.pdf', contentBase64: b64(PDF), note: '当事人提供' }, inspector)).addCaseFile;
    const png = ok(await upload({ caseId, fileName: 'shop-home.PNG', contentBase64: b64(PNG) }, inspector)).addCaseFile;
    expect(pdf.status).toBe('INVESTIGATING');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(png.evidence).toEqual([
      expect.objectContaining({ kind: 'FILE', sha256: sha(PDF), fileName: '营业执照截图说明.pdf', sizeBytes: PDF.length, mediaType: 'application/pdf', note: '当事人提供', addedBy: users.inspector }),
      expect.objectContaining({ kind: 'FILE', sha256: sha(PNG), fileName: 'shop-home.PNG', sizeBytes: PNG.length, mediaType: 'image/png', note: null }),
    ]);
    expect(png.events.at(-1)).toMatchObject({ action: 'EVIDENCE_ADDED', actorName: users.inspector, actorRole: 'inspector' });
    const store = new BlobStore(p.config.evidenceDir);
    expect(await store.read(sha(PDF))).toEqual(PDF);
    expect(await store.check(sha(PNG))).toBe('ok');
    const [event] = await sql<{ details: any }>(`select details from case_event where case_id = ? and action = 'evidence_added' order by id limit 1`, [caseId]);
    expect(event.details).toMatchObject({ kind: 'file', fileName: '营业执照截图说明.pdf', sha256: sha(PDF), sizeBytes: PDF.length, mediaType: 'application/pdf' });
    expect(Number((await sql<{ n: string }>(`select count(*) as n from audit_entry`))[0].n)).toBeGreaterThan(auditBefore);
    // the same bytes again: the blob is left as it is, a second evidence row is recorded
    ok(await upload({ caseId, fileName: 'copy.pdf', contentBase64: b64(PDF) }, inspector));
    expect(await store.read(sha(PDF))).toEqual(PDF);
    const doc = ok(await p.gql(`query($id: ID!) { caseDocument(caseId: $id, kind: EVIDENCE_RECORD) { html } }`, { id: caseId }, inspector)).caseDocument;
    expect(doc.html).toContain('营业执照截图说明.pdf');
    expect(doc.html).toContain(sha(PNG));
  });

  it('refuses executables, lying extensions, invalid base64 and wrong roles, with nothing changed', async () => {
    const inspector = await tokens('inspector');
    await refused('BAD_USER_INPUT', () => upload({ caseId, fileName: 'tool.exe', contentBase64: b64(EXE) }, inspector), /extension "\.exe" is not accepted/);
    await refused('BAD_USER_INPUT', () => upload({ caseId, fileName: 'tool.pdf', contentBase64: b64(EXE) }, inspector), /Windows executable \(MZ header\)/);
    await refused('BAD_USER_INPUT', () => upload({ caseId, fileName: 'photo.pdf', contentBase64: b64(PNG) }, inspector), /PNG image, but the name says "\.pdf"/);
    await refused('BAD_USER_INPUT', () => upload({ caseId, fileName: 'a.pdf', contentBase64: 'JVBERi0x!!4K' }, inspector), /not valid base64/);
    await refused('BAD_USER_INPUT', () => upload({ caseId, fileName: 'a.pdf', contentBase64: 'JVBERi0xLjQK-_' }, inspector), /not valid base64/);
    await refused('BAD_USER_INPUT', () => upload({ caseId, fileName: 'a.txt', contentBase64: b64(Buffer.from([0x61, 0x00, 0x62])) }, inspector), /unrecognised binary content/);
    await refused('FORBIDDEN', () => upload({ caseId, fileName: 'a.pdf', contentBase64: b64(PDF) }, tok.leader), /addEvidence may be taken by inspector only/);
    await refused('NOT_FOUND', () => upload({ caseId, fileName: 'a.pdf', contentBase64: b64(PDF) }, tok.outsider));
  });

  it('refuses a file over CASE_FILE_MAX_BYTES and accepts text, CSV and office files by their content', () => {
    expect(() => inspectCaseFile('big.pdf', b64(PDF), 16)).toThrow(/too large/);
    expect(() => inspectCaseFile('big.pdf', b64(Buffer.concat([PDF, Buffer.alloc(4096, 0x20)])), 1024)).toThrow(/too large: at most 1024 bytes \(CASE_FILE_MAX_BYTES\)/);
    expect(inspectCaseFile('ok.pdf', b64(PDF), PDF.length).mediaType).toBe('application/pdf');
    expect(inspectCaseFile('询问笔录.txt', b64(Buffer.from('询问笔录：当事人承认未亮照\n')), 1024).mediaType).toMatch(/^text\/plain/);
    expect(inspectCaseFile('list.csv', b64(Buffer.from('a,b\n1,2\n')), 1024).mediaType).toMatch(/^text\/csv/);
    const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....[Content_Types].xml....word/document.xml')]);
    expect(inspectCaseFile('笔录.docx', b64(docx), 1024).mediaType).toMatch(/wordprocessingml/);
    expect(() => inspectCaseFile('笔录.xlsx', b64(docx), 1024)).toThrow(/not a Excel workbook|not a .*xlsx/);
    expect(() => inspectCaseFile('archive.zip', b64(docx), 1024)).toThrow(/extension "\.zip" is not accepted/);
    expect(() => inspectCaseFile('notes.csv', b64(PDF), 1024)).toThrow(/PDF, but the name says "\.csv"/);
    expect(() => inspectCaseFile('a.pdf', 'JVBERi0xLjQK=', 1024)).toThrow(/not valid base64/);
  });

  it('refuses oversize uploads through GraphQL under the configured limit', async () => {
    const small = await startTestPlatform({ seed: 'hongdun', entities: 20, config: { caseFileMaxBytes: 32 } });
    try {
      const run = (text: string, params: unknown[] = []) => runAsSystem('cases test', () => small.orm.em.fork().getConnection().execute(text, params)) as Promise<any[]>;
      const [shop] = await run(`select s.id, s.region_code from shop s join unit u on u.id = s.responsible_unit_id where u.level = 'station' order by s.id limit 1`);
      const [kase] = await run(
        `insert into legal_case (status, region_code, shop_id, title, facts, created_by) values ('investigating', ?, ?, '限额测试', '限额测试', 'test') returning id`,
        [shop.region_code, shop.id],
      );
      const t = await small.login(`x${shop.region_code.slice(0, 6)}-inspector`);
      const send = (bytes: Buffer) => small.gql(`mutation($i: AddCaseFileInput!) { addCaseFile(input: $i) { evidence { sizeBytes } } }`, { i: { caseId: String(kase.id), fileName: 'f.pdf', contentBase64: b64(bytes) } }, t);
      const over = await send(Buffer.concat([PDF.subarray(0, 9), Buffer.alloc(24, 0x20)]));
      expect(codes(over)).toEqual(['BAD_USER_INPUT']);
      expect(over.errors![0].message).toMatch(/too large.*at most 32 bytes \(CASE_FILE_MAX_BYTES\)/);
      const fits = await send(Buffer.concat([PDF.subarray(0, 9), Buffer.alloc(23, 0x20)]));
      expect(fits.errors).toBeUndefined();
      expect(fits.data.addCaseFile.evidence).toEqual([{ sizeBytes: 32 }]);
      expect(small.config.caseFileMaxBytes).toBe(32);
    } finally {
      await small.shutdown();
    }
  }, 300_000);
});
