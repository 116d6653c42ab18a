/**
 * The indicator catalog (指标目录) of the supervision metrics: every indicator defined once, as data —
 * key, Chinese and English name, unit, the unit levels it applies to, how it aggregates up the bureau tree
 * and over time, its source tables and its formula. compute.ts holds the SQL of each; query.ts reads them.
 *
 * Aggregation up the tree: `sum` — a parent is the sum of its children plus its own rows; `rate` — the
 * numerators and the denominators are summed separately and divided at the end (never an average of
 * rates). Over time: `flow` indicators count what happened in a month (a year is the sum of its months);
 * `stock` indicators are a state at the end of the month (a year is its last month in the range).
 * `distinct` flows count distinct subjects (shops patrolled, listings observed): a shop patrolled in two
 * months is one shop of the two, so a period longer than a month is counted over the whole period from the
 * source tables (query.ts, window.ts), never summed from its months.
 *
 * Direction: `betterWhen` says whether a rise is good (HIGHER: coverage, cases filed), bad (LOWER: overdue,
 * unfiled, findings) or neither (NEUTRAL: workload, market volume) — for colouring a change.
 */
import { RULES } from '../../kernel/rules';
import { UnitLevel } from '../../entities';

export type MetricAggregation = 'sum' | 'rate';
export type MetricTime = 'flow' | 'stock';
/** whether a rise of the indicator is good, bad or neither */
export type MetricDirection = 'higher' | 'lower' | 'neutral';
/** 户 shops, 件 items, 元 yuan, 次 times, 天 days, 人 people, 台 devices, % a rate in percent */
export type MetricUnit = '户' | '%' | '件' | '元' | '次' | '天' | '人' | '台' | '个';

export interface MetricDefinition {
  key: string;
  nameZh: string;
  nameEn: string;
  unit: MetricUnit;
  /** the unit levels the indicator applies to (a query skips the others) */
  levels: readonly UnitLevel[];
  aggregation: MetricAggregation;
  time: MetricTime;
  /** a rate's value = numerator / denominator × scale (100 for percentages) */
  scale: number;
  /** the tables it is computed from */
  sources: readonly string[];
  /** how a unit's own value is counted, in words */
  formula: string;
  /** an indicator family (per-rule findings) groups its members under one name */
  family?: string;
  /** a rise is good (higher), bad (lower) or neither (neutral) */
  betterWhen: MetricDirection;
  /** a flow counting distinct subjects: a period of several months is counted over the whole period, not summed */
  distinct: boolean;
}

const ALL_LEVELS: readonly UnitLevel[] = [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.STATION];

type Spec = Omit<MetricDefinition, 'levels' | 'scale' | 'time' | 'distinct'> & Partial<Pick<MetricDefinition, 'levels' | 'scale' | 'time' | 'distinct'>>;

function define(spec: Spec): MetricDefinition {
  return {
    levels: ALL_LEVELS,
    time: 'flow',
    distinct: false,
    scale: spec.aggregation === 'rate' && spec.unit === '%' ? 100 : 1,
    ...spec,
  };
}

/** How a shop-like row is attributed, said once for the formulas. */
const BY_REGION = 'counted for the deepest unit whose jurisdiction holds the row\'s region code';
const BY_UNIT = 'counted for the unit that owns the row';

/** Every indicator, in the order of the statistical table. */
export const METRICS: readonly MetricDefinition[] = Object.freeze([
  // — register (建档与维护) —
  define({ key: 'shops_filed', betterWhen: 'higher', nameZh: '已建档网店数', nameEn: 'Shops filed', unit: '户', aggregation: 'sum', time: 'stock', sources: ['shop'],
    formula: `shops filed by the end of the month (filed_at ≤ month end), not marked outside the jurisdiction; ${BY_REGION}` }),
  define({ key: 'shops_unfiled', betterWhen: 'lower', nameZh: '已发现未建档网店数', nameEn: 'Shops discovered, not filed', unit: '户', aggregation: 'sum', time: 'stock', sources: ['shop'],
    formula: `shops discovered by the end of the month and not filed by then, not marked outside the jurisdiction; ${BY_REGION}` }),
  define({ key: 'filing_coverage', betterWhen: 'higher', nameZh: '建档率', nameEn: 'Filing coverage', unit: '%', aggregation: 'rate', time: 'stock', sources: ['shop'],
    formula: 'shops filed / (shops filed + shops discovered not filed), at the end of the month' }),
  define({ key: 'shops_filed_new', betterWhen: 'higher', nameZh: '本月新建档', nameEn: 'New filings', unit: '户', aggregation: 'sum', sources: ['shop'],
    formula: `shops whose filed_at lies in the month; ${BY_REGION}` }),
  define({ key: 'maintenance_marks', betterWhen: 'neutral', nameZh: '比对维护标记数', nameEn: 'Maintenance done (dead link, mismatch, outside)', unit: '件', aggregation: 'sum', sources: ['shop_event'],
    formula: `shop events marked_link_dead, marked_info_mismatch or marked_not_in_jurisdiction in the month; ${BY_REGION}` }),
  // — platform reports and reconciliation (平台报送与对账) —
  define({ key: 'platform_shops_reported', betterWhen: 'higher', nameZh: '平台报送网店数', nameEn: 'Shops reported by platforms', unit: '户', aggregation: 'sum', time: 'stock', sources: ['platform_shop'],
    formula: `shops a platform reported by the end of the month and still named at its end (not absent from a later full report); ${BY_REGION}` }),
  define({ key: 'platform_report_coverage', betterWhen: 'higher', nameZh: '平台报送完整率', nameEn: 'Platform reporting completeness', unit: '%', aggregation: 'rate', time: 'stock', sources: ['shop', 'platform_shop', 'platform_report'],
    formula: 'platform merchants the spiders found on a reporting platform by the end of the month (not dead, not outside) that the platform reports / those merchants' }),
  define({ key: 'reconciliation_conflicts_open', betterWhen: 'lower', nameZh: '对账差异待核查数', nameEn: 'Source conflicts open', unit: '件', aggregation: 'sum', time: 'stock', sources: ['reconciliation_conflict'],
    formula: `conflicts between the register's sources detected by the end of the month and not closed (resolved, dismissed, clue raised) by then; ${BY_REGION}` }),
  // — patrols (巡查) —
  define({ key: 'patrol_tasks_due', betterWhen: 'neutral', nameZh: '应巡查任务数', nameEn: 'Patrol tasks due', unit: '件', aggregation: 'sum', sources: ['patrol_task'],
    formula: `patrol tasks due in the month (due_on), not cancelled; ${BY_REGION}` }),
  define({ key: 'patrol_tasks_done', betterWhen: 'higher', nameZh: '已完成巡查任务数', nameEn: 'Patrol tasks done', unit: '件', aggregation: 'sum', sources: ['patrol_task'],
    formula: 'of the tasks due in the month, those done (a record filed)' }),
  define({ key: 'patrol_tasks_overdue', betterWhen: 'lower', nameZh: '逾期巡查任务数', nameEn: 'Overdue patrol tasks', unit: '件', aggregation: 'sum', sources: ['patrol_task'],
    formula: 'of the tasks due in the month and past their due day, those not done by their due day (still open, or done later)' }),
  define({ key: 'patrol_coverage', betterWhen: 'higher', distinct: true, nameZh: '巡查覆盖率', nameEn: 'Patrol coverage', unit: '%', aggregation: 'rate', sources: ['shop', 'patrol_record'],
    formula: 'filed shops (as in shops_filed) with a patrol record in the month / filed shops; over a longer period (a year to date) the filed shops at its end with a patrol record in it / those shops, each shop once however many months it was patrolled' }),
  // — rule checks (监测发现) —
  define({ key: 'findings', betterWhen: 'lower', nameZh: '监测发现问题数', nameEn: 'Findings', unit: '件', aggregation: 'sum', sources: ['finding'],
    formula: `findings observed in the month (observed_at), any status; ${BY_REGION}` }),
  define({ key: 'findings_high', betterWhen: 'lower', nameZh: '高风险问题数', nameEn: 'Findings, high severity', unit: '件', aggregation: 'sum', sources: ['finding'],
    formula: 'findings of the month with severity high' }),
  define({ key: 'findings_medium', betterWhen: 'lower', nameZh: '中风险问题数', nameEn: 'Findings, medium severity', unit: '件', aggregation: 'sum', sources: ['finding'],
    formula: 'findings of the month with severity medium' }),
  define({ key: 'findings_low', betterWhen: 'lower', nameZh: '低风险问题数', nameEn: 'Findings, low severity', unit: '件', aggregation: 'sum', sources: ['finding'],
    formula: 'findings of the month with severity low' }),
  ...RULES.map((rule) =>
    define({ key: `findings_rule:${rule.id}`, family: 'findings_rule', betterWhen: 'lower', nameZh: `监测发现：${rule.nameZh}`, nameEn: `Findings: ${rule.nameEn}`, unit: '件', aggregation: 'sum', sources: ['finding'],
      formula: `findings of the month of rule ${rule.id}; ${BY_REGION}` }),
  ),
  // — clues (线索) —
  define({ key: 'clues_received', betterWhen: 'neutral', nameZh: '接收线索数', nameEn: 'Clues received', unit: '件', aggregation: 'sum', sources: ['clue'],
    formula: `clues created in the month; ${BY_REGION}` }),
  define({ key: 'clues_assigned', betterWhen: 'neutral', nameZh: '交办线索数', nameEn: 'Clues assigned', unit: '件', aggregation: 'sum', sources: ['clue'],
    formula: `clues assigned in the month (assigned_at); ${BY_REGION}` }),
  define({ key: 'clues_on_time', betterWhen: 'higher', nameZh: '线索按期办结率', nameEn: 'Clues handled on time', unit: '%', aggregation: 'rate', sources: ['clue'],
    formula: 'clues whose deadline falls in the month and that were handled by it / clues whose deadline falls in the month' }),
  define({ key: 'clues_overdue', betterWhen: 'lower', nameZh: '逾期线索数', nameEn: 'Overdue clues', unit: '件', aggregation: 'sum', sources: ['clue'],
    formula: 'clues whose deadline falls in the month, has passed, and that were not handled by it' }),
  // — cases (案件) —
  define({ key: 'cases_filed', betterWhen: 'higher', nameZh: '立案数', nameEn: 'Cases filed', unit: '件', aggregation: 'sum', sources: ['legal_case'],
    formula: `cases filed (立案) in the month (filed_at); ${BY_REGION}` }),
  define({ key: 'cases_closed', betterWhen: 'higher', nameZh: '结案数', nameEn: 'Cases closed', unit: '件', aggregation: 'sum', sources: ['legal_case', 'case_event'],
    formula: `cases with a closed event in the month; ${BY_REGION}` }),
  define({ key: 'case_fines', betterWhen: 'neutral', nameZh: '罚没金额', nameEn: 'Fines decided', unit: '元', aggregation: 'sum', sources: ['legal_case', 'case_event'],
    formula: 'the fine of the cases whose penalty was decided in the month (penalty_decided event), in yuan' }),
  // — complaints (投诉举报) —
  define({ key: 'complaints_received', betterWhen: 'lower', nameZh: '受理投诉举报数', nameEn: 'Complaints received', unit: '件', aggregation: 'sum', sources: ['complaint'],
    formula: `complaints and reports received in the month (received_at); ${BY_REGION}` }),
  define({ key: 'complaints_on_time', betterWhen: 'higher', nameZh: '按时受理率', nameEn: 'Complaints decided within the deadline', unit: '%', aggregation: 'rate', sources: ['complaint'],
    formula: 'complaints received in the month that were accepted or rejected by their acceptance deadline (7 working days) / complaints received in the month' }),
  define({ key: 'complaints_resolved_rate', betterWhen: 'higher', nameZh: '投诉举报办结率', nameEn: 'Complaints resolved (rate)', unit: '%', aggregation: 'rate', sources: ['complaint'],
    formula: 'complaints received in the month and not rejected that were resolved by the time of the refresh / complaints received in the month and not rejected (a month\'s rate rises as its complaints are resolved, while its month is still refreshed)' }),
  define({ key: 'complaints_resolved', betterWhen: 'higher', nameZh: '办结投诉举报数', nameEn: 'Complaints resolved', unit: '件', aggregation: 'sum', sources: ['complaint'],
    formula: `complaints resolved in the month (resolved_at); ${BY_REGION}` }),
  // — office work (办公) —
  define({ key: 'reports_submitted', betterWhen: 'higher', nameZh: '报送信息数', nameEn: 'Reports submitted', unit: '件', aggregation: 'sum', sources: ['info_report', 'info_report_event'],
    formula: `information reports with a submitted event in the month (each report once); ${BY_UNIT} (the author unit)` }),
  define({ key: 'reports_approved', betterWhen: 'higher', nameZh: '采用信息数', nameEn: 'Reports approved', unit: '件', aggregation: 'sum', sources: ['info_report'],
    formula: `information reports approved in the month (approved_at); ${BY_UNIT} (the author unit)` }),
  define({ key: 'notices_read_on_time', betterWhen: 'higher', nameZh: '通知按时阅读率', nameEn: 'Notices read on time', unit: '%', aggregation: 'rate', sources: ['notice', 'notice_recipient'],
    formula: `recipient rows of notices sent in the month read within 3 working days of sending / recipient rows; ${BY_UNIT} (the recipient unit)` }),
  define({ key: 'login_compliance', betterWhen: 'higher', nameZh: '定期登录率', nameEn: 'Daily login compliance', unit: '%', aggregation: 'rate', sources: ['login_event'],
    formula: `working days of the month (up to today) with a login of the unit's own users / working days; ${BY_UNIT}` }),
  define({ key: 'training_sessions', betterWhen: 'higher', nameZh: '学习培训次数', nameEn: 'Training sessions', unit: '次', aggregation: 'sum', sources: ['training_session'],
    formula: `training sessions held in the month; ${BY_UNIT}` }),
  define({ key: 'publicity_activities', betterWhen: 'higher', nameZh: '宣传教育活动次数', nameEn: 'Publicity activities', unit: '次', aggregation: 'sum', sources: ['publicity_activity'],
    formula: `publicity and consumer-education activities held in the month; ${BY_UNIT}` }),
  define({ key: 'consumer_warnings', betterWhen: 'higher', nameZh: '发布消费警示数', nameEn: 'Consumer warnings published', unit: '件', aggregation: 'sum', sources: ['consumer_warning'],
    formula: `consumer warnings published in the month (published_on; later withdrawal included); ${BY_UNIT}` }),
  define({ key: 'work_plan_on_time', betterWhen: 'higher', nameZh: '年度工作部署按时印发率', nameEn: 'Annual work plan issued on time', unit: '%', aggregation: 'rate', time: 'stock', sources: ['unit', 'work_plan'],
    formula: `units whose work plan for the month's year was published by its due day (province 31 Jan, city end of February, county 15 Mar, station 31 Mar) / units whose plan is due by the end of the month or was published by then; 1 of 1 or 0 of 1 per unit; ${BY_UNIT}` }),
  define({ key: 'staffing_met', betterWhen: 'higher', nameZh: '人员配备达标率', nameEn: 'Staffing minimum met', unit: '%', aggregation: 'rate', time: 'stock', sources: ['unit', 'designated_staff'],
    formula: 'units with at least one person designated on the last day of the month (today in the current month) / units; 1 of 1 or 0 of 1 per unit' }),
  define({ key: 'equipment_met', betterWhen: 'higher', nameZh: '设备配置达标率', nameEn: 'Equipment minimum met', unit: '%', aggregation: 'rate', time: 'stock', sources: ['unit', 'unit_equipment'],
    formula: 'units whose equipment declaration holds at least one computer / units (the declaration in force at refresh time: earlier declarations are not kept)' }),
  // — the crawl store (市场监测) —
  define({ key: 'listings_observed', betterWhen: 'neutral', distinct: true, nameZh: '监测商品数', nameEn: 'Listings observed', unit: '个', aggregation: 'sum', sources: ['listing_price_daily'],
    formula: `distinct listings with a price observation in the month (days in UTC as the store buckets them); over a longer period each listing once; ${BY_REGION}` }),
  define({ key: 'price_observations', betterWhen: 'neutral', nameZh: '价格监测次数', nameEn: 'Price observations', unit: '次', aggregation: 'sum', sources: ['listing_price_daily'],
    formula: `price observations in the month; ${BY_REGION}` }),
  define({ key: 'average_price', betterWhen: 'neutral', nameZh: '平均价格', nameEn: 'Average observed price', unit: '元', aggregation: 'rate', sources: ['listing_price_daily'],
    formula: 'sum of observed prices / number of price observations in the month (a parent weighs every observation alike)' }),
]);

const BY_KEY = new Map(METRICS.map((m) => [m.key, m]));

/** The definition of `key`, or undefined. */
export function metricByKey(key: string): MetricDefinition | undefined {
  return BY_KEY.get(key);
}
