/**
 * The demo province's supervision work (issue 5): a province routine patrol plan and a special campaign of
 * the month, the month's patrol tasks for every station, patrol records (online and on-site) filed by the
 * stations' inspectors on their tasks' due days — some stations lag behind, so coverage and overdue tasks
 * differ — and complaints and reports taken in by staff and through the public form, carried through
 * acceptance, mediation, result and feedback.
 *
 * Everything is written through the real commands (the same validation, events and audit entries as
 * through the API), as the demo users who would do it, with the clock (kernel/clock.ts) standing at the
 * moment each step happens: a complaint received three weeks ago was accepted on its third working day,
 * not at load time. Deterministic for a seed and a day. Does nothing when complaints exist (the last stage)
 * or the database has no demo logins; an interrupted load goes on where it stopped.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ComplaintFeedback,
  ComplaintKind,
  ComplaintResult,
  PatrolMode,
  PatrolOutcome,
  PatrolPlanKind,
  runAs,
  ShopClassification,
  User,
  type Actor,
  type ChecklistItem,
  type ChecklistResult,
} from '../entities';
import { atTime, now } from '../kernel/clock';
import { logger } from '../kernel/logger';
import { actorForUser } from '../services/access/actors';
import { addWorkingDays, chinaDay, isWorkingDay, monthOf, startOfChinaDay } from '../services/calendar/working-days';
import {
  acceptComplaint,
  closeComplaint,
  raiseClueFromComplaint,
  rejectComplaint,
  resolveComplaint,
  startComplaintMediation,
  submitComplaint,
} from '../services/complaints/complaint.commands';
import { submitPublicComplaint } from '../services/complaints/public-intake';
import { generatePatrolTasks } from '../services/patrols/patrol-generation';
import { createPatrolPlan, DEFAULT_CHECKLIST } from '../services/patrols/patrol-plans';
import { filePatrolRecord } from '../services/patrols/patrol-records';
import { runAsSystem } from '../services/system-actor';
import { COMPLAINT_TEMPLATES } from './complaint-texts';
import { personName } from './names';
import { Random } from './random';

export interface DemoWorkOptions {
  seed: string;
  /** config.evidenceDir and the upload limits */
  evidenceDir: string;
  maxFileBytes: number;
  publicFileMaxBytes: number;
  /** the day the work runs up to (default today, China time) */
  today?: string;
  /** complaints per 1,000 shops (default 5) */
  complaintsPerThousandShops?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** stops between two steps (the platform shutting down); the next start goes on */
  signal?: AbortSignal;
}

export interface DemoWorkSummary {
  skipped: boolean;
  plans: number;
  tasks: number;
  records: number;
  complaints: number;
  millis: number;
}

/** The campaign's checklist: what a promotion sweep looks at. */
export const CAMPAIGN_CHECKLIST: readonly ChecklistItem[] = [
  { key: 'price-marking', textZh: '明码标价：商品价格、优惠条件清晰标示', textEn: 'prices and discount conditions marked' },
  { key: 'original-price', textZh: '划线价：不虚构原价、不先涨后降', textEn: 'no fictitious original price, no raise-then-cut' },
  { key: 'promotion-rules', textZh: '促销规则：满减、赠品等规则显著公示', textEn: 'promotion rules shown plainly' },
  { key: 'urgency-claims', textZh: '限时限量：不虚假宣传"仅限今日""最后一天"', textEn: 'no false today-only or last-day claims' },
  { key: 'licence-shown', textZh: '亮照亮证：首页公示营业执照信息', textEn: 'business licence shown' },
];

/**
 * The month's special campaign, province-wide (every city's bureaus take part, so no city's coverage stands
 * out for the demo's sake): 618 in June and Double 11 in November over platform merchants and trading own
 * sites, a general price sweep of the trading own sites otherwise. The history (load-demo-history.ts) runs
 * the same campaign in each of its past months.
 */
export function demoCampaign(month: string): { name: string; theme: string; target: { classifications: ShopClassification[] } } {
  const [year, m] = month.split('-').map(Number);
  const promotion = { classifications: [ShopClassification.PLATFORM_MERCHANT, ShopClassification.OWN_SITE_TRADING] };
  if (m === 11) return { name: `${year}年"双11"网络集中促销专项检查`, theme: '网络集中促销活动价格与促销行为规范', target: promotion };
  if (m === 6) return { name: `${year}年"618"网络集中促销专项检查`, theme: '网络集中促销活动价格与促销行为规范', target: promotion };
  return { name: `${year}年${m}月网络交易价格行为专项检查`, theme: '网络交易明码标价与价格欺诈', target: { classifications: [ShopClassification.OWN_SITE_TRADING] } };
}

/** Loads the demo supervision work for the month of `today` (see the file comment). */
export async function loadDemoWork(orm: MikroORM, options: DemoWorkOptions): Promise<DemoWorkSummary> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const today = options.today ?? chinaDay(now());
  const month = monthOf(today);
  const random = new Random(`${options.seed}/work/${month.first}`);
  const sql = <T>(text: string, params: unknown[] = []) => runAsSystem('demo work: read', () => orm.em.fork().getConnection().execute<T[]>(text, params));

  // complaints are the last stage: when there are any, the work was loaded (or the database is not a demo's)
  const [{ n: complaintCount }] = await sql<{ n: number }>('select count(*)::int as n from complaint');
  if (complaintCount > 0) return { skipped: true, plans: 0, tasks: 0, records: 0, complaints: 0, millis: 0 };

  const users = await demoActors(orm);
  const province = users.byUsername.get('sd-admin');
  const leader = users.byUsername.get('sd-leader');
  // not a demo database (no demo logins): nothing to do
  if (!province || !leader) return { skipped: true, plans: 0, tasks: 0, records: 0, complaints: 0, millis: 0 };

  // plans: created at the start of the month, tasks spread over all its working days; an interrupted load
  // finds its plans again and goes on (generation is idempotent, records are filed for open tasks only)
  const monthStart = startOfChinaDay(month.first);
  const planStart = new Date(monthStart.getTime() + 9 * 3600_000);
  const year = month.first.slice(0, 4);
  const campaign = demoCampaign(month.first.slice(0, 7));
  const plans = await sql<{ id: number; kind: PatrolPlanKind }>('select id, kind from patrol_plan order by id');
  let routine = plans.find((p) => p.kind === PatrolPlanKind.ROUTINE);
  let sweep = plans.find((p) => p.kind === PatrolPlanKind.CAMPAIGN);
  await atTime(planStart, async () => {
    routine ??= await runAs(province, () => createPatrolPlan(orm.em.fork(), { kind: PatrolPlanKind.ROUTINE, name: `${year}年度网络交易日常巡查`, startsOn: `${year}-01-01` }));
    sweep ??= await runAs(leader, () =>
      createPatrolPlan(orm.em.fork(), {
        kind: PatrolPlanKind.CAMPAIGN,
        name: campaign.name,
        theme: campaign.theme,
        startsOn: month.first,
        endsOn: month.last,
        target: { classifications: [...campaign.target.classifications] },
        checklist: [...CAMPAIGN_CHECKLIST],
      }),
    );
  });
  progress('plans', 2, 2);
  await atTime(planStart, () => runAsSystem('demo work: patrol tasks', () => generatePatrolTasks(orm.em.fork(), { month: month.first.slice(0, 7) })));
  const [{ n: tasks }] = await sql<{ n: number }>('select count(*)::int as n from patrol_task');
  progress('tasks', tasks, tasks);

  const records = await fileRecords(orm, users, random.fork('records'), today, options, progress, { [routine!.id]: DEFAULT_CHECKLIST, [sweep!.id]: CAMPAIGN_CHECKLIST });
  const complaints = await takeComplaints(orm, users, random.fork('complaints'), today, options, progress);
  const summary = { skipped: false, plans: 2, tasks, records, complaints, millis: Math.round(performance.now() - started) };
  logger.info(summary, 'loaded the demo supervision work');
  return summary;
}

interface DemoActors {
  byUsername: Map<string, Actor>;
  /** an inspector of each unit that has one (stations, counties, cities, the province) */
  inspectorOfUnit: Map<number, Actor>;
}

async function demoActors(orm: MikroORM): Promise<DemoActors> {
  const users = await runAsSystem('demo work: users', () => orm.em.fork().find(User, { active: true }, { populate: ['unit'] }));
  const byUsername = new Map<string, Actor>();
  const inspectorOfUnit = new Map<number, Actor>();
  for (const user of users) {
    const actor = actorForUser(user);
    byUsername.set(user.username, actor);
    if (user.role === 'inspector' && !inspectorOfUnit.has(user.unit.id)) inspectorOfUnit.set(user.unit.id, actor);
  }
  return { byUsername, inspectorOfUnit };
}

interface TaskRow {
  id: number;
  plan_id: number;
  unit_id: number;
  due_on: string;
  shop_name: string;
  address: string | null;
  legal_representative: string | null;
}

/**
 * Records for the tasks due before today, filed on the due day by the station's inspector. Each station
 * has its own pace (most do nearly all their tasks, a few lag), so coverage and overdue tasks differ.
 */
async function fileRecords(
  orm: MikroORM,
  users: DemoActors,
  random: Random,
  today: string,
  options: DemoWorkOptions,
  progress: (stage: string, done: number, total: number) => void,
  checklists: Record<number, readonly ChecklistItem[]>,
): Promise<number> {
  const tasks = await runAsSystem('demo work: due tasks', () =>
    orm.em.fork().getConnection().execute<TaskRow[]>(
      `select t.id, t.plan_id, t.unit_id, t.due_on::text as due_on, s.name as shop_name, e.address, e.legal_representative
       from patrol_task t join shop s on s.id = t.shop_id left join online_entity e on e.id = s.entity_id
       where t.status = 'open' and t.due_on < ? order by t.id`,
      [today],
    ),
  );
  const pace = new Map<number, number>();
  const paceOf = (unitId: number) => {
    let p = pace.get(unitId);
    if (p === undefined) {
      // one station in eight lags (55–80 % of its tasks), the rest do 90–100 %
      p = random.chance(0.125) ? 0.55 + random.next() * 0.25 : 0.9 + random.next() * 0.1;
      pace.set(unitId, p);
    }
    return p;
  };
  let filed = 0;
  for (const [i, task] of tasks.entries()) {
    options.signal?.throwIfAborted();
    if (!random.chance(paceOf(task.unit_id))) continue;
    const inspector = users.inspectorOfUnit.get(task.unit_id);
    if (!inspector) continue;
    const checklist = checklists[task.plan_id] ?? DEFAULT_CHECKLIST;
    const roll = random.next();
    const outcome = roll < 0.01 ? PatrolOutcome.CLUE_RAISED : roll < 0.09 ? PatrolOutcome.RECTIFICATION_ORDERED : PatrolOutcome.COMPLIANT;
    const failing = outcome === PatrolOutcome.COMPLIANT ? null : random.pick(checklist).key;
    const results: ChecklistResult[] = checklist.map((item) => ({
      key: item.key,
      result: item.key === failing ? 'fail' : item.key === 'food-licence' && random.chance(0.7) ? 'not_applicable' : 'pass',
      note: item.key === failing ? '现场/页面核查发现问题，已告知经营者' : null,
    }));
    const onSite = random.chance(0.15);
    const at = new Date(startOfChinaDay(task.due_on).getTime() + (9 + random.int(8)) * 3600_000 + random.int(60) * 60_000);
    const item = failing ? checklist.find((c) => c.key === failing)! : null;
    await atTime(at, () =>
      runAs(inspector, () =>
        filePatrolRecord(
          orm.em.fork(),
          {
            taskId: task.id,
            mode: onSite ? PatrolMode.ON_SITE : PatrolMode.ONLINE,
            patrolledAt: at,
            checklist: results,
            outcome,
            rectifyBy: outcome === PatrolOutcome.RECTIFICATION_ORDERED ? addWorkingDays(task.due_on, 10) : null,
            clue:
              outcome === PatrolOutcome.CLUE_RAISED
                ? { title: `巡查发现：${task.shop_name}${item!.textZh.split('：')[0]}问题`, description: `${item!.textZh}——巡查未通过，需进一步核查。` }
                : null,
            siteAddress: onSite ? (task.address ?? '经营场所') : null,
            peopleMet: onSite ? `${task.legal_representative ?? personName(random)}（负责人）` : null,
            note: outcome === PatrolOutcome.RECTIFICATION_ORDERED ? '已责令限期整改' : null,
          },
          { evidenceDir: options.evidenceDir, maxBytes: options.maxFileBytes },
        ),
      ),
    );
    filed += 1;
    if (i % 500 === 0) progress('patrol records', i, tasks.length);
  }
  progress('patrol records', tasks.length, tasks.length);
  return filed;
}

interface ShopRow {
  id: number;
  name: string;
  url: string;
  region_code: string;
  unit_id: number | null;
}

/**
 * Complaints and reports received over the last 30 days, a third through the public form, carried as
 * far as their age allows: decided within the 7 working days (a few late, a few still waiting),
 * complaints mediated and resolved, reports checked (most raising a clue), then closed with feedback.
 */
async function takeComplaints(
  orm: MikroORM,
  users: DemoActors,
  random: Random,
  today: string,
  options: DemoWorkOptions,
  progress: (stage: string, done: number, total: number) => void,
): Promise<number> {
  const shops = await runAsSystem('demo work: shops', () =>
    orm.em.fork().getConnection().execute<ShopRow[]>(
      `select s.id, s.name, s.url, s.region_code, s.responsible_unit_id as unit_id from shop s where s.filing_status = 'filed' order by s.id`,
    ),
  );
  const count = Math.max(12, Math.round((shops.length * (options.complaintsPerThousandShops ?? 5)) / 1000));
  const nowAt = now();
  let taken = 0;
  for (let i = 0; i < count; i++) {
    options.signal?.throwIfAborted();
    const shop = random.pick(shops);
    const template = random.pick(COMPLAINT_TEMPLATES);
    const product = random.pick(template.products);
    const amount = (random.range(19, 2999) + random.int(100) / 100).toFixed(2);
    const fill = (text: string) => text.replace('{product}', product).replace('{amount}', amount).replace('{days}', String(random.range(5, 20)));
    const receivedDay = addDaysBack(today, random.range(0, 30));
    const receivedAt = new Date(startOfChinaDay(receivedDay).getTime() + (8 + random.int(12)) * 3600_000 + random.int(60) * 60_000);
    if (receivedAt > nowAt) continue;
    const handler = shop.unit_id != null ? users.inspectorOfUnit.get(shop.unit_id) : undefined;
    if (!handler) continue;
    const orderDate = addDaysBack(receivedDay, random.range(1, 20));
    const complainant = { name: personName(random), phone: `1${random.pick(['3', '5', '7', '8', '9'])}${random.digits(9)}`, email: null };
    const order = template.kind === 'complaint' ? { orderNumber: random.digits(18), orderDate, productName: product, amountPaid: amount } : null;
    const viaPublic = random.chance(1 / 3);
    const id = await atTime(receivedAt, async () => {
      if (viaPublic) {
        const receipt = await submitPublicComplaint(
          orm.em.fork(),
          { kind: template.kind, complainant, shopUrl: shop.url, shopName: shop.name, regionCode: shop.region_code, order, title: fill(template.title), description: fill(template.description) },
          `demo-${i}`,
          { publicComplaintsPerHour: 1_000_000, publicFileMaxBytes: options.publicFileMaxBytes, evidenceDir: options.evidenceDir },
        );
        const [row] = await runAsSystem('demo work: receipt', () => orm.em.fork().getConnection().execute<{ id: number }[]>('select id from complaint where number = ?', [receipt.number]));
        return row.id;
      }
      const complaint = await runAs(handler, () =>
        submitComplaint(
          orm.em.fork(),
          { kind: template.kind as ComplaintKind, complainant, shopId: shop.id, order, title: fill(template.title), description: fill(template.description), receivedAt },
          { evidenceDir: options.evidenceDir, maxFileBytes: options.maxFileBytes },
        ),
      );
      return complaint.id;
    });
    taken += 1;
    await carryComplaint(orm, handler, random, id, template.kind as ComplaintKind, receivedDay, Number(amount), nowAt);
    progress('complaints', i + 1, count);
  }
  return taken;
}

/** The day `n` calendar days before `day`. */
function addDaysBack(day: string, n: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() - n * 86_400_000).toISOString().slice(0, 10);
}

/** A moment during office hours of the `n`-th working day after `day`. */
function officeHoursAfter(random: Random, day: string, n: number): Date {
  let d = addWorkingDays(day, n);
  while (!isWorkingDay(d)) d = addWorkingDays(d, 1);
  return new Date(startOfChinaDay(d).getTime() + (9 + random.int(7)) * 3600_000 + random.int(60) * 60_000);
}

/** Takes the steps of a complaint that its age allows, each at its own moment, as the handling inspector. */
async function carryComplaint(orm: MikroORM, handler: Actor, random: Random, id: number, kind: ComplaintKind, receivedDay: string, amount: number, nowAt: Date): Promise<void> {
  const stepAt = async <T>(at: Date, fn: (em: EntityManager) => Promise<T>): Promise<boolean> => {
    if (at > nowAt) return false;
    await atTime(at, () => runAs(handler, () => fn(orm.em.fork())));
    return true;
  };
  // acceptance: mostly within 1–5 working days, one in twenty late (8–10), some not yet decided
  if (random.chance(0.04)) return;
  const decisionDay = random.chance(0.05) ? random.range(8, 10) : random.range(1, 5);
  const decidedAt = officeHoursAfter(random, receivedDay, decisionDay);
  if (random.chance(0.12)) {
    await stepAt(decidedAt, (em) => rejectComplaint(em, id, random.pick(['不属于市场监管部门职责范围', '已通过司法途径解决', '投诉人未提供具体商品和经营者信息'])));
    return;
  }
  if (!(await stepAt(decidedAt, (em) => acceptComplaint(em, id, '符合受理条件')))) return;
  const decided = chinaDay(decidedAt);
  let resolvedAt: Date;
  let result: ComplaintResult;
  let recovered: string | null = null;
  if (kind === ComplaintKind.REPORT) {
    if (random.chance(0.6) && !(await stepAt(officeHoursAfter(random, decided, 1), (em) => raiseClueFromComplaint(em, id, { note: '举报内容具体，转线索核查' })))) return;
    resolvedAt = officeHoursAfter(random, decided, random.range(3, 12));
    result = ComplaintResult.REPORT_HANDLED;
  } else {
    if (!(await stepAt(officeHoursAfter(random, decided, 1), (em) => startComplaintMediation(em, id, '电话联系双方，组织调解')))) return;
    resolvedAt = officeHoursAfter(random, decided, random.range(3, 25));
    const roll = random.next();
    result = roll < 0.7 ? ComplaintResult.AGREEMENT : roll < 0.85 ? ComplaintResult.NO_AGREEMENT : roll < 0.95 ? ComplaintResult.WITHDRAWN : ComplaintResult.TERMINATED;
    if (result === ComplaintResult.AGREEMENT) recovered = (amount * (random.chance(0.6) ? 1 : 0.3 + random.next() * 0.6)).toFixed(2);
  }
  if (!(await stepAt(resolvedAt, (em) => resolveComplaint(em, id, { result, amountRecovered: recovered, note: result === ComplaintResult.AGREEMENT ? '双方达成调解协议' : null })))) return;
  const feedbackAt = officeHoursAfter(random, chinaDay(resolvedAt), random.range(1, 5));
  const roll = random.next();
  const feedback = roll < 0.6 ? ComplaintFeedback.SATISFIED : roll < 0.8 ? ComplaintFeedback.BASICALLY_SATISFIED : roll < 0.9 ? ComplaintFeedback.UNSATISFIED : ComplaintFeedback.UNREACHABLE;
  await stepAt(feedbackAt, (em) => closeComplaint(em, id, { feedback, note: '电话回访' }));
}

