/**
 * Notices (通知) and messages (邮件) through GraphQL on a small demo province: a city sends a notice to a
 * chosen station and to the subtree of one of its counties — exactly those units receive it; targets
 * outside the sender's subtree and wrong roles are refused with nothing written; read receipts per user
 * and per unit; replies with attachments; the sender side sees who read and answered; a station writes
 * to its county along the tree (and the county's receipt is visible to the station), not to a unit that
 * is not its neighbour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;

const { sql, refused } = workflowChecks(() => p, 'notices test', ['notice', 'notice_recipient', 'notice_read', 'notice_reply', 'audit_entry']);

interface U {
  id: number;
  code: string;
  path: string;
}
let city: U;
let countyA: U;
let countyB: U;
let stationA1: U;
let stationA2: U;
let otherCity: U;

const stationLogin = (u: U, role: 'inspector' | 'leader') => p.login(`${u.code.toLowerCase()}-${role}`);

const NOTICE_FIELDS = `id kind title body replyRequired replyDueOn read unitRead replied senderUnit { id } attachments { fileName sha256 }
  readRates { recipients read replied overdueReplies }
  recipients { unit { id code } firstReadAt repliedAt replyOverdue readers { userName readAt unit { id } } replies { body attachments { fileName sha256 } unit { id } } }`;

const send = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: SendNoticeInput!) { sendNotice(input: $i) { ${NOTICE_FIELDS} } }`, { i: input }, token);
const message = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: SendMessageInput!) { sendMessage(input: $i) { ${NOTICE_FIELDS} } }`, { i: input }, token);
const markRead = (id: string, token: string) => p.gql(`mutation($id: ID!) { markNoticeRead(id: $id) { id read unitRead replied recipients { unit { id } } } }`, { id }, token);
const reply = (input: Record<string, unknown>, token: string) => p.gql(`mutation($i: ReplyToNoticeInput!) { replyToNotice(input: $i) { id body createdBy unit { id } attachments { fileName sha256 } } }`, { i: input }, token);
const notice = (id: string, token: string) => p.gql(`query($id: ID!) { notice(id: $id) { ${NOTICE_FIELDS} } }`, { id }, token);
const inbox = (filter: Record<string, unknown> | null, token: string) =>
  p.gql(`query($f: NoticeInboxFilter) { noticeInbox(filter: $f, first: 50) { totalCount nodes { id title read unitRead replied } } }`, { f: filter }, token);

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20 });
  const unit = async (where: string, params: unknown[]) => (await sql<U>(`select id, code, path from unit where ${where} order by code limit 1`, params))[0];
  const [row] = await sql<{ code: string }>(
    `select ci.code from unit ci where ci.level = 'city'
       and (select count(*) from unit c where c.parent_id = ci.id and (select count(*) from unit s where s.parent_id = c.id) >= 2) >= 2
     order by ci.code limit 1`,
  );
  city = await unit('code = ?', [row.code]);
  countyA = await unit('parent_id = ? and (select count(*) from unit s where s.parent_id = unit.id) >= 2', [city.id]);
  countyB = await unit('parent_id = ? and id <> ? and (select count(*) from unit s where s.parent_id = unit.id) >= 2', [city.id, countyA.id]);
  stationA1 = await unit('parent_id = ?', [countyA.id]);
  stationA2 = await unit('parent_id = ? and id <> ?', [countyA.id, stationA1.id]);
  otherCity = await unit(`level = 'city' and id <> ?`, [city.id]);
}, 300_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('notices and messages', () => {
  let noticeId: string;

  it('reaches exactly the chosen station and the chosen subtree; nothing else', async () => {
    const token = await p.login(`c${city.code}-leader`);
    const n = ok(await send({
      title: '关于开展网络市场专项检查的通知',
      body: '请各单位于月底前报送检查情况。',
      replyRequired: true,
      replyDueOn: future(10),
      unitIds: [String(stationA1.id), String(stationA1.id)],
      subtreeOf: [String(countyB.id)],
      attachments: [{ fileName: '通知.txt', contentBase64: Buffer.from('通知正文附件').toString('base64') }],
    }, token)).sendNotice;
    noticeId = n.id;
    const expected = await sql<{ id: number }>(`select id from unit where id = ? or path like ? order by path`, [stationA1.id, `${countyB.path}%`]);
    const stored = await sql<{ unit_id: number; region_code: string; jurisdiction: string[] }>(
      `select r.unit_id, r.region_code, u.jurisdiction from notice_recipient r join unit u on u.id = r.unit_id where r.notice_id = ? order by u.path`, [Number(noticeId)],
    );
    expect(stored.map((r) => r.unit_id)).toEqual(expected.map((u) => u.id));
    expect(stored.every((r) => r.region_code === r.jurisdiction[0])).toBe(true);
    expect(stored.map((r) => r.unit_id)).not.toContain(city.id);
    expect(stored.map((r) => r.unit_id)).not.toContain(countyA.id);
    expect(stored.map((r) => r.unit_id)).not.toContain(stationA2.id);
    expect(n).toMatchObject({ kind: 'NOTICE', replyRequired: true, senderUnit: { id: String(city.id) }, read: null, readRates: { recipients: expected.length, read: 0, replied: 0, overdueReplies: 0 } });
    expect(n.recipients.map((r: any) => r.unit.id)).toEqual(expected.map((u) => String(u.id)));
  });

  it('targets outside the subtree, bad reply days and wrong roles are refused with nothing written', async () => {
    const token = await p.login(`c${city.code}-leader`);
    const base = { title: '通知', body: '正文', unitIds: [String(stationA1.id)] };
    await refused('BAD_USER_INPUT', () => send({ ...base, unitIds: [String(otherCity.id)] }, token), /unitIds: unit \d+ is not a unit below/);
    await refused('BAD_USER_INPUT', () => send({ ...base, subtreeOf: [String(city.id)] }, token), /subtreeOf: unit \d+ is not a unit below/);
    await refused('BAD_USER_INPUT', () => send({ ...base, unitIds: ['99999999'] }, token), /unitIds/);
    await refused('BAD_USER_INPUT', () => send({ ...base, unitIds: [] }, token), /at least one unit/);
    await refused('BAD_USER_INPUT', () => send({ ...base, replyRequired: true }, token), /replyDueOn: give the day/);
    await refused('BAD_USER_INPUT', () => send({ ...base, replyRequired: true, replyDueOn: '2020-01-01' }, token), /replyDueOn: 2020-01-01 must lie in the future/);
    await refused('BAD_USER_INPUT', () => send({ ...base, replyDueOn: future(3) }, token), /only with replyRequired/);
    const analyst = await p.login(`c${city.code}-analyst`);
    await refused('FORBIDDEN', () => send(base, analyst));
    const inspector = await stationLogin(stationA1, 'inspector');
    await refused('FORBIDDEN', () => send({ ...base, unitIds: [String(stationA2.id)] }, inspector));
  });

  it('read receipts per user and per unit; the inbox shows read and unread', async () => {
    const inspector = await stationLogin(stationA1, 'inspector');
    const leader = await stationLogin(stationA1, 'leader');
    const before = ok(await inbox({ unread: true }, inspector)).noticeInbox;
    expect(before.nodes).toEqual([{ id: noticeId, title: '关于开展网络市场专项检查的通知', read: false, unitRead: false, replied: false }]);
    const first = ok(await markRead(noticeId, inspector)).markNoticeRead;
    expect(first).toMatchObject({ id: noticeId, read: true, unitRead: true, replied: false, recipients: null });
    ok(await markRead(noticeId, inspector)); // a second time changes nothing
    expect(ok(await inbox({ unread: true }, leader)).noticeInbox.nodes).toEqual([{ id: noticeId, title: expect.any(String), read: false, unitRead: true, replied: false }]);
    ok(await markRead(noticeId, leader));
    expect(ok(await inbox({ unread: true }, inspector)).noticeInbox.totalCount).toBe(0);
    expect(ok(await inbox({ unread: false }, inspector)).noticeInbox.nodes.map((n: any) => n.id)).toEqual([noticeId]);
    const reads = await sql<{ user_name: string; read_at: Date; unit_id: number }>(`select user_name, read_at, unit_id from notice_read where notice_id = ? order by read_at, id`, [Number(noticeId)]);
    expect(reads.map((r) => [r.user_name, r.unit_id])).toEqual([[`${stationA1.code.toLowerCase()}-inspector`, stationA1.id], [`${stationA1.code.toLowerCase()}-leader`, stationA1.id]]);
    const [rec] = await sql<{ first_read_at: Date }>(`select first_read_at from notice_recipient where notice_id = ? and unit_id = ?`, [Number(noticeId), stationA1.id]);
    expect(new Date(rec.first_read_at).getTime()).toBe(new Date(reads[0].read_at).getTime());
    // a station that was not addressed sees nothing and may not mark it read; its county (above a
    // recipient, below the sender) is neither side
    const a2 = await stationLogin(stationA2, 'inspector');
    await refused('NOT_FOUND', () => markRead(noticeId, a2));
    expect((await notice(noticeId, a2)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await notice(noticeId, await p.login(`x${countyA.code}-leader`))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(ok(await inbox(null, a2)).noticeInbox.totalCount).toBe(0);
    // the sender side may not record a reading for a unit it is not
    const sender = await p.login(`c${city.code}-leader`);
    await refused('FORBIDDEN', () => markRead(noticeId, sender), /was not sent to/);
  });

  it('replies with an attachment; repliedAt is the first; the sender sees who read and answered', async () => {
    const inspector = await stationLogin(stationA1, 'inspector');
    await refused('BAD_USER_INPUT', () => reply({ noticeId, body: '  ' }, inspector), /body/);
    await refused('BAD_USER_INPUT', () => reply({ noticeId, body: '附件', attachments: [{ fileName: 'x.txt', contentBase64: 'not base64!' }] }, inspector), /attachments\[0\]: contentBase64: not valid base64/);
    const r1 = ok(await reply({ noticeId, body: '已完成检查，报告见附件。', attachments: [{ fileName: '检查情况.csv', contentBase64: Buffer.from('店铺,结果\n甲,合格\n').toString('base64') }] }, inspector)).replyToNotice;
    expect(r1).toMatchObject({ body: '已完成检查，报告见附件。', unit: { id: String(stationA1.id) }, attachments: [{ fileName: '检查情况.csv' }] });
    const r2 = ok(await reply({ noticeId, body: '补充一条。' }, await stationLogin(stationA1, 'leader'))).replyToNotice;
    expect(r2.body).toBe('补充一条。');
    const [rec] = await sql<{ replied_at: Date }>(`select replied_at from notice_recipient where notice_id = ? and unit_id = ?`, [Number(noticeId), stationA1.id]);
    const [firstReply] = await sql<{ created_at: Date }>(`select created_at from notice_reply where notice_id = ? order by id limit 1`, [Number(noticeId)]);
    expect(new Date(rec.replied_at).getTime()).toBe(new Date(firstReply.created_at).getTime());
    // a county B station answers nothing; county B reads
    ok(await markRead(noticeId, await p.login(`x${countyB.code}-analyst`)));

    for (const viewer of [`c${city.code}-leader`, 'sd-analyst']) {
      const seen = ok(await notice(noticeId, await p.login(viewer))).notice;
      const total = seen.recipients.length;
      expect(seen.readRates).toEqual({ recipients: total, read: 2, replied: 1, overdueReplies: 0 });
      const a1 = seen.recipients.find((r: any) => r.unit.id === String(stationA1.id));
      expect(a1.readers.map((x: any) => x.userName)).toEqual([`${stationA1.code.toLowerCase()}-inspector`, `${stationA1.code.toLowerCase()}-leader`]);
      expect(a1.replies.map((x: any) => x.body)).toEqual(['已完成检查，报告见附件。', '补充一条。']);
      expect(a1.repliedAt).not.toBeNull();
      const b = seen.recipients.find((r: any) => r.unit.id === String(countyB.id));
      expect(b).toMatchObject({ repliedAt: null, replies: [], readers: [{ userName: `x${countyB.code}-analyst` }] });
      expect(seen.recipients.filter((r: any) => r.firstReadAt == null)).toHaveLength(total - 2);
    }
    // the reply's file: the sender and the replying station may fetch it, a sibling station may not
    const sha = r1.attachments[0].sha256;
    const get = async (username: string) => (await fetch(`${p.url}/files/${sha}`, { headers: { authorization: `Bearer ${await p.login(username)}` } })).status;
    expect(await get(`c${city.code}-leader`)).toBe(200);
    expect(await get(`${stationA1.code.toLowerCase()}-inspector`)).toBe(200);
    expect(await get(`${stationA2.code.toLowerCase()}-inspector`)).toBe(404);
  });

  it('a station writes to its county along the tree; the county reads it and the station sees the receipt', async () => {
    const inspector = await stationLogin(stationA1, 'inspector');
    await refused('BAD_USER_INPUT', () => message({ toUnitId: String(city.id), title: '越级', body: '正文' }, inspector), /toUnitId: unit \d+ is not next to/);
    await refused('BAD_USER_INPUT', () => message({ toUnitId: String(stationA2.id), title: '平级', body: '正文' }, inspector), /not next to/);
    const m = ok(await message({ toUnitId: String(countyA.id), title: '关于执法记录仪的请示', body: '申请增配两台。' }, inspector)).sendMessage;
    expect(m).toMatchObject({ kind: 'MESSAGE', senderUnit: { id: String(stationA1.id) }, readRates: { recipients: 1, read: 0, replied: 0, overdueReplies: 0 } });
    expect(m.recipients.map((r: any) => r.unit.id)).toEqual([String(countyA.id)]);
    const [row] = await sql<{ region_code: string }>(`select region_code from notice_recipient where notice_id = ?`, [Number(m.id)]);
    expect(row.region_code).toBe(countyA.code);

    const county = await p.login(`x${countyA.code}-leader`);
    const countyInbox = ok(await inbox({ unread: true }, county)).noticeInbox;
    expect(countyInbox.nodes.map((n: any) => n.id)).toEqual([m.id]);
    ok(await markRead(m.id, county));
    ok(await reply({ noticeId: m.id, body: '同意，下周配发。' }, county));

    const seen = ok(await notice(m.id, inspector)).notice;
    expect(seen.readRates).toEqual({ recipients: 1, read: 1, replied: 1, overdueReplies: 0 });
    expect(seen.recipients[0]).toMatchObject({ unit: { id: String(countyA.id) }, readers: [{ userName: `x${countyA.code}-leader` }], replies: [{ body: '同意，下周配发。' }] });
    expect(seen.recipients[0].firstReadAt).not.toBeNull();
    // a sibling station sees none of it
    expect((await notice(m.id, await stationLogin(stationA2, 'inspector'))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // the county writes back down
    const down = ok(await message({ toUnitId: String(stationA1.id), title: '回复', body: '已安排。' }, await p.login(`x${countyA.code}-analyst`))).sendMessage;
    expect(ok(await inbox(null, inspector)).noticeInbox.nodes.map((n: any) => n.id)).toEqual([down.id, noticeId]);
    // page by page
    const page = (after: string | null) => p.gql(`query($a: String) { noticeInbox(first: 1, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage } } }`, { a: after }, inspector);
    const p1 = ok(await page(null)).noticeInbox;
    expect(p1.edges.map((e: any) => e.node.id)).toEqual([down.id]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = ok(await page(p1.edges[0].cursor)).noticeInbox;
    expect(p2.edges.map((e: any) => e.node.id)).toEqual([noticeId]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    // what the station sent, as the county sees it: the message up, not the county's own message down
    const sent = ok(await p.gql(`{ noticesSent(filter: { kind: MESSAGE }) { nodes { id } } }`, {}, inspector)).noticesSent;
    expect(sent.nodes.map((n: any) => n.id)).toEqual([m.id]);
  });
});
