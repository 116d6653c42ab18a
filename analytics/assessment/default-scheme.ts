/**
 * The default annual assessment scheme (2026, version 1), following the norm's eleven categories:
 * organisation and staffing, equipment, work plan, training, publicity and consumer education, system
 * use and daily login, filing, patrol, cases, reporting, complaints. Frozen: a version never changes;
 * a revision is a new object with `version: 2` and the year it applies from (see `schemeFor`).
 *
 * Weights per level (each sums to 100):
 *
 * | category            | indicator                      | province | city | county | station |
 * |---------------------|--------------------------------|---------:|-----:|-------:|--------:|
 * | organisation        | staffing_met                   |        5 |    5 |      5 |       6 |
 * | equipment           | equipment_met                  |        3 |    3 |      3 |       4 |
 * | work plan           | work_plan_on_time              |        6 |    5 |      5 |       4 |
 * | training            | training_sessions              |        6 |    6 |      6 |       4 |
 * | publicity           | publicity_activities           |        4 |    4 |      5 |       6 |
 * | publicity           | consumer_warnings              |        4 |    4 |      3 |       – |
 * | system use          | login_compliance               |        6 |    6 |      8 |      10 |
 * | filing              | filing_coverage                |       14 |   13 |     14 |      16 |
 * | patrol              | patrol_coverage                |       14 |   12 |     12 |      16 |
 * | patrol              | patrol_tasks_overdue           |        – |    – |      4 |       6 |
 * | cases               | clues_on_time                  |       10 |    8 |      8 |      10 |
 * | cases               | cases_filed                    |        – |    6 |      6 |       – |
 * | reporting           | reports_submitted              |        4 |    4 |      4 |       4 |
 * | reporting           | reports_approved               |        4 |    4 |      3 |       2 |
 * | complaints          | complaints_on_time             |       10 |   10 |      7 |       6 |
 * | complaints          | complaints_resolved_rate       |       10 |   10 |      7 |       6 |
 *
 * Why the levels differ:
 * - Stations (市场监管所) are where shops are found, filed and patrolled and complaints first handled, so
 *   filing, patrol and daily login weigh most there. Every level issues an annual work plan (the office
 *   module has a deadline per level, stations by 31 March), so all keep the work-plan item; like every
 *   indicator it is the unit's subtree's (a county: the share of its own and its stations' plans issued
 *   on time), scored linearly to 100 % — a station's is 100 % or 0 %.
 * - Cases: filing a case (立案) is a power of the bureaus (county and city; stations investigate in the
 *   county's name), so stations are assessed on handling the clues assigned to them on time, not on a
 *   count of cases. The province is assessed on rates only: its counts sum the whole province and would
 *   measure size, not work.
 * - Overdue patrol tasks are deducted where the tasks are done (county and station); at province and city
 *   the count sums many units and a fixed deduction would always floor at 0 — coverage stands for them.
 * - Consumer warnings (消费警示) are issued by the bureaus, not by stations.
 * - Targets follow the norm: patrol coverage 90%, filing coverage and login compliance 95%, clues and
 *   complaints on time 90–95%, training at least 4 sessions a year at county level (6 at province).
 */
import { type AssessmentItem, type AssessmentScheme, type BonusItem, freezeScheme } from './scheme';

const staffing = (weight: number): AssessmentItem => ({
  key: 'staffing', nameZh: '人员配备达标率', nameEn: 'Staffing minimum met', category: 'organisation',
  indicator: 'staffing_met', weight, rule: { kind: 'linear', target: 1 },
});
const equipment = (weight: number): AssessmentItem => ({
  key: 'equipment', nameZh: '设备配置达标率', nameEn: 'Equipment minimum met', category: 'equipment',
  indicator: 'equipment_met', weight, rule: { kind: 'linear', target: 1 },
});
const workPlan = (weight: number): AssessmentItem => ({
  key: 'work_plan', nameZh: '年度工作部署按时印发率', nameEn: 'Work plan issued on time', category: 'work_plan',
  indicator: 'work_plan_on_time', weight, rule: { kind: 'linear', target: 1 },
});
const training = (weight: number, rule: AssessmentItem['rule']): AssessmentItem => ({
  key: 'training', nameZh: '业务培训', nameEn: 'Training sessions', category: 'training', indicator: 'training_sessions', weight, rule,
});
const publicity = (weight: number, target: number): AssessmentItem => ({
  key: 'publicity', nameZh: '宣传活动', nameEn: 'Publicity activities', category: 'publicity',
  indicator: 'publicity_activities', weight, rule: { kind: 'linear', target },
});
const warnings = (weight: number, target: number): AssessmentItem => ({
  key: 'consumer_warnings', nameZh: '消费警示', nameEn: 'Consumer warnings', category: 'publicity',
  indicator: 'consumer_warnings', weight, rule: { kind: 'linear', target },
});
const login = (weight: number): AssessmentItem => ({
  key: 'login', nameZh: '日常登录合规率', nameEn: 'Daily login compliance', category: 'system_use',
  indicator: 'login_compliance', weight, rule: { kind: 'linear', target: 0.95 },
});
const filing = (weight: number): AssessmentItem => ({
  key: 'filing', nameZh: '网店备案覆盖率', nameEn: 'Filing coverage', category: 'filing',
  indicator: 'filing_coverage', weight, rule: { kind: 'linear', target: 0.95 },
});
const patrol = (weight: number): AssessmentItem => ({
  key: 'patrol', nameZh: '巡查覆盖率', nameEn: 'Patrol coverage', category: 'patrol',
  indicator: 'patrol_coverage', weight, rule: { kind: 'linear', target: 0.9 },
});
const overdue = (weight: number, perUnit: number): AssessmentItem => ({
  key: 'patrol_overdue', nameZh: '逾期巡查任务', nameEn: 'Overdue patrol tasks', category: 'patrol',
  indicator: 'patrol_tasks_overdue', weight, rule: { kind: 'deduction', perUnit },
});
const clues = (weight: number): AssessmentItem => ({
  key: 'clues', nameZh: '线索按时处置率', nameEn: 'Clues handled on time', category: 'cases',
  indicator: 'clues_on_time', weight, rule: { kind: 'linear', target: 0.9 },
});
const cases = (weight: number, steps: { atLeast: number; points: number }[]): AssessmentItem => ({
  key: 'cases_filed', nameZh: '立案', nameEn: 'Cases filed', category: 'cases', indicator: 'cases_filed', weight, rule: { kind: 'thresholds', steps },
});
const reports = (weight: number, target: number): AssessmentItem => ({
  key: 'reports_submitted', nameZh: '信息报送', nameEn: 'Reports submitted', category: 'reporting',
  indicator: 'reports_submitted', weight, rule: { kind: 'linear', target },
});
const approved = (weight: number, target: number): AssessmentItem => ({
  key: 'reports_approved', nameZh: '信息采用', nameEn: 'Reports approved', category: 'reporting',
  indicator: 'reports_approved', weight, rule: { kind: 'linear', target },
});
/** Accepted within the statutory deadline: steps at 80 / 90 / 95 %, full weight at 95 %. */
const accepted = (weight: number, steps: [number, number]): AssessmentItem => ({
  key: 'complaints_accepted', nameZh: '投诉按时受理率', nameEn: 'Complaints accepted on time', category: 'complaints',
  indicator: 'complaints_on_time', weight,
  rule: { kind: 'thresholds', steps: [{ atLeast: 0.8, points: steps[0] }, { atLeast: 0.9, points: steps[1] }, { atLeast: 0.95, points: weight }] },
});
const resolved = (weight: number): AssessmentItem => ({
  key: 'complaints_resolved', nameZh: '投诉办结率', nameEn: 'Complaints resolved', category: 'complaints',
  indicator: 'complaints_resolved_rate', weight, rule: { kind: 'linear', target: 0.9 },
});

const typicalExperience: BonusItem = { key: 'typical_experience', nameZh: '典型经验被推广', nameEn: 'Typical experience promoted', points: 2, max: 5 };
const commendation: BonusItem = { key: 'commendation', nameZh: '工作获上级表彰或批示肯定', nameEn: 'Work commended by a superior', points: 1, max: 3 };
const majorCase: BonusItem = { key: 'major_case', nameZh: '查办重大典型案件', nameEn: 'Major typical case handled', points: 2, max: 4 };

/** The default scheme: 2026, version 1. */
export const DEFAULT_SCHEME_2026: AssessmentScheme = freezeScheme({
  id: 'hongdun-annual',
  version: 1,
  name: '2026 年度网络市场监管工作考核方案',
  fromYear: 2026,
  levels: {
    province: {
      items: [
        staffing(5), equipment(3), workPlan(6), training(6, { kind: 'linear', target: 6 }), publicity(4, 6), warnings(4, 4), login(6),
        filing(14), patrol(14), clues(10), reports(4, 12), approved(4, 4), accepted(10, [5, 8]), resolved(10),
      ],
      bonus: [typicalExperience, commendation],
    },
    city: {
      items: [
        staffing(5), equipment(3), workPlan(5), training(6, { kind: 'linear', target: 4 }), publicity(4, 6), warnings(4, 3), login(6),
        filing(13), patrol(12), clues(8), cases(6, [{ atLeast: 1, points: 2 }, { atLeast: 5, points: 4 }, { atLeast: 10, points: 6 }]),
        reports(4, 12), approved(4, 4), accepted(10, [5, 8]), resolved(10),
      ],
      bonus: [typicalExperience, commendation, majorCase],
    },
    county: {
      items: [
        staffing(5), equipment(3), workPlan(5),
        training(6, { kind: 'thresholds', steps: [{ atLeast: 1, points: 2 }, { atLeast: 2, points: 4 }, { atLeast: 4, points: 6 }] }),
        publicity(5, 4), warnings(3, 2), login(8), filing(14), patrol(12), overdue(4, 0.5), clues(8),
        cases(6, [{ atLeast: 1, points: 2 }, { atLeast: 3, points: 4 }, { atLeast: 5, points: 6 }]),
        reports(4, 12), approved(3, 3), accepted(7, [3, 5]), resolved(7),
      ],
      bonus: [typicalExperience, commendation, majorCase],
    },
    station: {
      items: [
        staffing(6), equipment(4), workPlan(4), training(4, { kind: 'thresholds', steps: [{ atLeast: 1, points: 2 }, { atLeast: 2, points: 4 }] }),
        publicity(6, 4), login(10), filing(16), patrol(16), overdue(6, 1), clues(10), reports(4, 6), approved(2, 2), accepted(6, [3, 5]), resolved(6),
      ],
      bonus: [typicalExperience, commendation],
    },
  },
});

/** Every version of the default scheme, oldest first; append a new version, never edit one. */
export const DEFAULT_SCHEMES: readonly AssessmentScheme[] = freezeScheme([DEFAULT_SCHEME_2026]);
