/**
 * The demo province's year of office work (issue 6), up to today: daily logins, information reports sent up
 * for review, notices down the tree with read receipts and replies, messages, training, publicity, consumer
 * warnings, designated staff and equipment, annual work plans — with some units lagging (fewer login days,
 * late or missing reports and plans, unread notices, below the staffing minimum).
 *
 * The work is written through the real commands, as the demo users who would do it, with the workflow clock
 * (kernel/clock.ts) standing at the moment each step happens. The logins alone are written in one
 * statement: a login event is what the login command records, and a year of them for 655 units is ~150,000
 * rows. Deterministic for a seed and a day.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { type Actor, InfoReportKind, PublicityKind, Role, runAs, StaffAssignment, TrainingForm, Unit, UnitLevel, User } from '../entities';
import { atTime, now } from '../kernel/clock';
import { logger } from '../kernel/logger';
import { actorForUser } from '../services/access/actors';
import { addDays, addWorkingDays, chinaDay, endOfChinaDay, isWorkingDay, startOfChinaDay } from '../services/calendar/working-days';
import { draftConsumerWarning, publishConsumerWarning, recordPublicityActivity, recordTrainingSession, withdrawConsumerWarning } from '../services/office/education';
import { approveInfoReport, draftInfoReport, forwardInfoReport, returnInfoReport, reviseInfoReport, submitInfoReport } from '../services/office/info-reports';
import { markNoticeRead, replyToNotice, sendMessage, sendNotice } from '../services/office/notices';
import { declareEquipment, designateStaff } from '../services/office/resources';
import { publishWorkPlan, saveWorkPlan, workPlanDueOn } from '../services/office/work-plans';
import { runAsSystem } from '../services/system-actor';
import { personName } from './names';
import { Random } from './random';

/** How diligent each unit is: most log in nearly every working day, one in eight lags. */
export function unitDiligence(random: Random, units: readonly { id: number }[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const unit of units) out.set(unit.id, random.chance(0.125) ? 0.45 + random.next() * 0.35 : 0.9 + random.next() * 0.1);
  return out;
}

/**
 * A year of logins up to yesterday: on each working day a unit's operator logs in with the unit's
 * diligence as probability (deterministic: a hash of seed, unit and day), at 08:30–10:00 China time; a few
 * logins fall on rest days (they do not count for compliance). Returns the rows written.
 */
export async function loadDemoLogins(orm: MikroORM, seed: string, today: string, diligence: Map<number, number>): Promise<number> {
  return runAsSystem('demo office: logins', async () => {
    const em = orm.em.fork();
    const units = await em.find(Unit, {}, { orderBy: { id: 'asc' } });
    const operators = await em.getConnection().execute<{ unit_id: number; user_id: number }[]>(
      `select distinct on (unit_id) unit_id, id as user_id from app_user where active order by unit_id, id`,
    );
    const operatorOf = new Map(operators.map((o) => [Number(o.unit_id), Number(o.user_id)]));
    const rows = units
      .filter((u) => operatorOf.has(u.id))
      .map((u) => ({ unit_id: u.id, user_id: operatorOf.get(u.id)!, region: u.jurisdiction[0], per_mille: Math.round((diligence.get(u.id) ?? 1) * 1000) }));
    const first = `${today.slice(0, 4)}-01-01`;
    const days: { day: string; working: boolean }[] = [];
    for (let d = first; d < today; d = addDays(d, 1)) days.push({ day: d, working: isWorkingDay(d) });
    const [{ n }] = await em.getConnection().execute<{ n: number }[]>(
      `with units as (select * from json_to_recordset(?::json) as x(unit_id int, user_id int, region text, per_mille int)),
            days as (select * from json_to_recordset(?::json) as d(day date, working boolean)),
            inserted as (
              insert into login_event (user_id, unit_id, region_code, day, at)
              select u.user_id, u.unit_id, u.region, d.day,
                     (d.day + time '08:30' + (abs(hashtext(? || ':t:' || u.unit_id || ':' || d.day)) % 90) * interval '1 minute') at time zone 'Asia/Shanghai'
              from units u cross join days d
              where case when d.working then abs(hashtext(? || ':w:' || u.unit_id || ':' || d.day)) % 1000 < u.per_mille
                         else abs(hashtext(? || ':r:' || u.unit_id || ':' || d.day)) % 1000 < 40 end
              returning 1)
       select count(*)::int as n from inserted`,
      [JSON.stringify(rows), JSON.stringify(days), seed, seed, seed],
    );
    return Number(n);
  });
}


export interface DemoOfficeOptions {
  seed: string;
  evidenceDir: string;
  maxFileBytes: number;
  /** the day the year runs up to (default today, China time) */
  today?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** stops between two steps (the platform shutting down) */
  signal?: AbortSignal;
}

export interface DemoOfficeSummary {
  skipped: boolean;
  workPlans: number;
  staff: number;
  logins: number;
  reports: number;
  notices: number;
  training: number;
  publicity: number;
  warnings: number;
  millis: number;
}

interface OfficeUnit {
  unit: Unit;
  /** does the unit's office work (an inspector) */
  worker: Actor;
  /** reviews and publishes (a leader) */
  reviewer: Actor;
  children: OfficeUnit[];
  parent: OfficeUnit | null;
  /** how diligent the unit is (0.45–1) */
  diligence: number;
}

const EMPTY: Omit<DemoOfficeSummary, 'skipped' | 'millis'> = { workPlans: 0, staff: 0, logins: 0, reports: 0, notices: 0, training: 0, publicity: 0, warnings: 0 };

/** Loads the demo province's year of office work (see the file comment); each stage runs once. */
export async function loadDemoOffice(orm: MikroORM, options: DemoOfficeOptions): Promise<DemoOfficeSummary> {
  const started = performance.now();
  const today = options.today ?? chinaDay(now());
  // nothing happens after the end of `today` (nor after now)
  const nowAt = new Date(Math.min(now().getTime(), endOfChinaDay(today).getTime()));
  const progress = options.onProgress ?? (() => {});
  const random = new Random(`${options.seed}/office/${today.slice(0, 4)}`);
  const count = async (sql: string) =>
    Number((await runAsSystem('demo office: stage', () => orm.em.fork().getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${sql}`)))[0].n);
  const units = await officeUnits(orm, random.fork('diligence'));
  if (!units) return { skipped: true, ...EMPTY, millis: 0 };
  const all = [...units.values()];
  const files = { evidenceDir: options.evidenceDir, maxBytes: options.maxFileBytes };
  const year = Number(today.slice(0, 4));
  const summary = { ...EMPTY };
  /** runs `fn` as `actor` at `at`, unless `at` lies after now (the step has not happened yet) */
  const step = async <T>(at: Date, actor: Actor, fn: (em: EntityManager) => Promise<T>): Promise<T | null> => {
    options.signal?.throwIfAborted();
    if (at > nowAt) return null;
    return atTime(at, () => runAs(actor, () => fn(orm.em.fork())));
  };
  const office = (day: string, r: Random, from = 9, hours = 8) => new Date(startOfChinaDay(day).getTime() + (from + r.int(hours)) * 3600_000 + r.int(60) * 60_000);
  const workdayOnOrAfter = (day: string) => (isWorkingDay(day) ? day : addWorkingDays(day, 1));

  // annual work plans: saved and published before the level's due day, late by the laggards, a few never
  if ((await count('work_plan')) === 0) {
    const r = random.fork('work plans');
    for (const u of all) {
      const due = workPlanDueOn(u.unit.level, year);
      const late = r.chance(1 - u.diligence + 0.05);
      if (late && r.chance(0.25)) continue; // never issued
      const day = workdayOnOrAfter(late ? addDays(due, r.range(3, 40)) : addDays(due, -r.range(2, 20)));
      const at = office(day, r);
      const plan = await step(at, u.worker, (em) =>
        saveWorkPlan(em, { year, title: `${u.unit.name}${year}年网络市场监管工作要点`, body: workPlanBody(u.unit, year) }, files),
      );
      if (!plan) continue;
      await step(new Date(at.getTime() + 2 * 3600_000), u.reviewer, (em) => publishWorkPlan(em, plan.id));
      summary.workPlans += 1;
    }
    progress('work plans', summary.workPlans, all.length);
  }

  // staffing and equipment, declared at the start of the year; some stations below the minimum
  if ((await count('designated_staff')) === 0) {
    const r = random.fork('resources');
    const day = workdayOnOrAfter(`${year}-01-05`);
    for (const u of all) {
      const lagging = u.unit.level === UnitLevel.STATION && r.chance(0.08);
      const people = lagging && r.chance(0.5) ? 0 : u.unit.level === UnitLevel.STATION ? r.range(1, 2) : r.range(2, 4);
      for (let i = 0; i < people; i++) {
        await step(office(day, r), u.worker, (em) =>
          designateStaff(em, { unitId: u.unit.id, name: personName(r), assignment: i === 0 && u.unit.level !== UnitLevel.STATION ? StaffAssignment.FULL_TIME : r.chance(0.4) ? StaffAssignment.FULL_TIME : StaffAssignment.PART_TIME, since: day }),
        );
        summary.staff += 1;
      }
      const computers = lagging && people > 0 ? 0 : u.unit.level === UnitLevel.STATION ? r.range(1, 2) : r.range(2, 6);
      await step(office(day, r), u.worker, (em) =>
        declareEquipment(em, { unitId: u.unit.id, computers, printers: r.range(0, 2), cameras: r.range(0, 2), evidenceDevices: u.unit.level === UnitLevel.STATION ? r.range(0, 1) : r.range(1, 3) }),
      );
    }
    progress('staff and equipment', all.length, all.length);
  }

  // a year of logins (one statement)
  if ((await count(`login_event where day < '${today}'`)) === 0) {
    summary.logins = await loadDemoLogins(orm, options.seed, today, new Map(all.map((u) => [u.unit.id, u.diligence])));
    progress('logins', summary.logins, summary.logins);
  }

  // information reports: stations' quarterly work information to their county, counties' quarterly
  // statistics to their city; reviewed within days: approved, forwarded up, or returned and revised
  if ((await count('info_report')) === 0) {
    const r = random.fork('reports');
    const quarters = [1, 2, 3, 4].map((q) => ({ q, start: `${year}-${String(q * 3 - 2).padStart(2, '0')}-01`, end: addDays(q === 4 ? `${year + 1}-01-01` : `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`, -1) }));
    const authors = all.filter((u) => u.parent && (u.unit.level === UnitLevel.STATION || u.unit.level === UnitLevel.COUNTY));
    for (const q of quarters) {
      const dueOn = addDays(q.end, 10);
      for (const u of authors) {
        if (!r.chance(0.97 * Math.min(1, u.diligence + 0.15))) continue; // a few never report
        const station = u.unit.level === UnitLevel.STATION;
        const late = r.chance(1 - u.diligence);
        const day = workdayOnOrAfter(addDays(q.end, late ? r.range(11, 25) : r.range(1, 9)));
        const at = office(day, r);
        const report = await step(at, u.worker, (em) =>
          draftInfoReport(
            em,
            {
              kind: station ? InfoReportKind.WORK_INFO : InfoReportKind.STATISTICS,
              title: `${u.unit.name}${year}年第${q.q}季度${station ? '网络市场监管工作信息' : '网络市场监管统计报表'}`,
              body: reportBody(u.unit, q.q, r),
              periodStart: q.start,
              periodEnd: q.end,
              dueOn,
            },
            files,
          ),
        );
        if (!report) continue;
        summary.reports += 1;
        if (!(await step(new Date(at.getTime() + 1800_000), u.worker, (em) => submitInfoReport(em, report.id)))) continue;
        const reviewer = u.parent!;
        const reviewDay = addWorkingDays(day, r.range(1, 4));
        const roll = r.next();
        if (roll < 0.1) {
          // returned with comments, revised, resubmitted, approved
          if (!(await step(office(reviewDay, r), reviewer.reviewer, (em) => returnInfoReport(em, report.id, r.pick(RETURN_COMMENTS))))) continue;
          const fixDay = addWorkingDays(reviewDay, r.range(1, 3));
          if (!(await step(office(fixDay, r, 9, 4), u.worker, (em) => reviseInfoReport(em, report.id, { body: `${reportBody(u.unit, q.q, r)}\n\n（已按审核意见补充完善。）` }, files)))) continue;
          if (!(await step(office(fixDay, r, 14, 3), u.worker, (em) => submitInfoReport(em, report.id, '已修改，请审核')))) continue;
          await step(office(addWorkingDays(fixDay, r.range(1, 2)), r), reviewer.reviewer, (em) => approveInfoReport(em, report.id, '同意'));
        } else if (roll < 0.2 && reviewer.parent) {
          // forwarded up (a notable report), approved there
          if (!(await step(office(reviewDay, r), reviewer.reviewer, (em) => forwardInfoReport(em, report.id, '内容较好，报上级参阅')))) continue;
          await step(office(addWorkingDays(reviewDay, r.range(1, 4)), r), reviewer.parent.reviewer, (em) => approveInfoReport(em, report.id, '同意，可供交流'));
        } else if (roll < 0.96) {
          await step(office(reviewDay, r), reviewer.reviewer, (em) => approveInfoReport(em, report.id, '同意'));
        } // else: still waiting for review
      }
      progress('reports', summary.reports, authors.length * 4);
    }
  }

  // notices down the tree (read within days; laggards late or never), replies where asked; messages up
  if ((await count('notice')) === 0) {
    const r = random.fork('notices');
    const senders = all.filter((u) => u.children.length > 0 && u.unit.level !== UnitLevel.COUNTY);
    const counties = all.filter((u) => u.unit.level === UnitLevel.COUNTY && u.children.length > 0);
    const plan: { sender: OfficeUnit; months: number[] }[] = [
      ...senders.map((sender) => ({ sender, months: sender.unit.level === UnitLevel.PROVINCE ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : [2, 4, 6, 8, 10] })),
      ...counties.map((sender) => ({ sender, months: [3, 6, 9, 11] })),
    ];
    for (const { sender, months } of plan) {
      for (const month of months) {
        const template = r.pick(NOTICE_TEMPLATES);
        const day = workdayOnOrAfter(`${year}-${String(month).padStart(2, '0')}-${String(r.range(3, 20)).padStart(2, '0')}`);
        const at = office(day, r);
        const replyRequired = template.reply;
        const replyDueOn = replyRequired ? addWorkingDays(day, 10) : null;
        const notice = await step(at, sender.reviewer, (em) =>
          sendNotice(em, { title: `关于${template.title}的通知`, body: template.body, replyRequired, replyDueOn, unitIds: sender.children.map((c) => c.unit.id) }, files),
        );
        if (!notice) continue;
        summary.notices += 1;
        for (const child of sender.children) {
          if (r.chance((1 - child.diligence) * 0.6)) continue; // never read
          const readDay = addWorkingDays(day, r.chance(child.diligence) ? r.range(0, 2) : r.range(3, 12));
          const readAt = office(readDay, r, 8, 3);
          if (!(await step(readAt, child.worker, (em) => markNoticeRead(em, notice.id)))) continue;
          if (replyRequired && r.chance(child.diligence)) {
            const replyDay = addWorkingDays(readDay, r.chance(child.diligence) ? r.range(1, 8) : r.range(9, 15));
            await step(office(replyDay, r), child.worker, (em) => replyToNotice(em, notice.id, `${child.unit.name}关于${template.title}的落实情况：已按通知要求部署落实，具体情况如下……`, null, files));
          }
        }
      }
    }
    // a few stations write to their county
    for (const u of all.filter((x) => x.unit.level === UnitLevel.STATION && x.parent)) {
      if (!r.chance(0.15)) continue;
      const day = workdayOnOrAfter(`${year}-${String(r.range(1, 10)).padStart(2, '0')}-${String(r.range(1, 25)).padStart(2, '0')}`);
      await step(office(day, r), u.worker, (em) => sendMessage(em, { toUnitId: u.parent!.unit.id, title: '关于网络交易监管执法装备的请示', body: '我所现有取证设备不足，申请配备执法记录仪一台。' }, files));
    }
    progress('notices', summary.notices, summary.notices);
  }

  // training and publicity through the year
  if ((await count('training_session')) === 0) {
    const r = random.fork('education');
    for (const u of all) {
      const level = u.unit.level;
      const sessions = level === UnitLevel.STATION ? 0 : level === UnitLevel.COUNTY ? Math.round(4 * u.diligence) : 2;
      for (let i = 0; i < sessions; i++) {
        const day = workdayOnOrAfter(addDays(`${year}-01-15`, Math.floor(((i + r.next()) * 300) / Math.max(1, sessions))));
        const participants = [{ unitId: u.unit.id, count: r.range(2, 8) }, ...u.children.filter(() => r.chance(0.8)).map((c) => ({ unitId: c.unit.id, count: r.range(1, 3) }))];
        const topic = r.pick(TRAINING_TOPICS);
        if (await step(office(day, r), u.worker, (em) => recordTrainingSession(em, { form: r.pick(Object.values(TrainingForm)), topic, heldOn: day, hours: r.pick([1.5, 2, 3, 4, 6]), participants }))) summary.training += 1;
      }
      const activities = level === UnitLevel.STATION ? (r.chance(u.diligence) ? 2 : 0) : level === UnitLevel.COUNTY ? r.range(3, 6) : 3;
      for (let i = 0; i < activities; i++) {
        const special = i === 0 ? `${year}-03-15` : null;
        const day = special ?? workdayOnOrAfter(addDays(`${year}-02-01`, r.range(0, 290)));
        const kind = special ? PublicityKind.EVENT : r.pick(Object.values(PublicityKind));
        const title = special ? '"3·15"国际消费者权益日网络消费维权宣传' : r.pick(PUBLICITY_TITLES);
        if (await step(office(day, r), u.worker, (em) => recordPublicityActivity(em, { kind, title, audience: r.pick(['社区居民', '网店经营者', '在校学生', '老年消费者', '电商平台']), reach: r.range(50, 5000), heldOn: day }))) summary.publicity += 1;
      }
    }
    progress('training and publicity', summary.training + summary.publicity, summary.training + summary.publicity);
  }

  // consumer warnings: the province every two months, each city once or twice; one withdrawn
  if ((await count('consumer_warning')) === 0) {
    const r = random.fork('warnings');
    const issuers = all.filter((u) => u.unit.level === UnitLevel.PROVINCE || u.unit.level === UnitLevel.CITY);
    for (const u of issuers) {
      const n = u.unit.level === UnitLevel.PROVINCE ? 6 : r.range(1, 2);
      for (let i = 0; i < n; i++) {
        const w = r.pick(WARNINGS);
        const day = workdayOnOrAfter(addDays(`${year}-01-20`, Math.floor(((i + r.next()) * 300) / n)));
        const draft = await step(office(day, r, 9, 3), u.worker, (em) => draftConsumerWarning(em, { title: w.title, text: w.text, category: w.category }));
        if (!draft) continue;
        await step(office(day, r, 14, 3), u.reviewer, (em) => publishConsumerWarning(em, draft.id));
        summary.warnings += 1;
        if (u.unit.level === UnitLevel.PROVINCE && i === 0) {
          await step(office(addWorkingDays(day, 20), r), u.reviewer, (em) => withdrawConsumerWarning(em, draft.id, '内容已更新，以新发布的警示为准'));
        }
      }
    }
    progress('consumer warnings', summary.warnings, summary.warnings);
  }

  const result = { skipped: false, ...summary, millis: Math.round(performance.now() - started) };
  logger.info(result, 'loaded the demo office work');
  return result;
}

/** The demo units with the users who act for them, or null when the database has no demo logins. */
async function officeUnits(orm: MikroORM, random: Random): Promise<Map<number, OfficeUnit> | null> {
  return runAsSystem('demo office: units', async () => {
    const em = orm.em.fork();
    const units = await em.find(Unit, {}, { orderBy: { id: 'asc' } });
    const users = await em.find(User, { active: true, role: { $in: [Role.INSPECTOR, Role.LEADER] } }, { populate: ['unit'], orderBy: { id: 'asc' } });
    if (!users.some((u) => u.username === 'sd-leader')) return null;
    const worker = new Map<number, Actor>();
    const reviewer = new Map<number, Actor>();
    for (const user of users) {
      const map = user.role === Role.INSPECTOR ? worker : reviewer;
      if (!map.has(user.unit.id)) map.set(user.unit.id, actorForUser(user));
    }
    const diligence = unitDiligence(random, units);
    const out = new Map<number, OfficeUnit>();
    for (const unit of units) {
      const w = worker.get(unit.id);
      const rv = reviewer.get(unit.id);
      if (w && rv) out.set(unit.id, { unit, worker: w, reviewer: rv, children: [], parent: null, diligence: diligence.get(unit.id)! });
    }
    for (const u of out.values()) {
      const parent = u.unit.parent ? out.get(u.unit.parent.id) : undefined;
      if (parent) {
        u.parent = parent;
        parent.children.push(u);
      }
    }
    return out;
  });
}

function workPlanBody(unit: Unit, year: number): string {
  return [
    `一、总体要求：坚持问题导向，聚焦网络交易重点领域，推进${unit.name}网络市场监管工作提质增效。`,
    '二、重点任务：（一）开展网络经营主体建档和比对维护；（二）落实日常网上巡查和专项检查；（三）加强网络交易违法线索核查和案件查办；（四）做好投诉举报处理和消费维权；（五）加强学习培训和宣传教育。',
    `三、工作要求：各单位要明确专人负责，按时报送信息，${year}年12月底前报送全年工作总结。`,
  ].join('\n');
}

function reportBody(unit: Unit, quarter: number, r: Random): string {
  return `${unit.name}第${quarter}季度开展网上巡查${r.range(20, 400)}户次，核查线索${r.range(0, 20)}条，处理投诉举报${r.range(0, 30)}件，开展培训和宣传${r.range(1, 6)}次。`;
}

const RETURN_COMMENTS = ['数据与系统统计不一致，请核实后重报', '请补充典型案例和下一步工作打算', '格式不规范，请按模板修改'];

const NOTICE_TEMPLATES: readonly { title: string; body: string; reply: boolean }[] = [
  { title: '开展网络集中促销活动监管', body: '请各单位结合辖区实际，加强网络集中促销期间价格和促销行为监管，及时处置投诉举报。', reply: true },
  { title: '做好网络经营主体数据比对维护工作', body: '请于规定时间内完成辖区网络经营主体建档和比对维护，链接失效和信息不一致的及时标注。', reply: true },
  { title: '报送网络市场监管典型案例', body: '请各单位梳理本年度查办的网络交易违法典型案例，按要求报送。', reply: true },
  { title: '加强节假日期间网络市场监管', body: '节假日期间请加强值班值守，重点关注食品、药品等商品网络销售。', reply: false },
  { title: '开展网络交易监管业务培训', body: '定于近期组织网络交易监管业务培训，请各单位安排专职人员参加。', reply: false },
  { title: '规范使用网络市场监管与服务平台', body: '请各单位每个工作日登录平台，及时处理交办事项和通知，确保系统使用率达标。', reply: false },
];

const TRAINING_TOPICS = ['网络交易监督管理办法解读', '电子数据取证实务', '网络市场监管与服务平台操作', '广告法与网络广告监管', '明码标价和禁止价格欺诈规定解读', '网络食品安全监管'];

const PUBLICITY_TITLES = ['网络消费维权知识进社区', '网店经营者合规经营培训宣讲', '"双11"理性消费提示', '网络直播营销合规宣传', '防范网络购物诈骗宣传'];

const WARNINGS: readonly { title: string; text: string; category: string }[] = [
  { title: '警惕"先涨后降"的促销陷阱', text: '网络集中促销期间，部分商家先提高标价再打折，请消费者对比历史价格，保存交易截图和聊天记录，发现价格欺诈可拨打12315投诉。', category: '网络购物' },
  { title: '直播带货购物需谨慎', text: '直播间购物请选择资质齐全的经营者，不轻信"全网最低""仅限今日"等宣传，不私下转账交易，注意索取购物凭证。', category: '直播营销' },
  { title: '预付式消费风险提示', text: '办理预付卡请选择信誉良好的经营者，签订书面合同，充值金额不宜过大，谨防经营者卷款跑路。', category: '预付式消费' },
  { title: '网购食品注意查看许可信息', text: '网购食品请查看店铺公示的营业执照和食品经营许可证，收货时检查包装和生产日期，发现问题及时投诉。', category: '食品' },
  { title: '警惕"低价旅游"网络广告', text: '对网络平台上明显低于成本的旅游产品保持警惕，签订正规合同，拒绝强制购物。', category: '旅游服务' },
];
