/**
 * The demo's shared data from other bodies (issue 16): a small registration history and a few
 * administrative penalties for six demo businesses with shops (the first of six counties of Jinan), imported
 * through the real commands from the files a registration system and 信用中国 would send — two deregistered
 * (注销) and one revoked (吊销) while their shops stay online, so the rule checks and the reconciliation of
 * the register's sources find "deregistered but still selling"; an address and a legal representative
 * changed; penalties with fines in 万元. Does nothing when registration changes exist (idempotent anyway).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { addDays, chinaDay } from '../services/calendar/working-days';
import { importPenalties } from '../services/registry/shared-data/import-penalties.command';
import { importRegistrationChanges } from '../services/registry/shared-data/import-registration-changes.command';
import { regionCatalog } from '../services/registry/region-catalog';
import { runAsSystem } from '../services/system-actor';

export interface DemoSharedDataSummary {
  skipped: boolean;
  changes: number;
  penalties: number;
}

const LIMITS = { maxRows: 1000, maxBytes: 1024 * 1024 };

function csv(rows: string[][]): Buffer {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return Buffer.from(`${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`);
}

export async function loadDemoSharedData(orm: MikroORM, options: { today?: string } = {}): Promise<DemoSharedDataSummary> {
  return runAsSystem('demo shared data', async () => {
    const em = orm.em.fork() as EntityManager;
    const [existing] = await em.execute<{ n: number }[]>('select count(*)::int as n from registration_change');
    if (Number(existing.n) > 0) return { skipped: true, changes: 0, penalties: 0 };
    // active businesses with a shop, the first (by USCC) of each of the first six counties
    const picked = await em.execute<{ uscc: string; name: string; address: string | null; region_code: string }[]>(
      `select uscc, name, address, region_code from (
         select distinct on (substr(e.region_code, 1, 6)) e.uscc, e.name, e.address, e.region_code
         from online_entity e where e.registration_status = 'active' and exists (select 1 from shop s where s.entity_id = e.id)
         order by substr(e.region_code, 1, 6), e.uscc) x
       order by region_code limit 6`,
    );
    if (picked.length < 6) return { skipped: true, changes: 0, penalties: 0 };
    const today = options.today ?? chinaDay();
    const ago = (days: number) => addDays(today, -days);
    const [e0, e1, e2, e3, e4, e5] = picked;
    const catalog = regionCatalog();
    const bureau = (e: { region_code: string }) => `${catalog.fullName(e.region_code.slice(0, 6)).replace(/^山东省/, '')}市场监督管理局`;
    const changes = csv([
      ['统一社会信用代码', '企业名称', '变更类型', '变更事项', '变更前内容', '变更后内容', '变更日期', '登记机关', '注销原因'],
      [e0.uscc, e0.name, '设立', '', '', '', '2016-04-12', bureau(e0), ''],
      [e0.uscc, e0.name, '注销', '', '', '', ago(30), bureau(e0), '决议解散'],
      [e1.uscc, e1.name, '设立', '', '', '', '2018-09-03', bureau(e1), ''],
      [e1.uscc, e1.name, '吊销', '', '', '', ago(60), bureau(e1), '成立后无正当理由超过六个月未开业'],
      [e2.uscc, e2.name, '设立', '', '', '', '2019-05-20', bureau(e2), ''],
      [e2.uscc, e2.name, '注销', '', '', '', ago(10), bureau(e2), '简易注销'],
      [e3.uscc, e3.name, '变更', '住所', e3.address ?? '', `${e3.address ?? ''}（新址）`, ago(120), bureau(e3), ''],
      [e4.uscc, e4.name, '变更', '法定代表人', '', '陈志强', ago(200), bureau(e4), ''],
      [e4.uscc, e4.name, '变更', '注册资本', '50万元人民币', '200万元人民币', ago(200), bureau(e4), ''],
      [e5.uscc, e5.name, '设立', '', '', '', '2020-11-11', bureau(e5), ''],
    ]);
    const year = today.slice(0, 4);
    const penalties = csv([
      ['行政处罚决定书文号', '统一社会信用代码', '当事人名称', '违法行为类型', '违法事实', '处罚依据', '处罚类别', '罚款金额（万元）', '没收违法所得、没收非法财物的金额（万元）', '处罚决定日期', '处罚机关'],
      [`鲁市监网罚〔${year}〕1号`, e0.uscc, e0.name, '发布虚假广告', '网店商品页使用“最佳”“第一”等绝对化用语', '《中华人民共和国广告法》第五十七条', '罚款', '0.5', '', ago(90), bureau(e0)],
      [`鲁市监网罚〔${year}〕2号`, e1.uscc, e1.name, '无照经营', '营业执照被吊销后继续通过网店经营', '《无证无照经营查处办法》第十三条', '罚款、没收违法所得', '1', '0.2345', ago(20), bureau(e1)],
      [`鲁市监网罚〔${year}〕3号`, e3.uscc, e3.name, '未公示营业执照信息', '网店首页未持续公示营业执照信息', '《中华人民共和国电子商务法》第七十六条', '警告', '', '', ago(45), bureau(e3)],
      [`鲁市监网罚〔${year}〕4号`, e4.uscc, e4.name, '虚构原价', '促销活动中虚构原价', '《明码标价和禁止价格欺诈规定》第二十二条', '警告、罚款', '0.3', '', ago(15), bureau(e4)],
    ]);
    const props = (fileName: string, content: Buffer) => ({ fileName, content, strict: true, limits: LIMITS });
    const c = await importRegistrationChanges(em.fork() as EntityManager, props('demo-登记信息变更.csv', changes));
    const p = await importPenalties(em.fork() as EntityManager, props('demo-行政处罚.csv', penalties));
    if (c.status !== 'committed' || p.status !== 'committed') {
      throw new Error(`demo shared data rejected: ${JSON.stringify([...c.errors, ...p.errors]).slice(0, 500)}`);
    }
    return { skipped: false, changes: c.created, penalties: p.created };
  });
}
