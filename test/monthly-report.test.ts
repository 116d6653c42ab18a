/**
 * Monthly statistical reports (月度统计报表, issue 7) on a small demo province with a month of supervision
 * work, a year of office work, and findings and cases written directly for this month, the previous month
 * and the same month last year. The report of a city: every figure of the month column equals an
 * independent SQL count over the raw tables (not compute.ts), the total is the children plus the unit's
 * own row, the year to date sums the months, the change against last year is right; the XLSX opens with
 * merged headers and the same numbers, the HTML holds inline SVG charts; regeneration gives the same
 * SHA-256; a county user cannot list or download another county's report; bad months are refused.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, refreshMetrics, monthWindow } from '../analytics/metrics';
import { buildMonthlyTable, generateMonthlyReports, renderHtml, renderXlsx, type ReportRow, type ReportTable } from '../analytics/report';
import { RULES } from '../kernel/rules';
import { sha256Hex } from '../kernel/blob-store';
import { chinaDay, workingDaysIn } from '../services/calendar/working-days';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoWork } from '../demo/load-demo-work';
import { runAsSystem } from '../services/system-actor';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const { sql, refused } = workflowChecks(() => p, 'monthly report test', ['monthly_report']);
const evidenceDir = `/tmp/hongdun-report-${process.pid}`;

const MONTH = chinaDay().slice(0, 7);
const shift = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};
const PREVIOUS = shift(MONTH, -1);
const LAST_YEAR = shift(MONTH, -12);
const YEAR_MONTHS = Array.from({ length: Number(MONTH.slice(5, 7)) }, (_, i) => `${MONTH.slice(0, 4)}-${String(i + 1).padStart(2, '0')}`);

const REPORT = `query($unitId: ID!, $month: String!) {
  monthlyReport(unitId: $unitId, month: $month) {
    id unitCode month dataDigest files { id format sha256 sizeBytes url generatedBy trigger }
    table { month columns { key nameZh unit aggregation } rows { kind code nameZh cells { month { numerator denominator value } ytd { value } change changePct } } total { kind cells { month { value } } } }
  }
}`;
const LIST = `query($month: String, $unitId: ID) { monthlyReports(month: $month, unitId: $unitId) { id unitCode month files { id format sha256 url } } }`;
const GENERATE = `mutation($month: String!, $unitId: ID!, $subtree: Boolean) {
  generateMonthlyReport(month: $month, unitId: $unitId, subtree: $subtree) { month units files ms queued report { id dataDigest files { id format sha256 sizeBytes url } } }
}`;

let admin: string;
let city: { id: number; code: string; path: string };
let table: ReportTable;
const timings: Record<string, unknown> = {};

const download = (url: string, token?: string) => fetch(`${p.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const asSystem = <T>(fn: () => Promise<T>) => runAsSystem('monthly report test', fn);

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 150, config: { patrolSchedules: false, evidenceDir } });
  let t = Date.now();
  await loadDemoWork(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20, complaintsPerThousandShops: 40 });
  await loadDemoOffice(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20 });
  timings.demoWork = Date.now() - t;
  // findings and cases written directly: this month, the previous month and the same month last year
  const shops = await sql<{ id: number; region_code: string }>(`select id, region_code from shop order by id limit 60`);
  for (const [month, every] of [[MONTH, 1], [PREVIOUS, 2], [LAST_YEAR, 3]] as const) {
    const w = monthWindow(month);
    const at = new Date(w.start.getTime() + 5 * 86400_000 + 3600_000);
    for (const [i, s] of shops.entries()) {
      if (i % every !== 0) continue;
      const rule = RULES[i % RULES.length];
      await sql(`insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis) values (?, ?, ?, ?, ?, 'test', '{}', '[]')`, [
        rule.id, rule.severity, s.id, s.region_code, at,
      ]);
      if (i % 4 === 0) {
        const [c] = await sql<{ id: number }>(
          `insert into legal_case (status, region_code, shop_id, title, facts, fine_amount, filed_at, created_by) values ('closed', ?, ?, 'test', 'test', ?, ?, 'test') returning id`,
          [s.region_code, s.id, `${1000 + i * 10}.50`, at],
        );
        for (const action of ['penalty_decided', 'closed']) {
          await sql(`insert into case_event (case_id, action, to_status, actor_name, actor_role, region_code, at) values (?, ?, 'closed', 'test', 'leader', ?, ?)`, [c.id, action, s.region_code, at]);
        }
      }
    }
  }
  admin = await p.login('sd-admin');
  await p.login('x370102-leader');
  t = Date.now();
  for (const month of [...new Set([LAST_YEAR, ...YEAR_MONTHS])]) await refreshMetrics(p.orm, month);
  timings.refresh = Date.now() - t;
  [city] = await sql<{ id: number; code: string; path: string }>(
    `select u.id, u.code, u.path from unit u join complaint c on c.region_code like u.code || '%' where u.level = 'city'
     group by u.id, u.code, u.path order by count(*) desc, u.code limit 1`,
  );
  t = Date.now();
  table = await asSystem(() => buildMonthlyTable(p.orm.em.fork(), city.id, MONTH));
  timings.cityTable = Date.now() - t;
}, 1_500_000);

afterAll(async () => {
  console.log(`monthly report timings (ms): ${JSON.stringify(timings)}`);
  await p?.shutdown();
});

const col = (key: string) => {
  const i = table.columns.findIndex((c) => c.key === key);
  expect(i, key).toBeGreaterThanOrEqual(0);
  return i;
};

/** Independent counts over the raw tables for a region-code prefix (bureaus) or unit path (unit-owned rows), in `month`. */
async function rawCounts(prefix: string, path: string, month: string): Promise<Record<string, { numerator: number; denominator?: number }>> {
  const w = monthWindow(month);
  const like = `${prefix}%`;
  const [c] = await sql<Record<string, string>>(
    `select
       (select count(*) from shop where region_code like ? and filing_status = 'filed' and filed_at < ? and maintenance_status <> 'not_in_jurisdiction') as shops_filed,
       (select count(*) from shop where region_code like ? and discovered_at < ? and (filing_status = 'unfiled' or filed_at >= ?) and maintenance_status <> 'not_in_jurisdiction') as shops_unfiled,
       (select count(*) from shop where region_code like ? and filed_at >= ? and filed_at < ?) as shops_filed_new,
       (select count(*) from patrol_task where region_code like ? and status <> 'cancelled' and due_on between ?::date and ?::date) as patrol_tasks_due,
       (select count(*) from patrol_task where region_code like ? and status = 'done' and due_on between ?::date and ?::date) as patrol_tasks_done,
       (select count(*) from patrol_task where region_code like ? and status <> 'cancelled' and due_on between ?::date and ?::date and due_on < ?::date
          and (done_at is null or (done_at at time zone 'Asia/Shanghai')::date > due_on)) as patrol_tasks_overdue,
       (select count(*) from shop s where s.region_code like ? and s.filing_status = 'filed' and s.filed_at < ? and s.maintenance_status <> 'not_in_jurisdiction'
          and exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= ? and r.patrolled_at < ?)) as patrolled,
       (select count(*) from finding where region_code like ? and observed_at >= ? and observed_at < ?) as findings,
       (select count(*) from finding where region_code like ? and severity = 'high' and observed_at >= ? and observed_at < ?) as findings_high,
       (select count(*) from clue where region_code like ? and created_at >= ? and created_at < ?) as clues_received,
       (select count(*) from clue where region_code like ? and deadline >= ? and deadline < ?) as clues_due,
       (select count(*) from clue where region_code like ? and deadline >= ? and deadline < ? and handled_at is not null and handled_at <= deadline) as clues_on_time,
       (select count(*) from legal_case where region_code like ? and filed_at >= ? and filed_at < ?) as cases_filed,
       (select count(distinct c.id) from legal_case c join case_event e on e.case_id = c.id where c.region_code like ? and e.action = 'closed' and e.at >= ? and e.at < ?) as cases_closed,
       (select coalesce(sum(c.fine_amount), 0) from legal_case c where c.region_code like ?
          and exists (select 1 from case_event e where e.case_id = c.id and e.action = 'penalty_decided' and e.at >= ? and e.at < ?)) as case_fines,
       (select count(*) from complaint where region_code like ? and received_at >= ? and received_at < ?) as complaints_received,
       (select count(*) from complaint where region_code like ? and received_at >= ? and received_at < ?
          and decided_at is not null and (decided_at at time zone 'Asia/Shanghai')::date <= acceptance_due_on) as complaints_on_time,
       (select count(*) from complaint where region_code like ? and resolved_at >= ? and resolved_at < ?) as complaints_resolved,
       (select count(distinct r.id) from info_report r join unit u on u.id = r.author_unit_id join info_report_event e on e.report_id = r.id
          where u.path like ? and e.action = 'submitted' and e.at >= ? and e.at < ?) as reports_submitted,
       (select count(*) from unit where path like ?) as units,
       (select count(*) from (select distinct e.unit_id, e.day from login_event e join unit u on u.id = e.unit_id where u.path like ? and e.day = any(?::date[])) x) as logged`,
    [
      like, w.end, like, w.end, w.end, like, w.start, w.end,
      like, w.first, w.last, like, w.first, w.last, like, w.first, w.last, w.today,
      like, w.end, w.start, w.end,
      like, w.start, w.end, like, w.start, w.end,
      like, w.start, w.end, like, w.start, w.end, like, w.start, w.end,
      like, w.start, w.end, like, w.start, w.end, like, w.start, w.end,
      like, w.start, w.end, like, w.start, w.end, like, w.start, w.end,
      `${path}%`, w.start, w.end, `${path}%`, `${path}%`, `{${workingDaysIn(w.first, w.asOf).join(',')}}`,
    ],
  );
  const n = (k: string) => Number(c[k]);
  const days = workingDaysIn(w.first, w.asOf).length;
  return {
    shops_filed: { numerator: n('shops_filed') },
    shops_filed_new: { numerator: n('shops_filed_new') },
    filing_coverage: { numerator: n('shops_filed'), denominator: n('shops_filed') + n('shops_unfiled') },
    patrol_tasks_due: { numerator: n('patrol_tasks_due') },
    patrol_tasks_done: { numerator: n('patrol_tasks_done') },
    patrol_tasks_overdue: { numerator: n('patrol_tasks_overdue') },
    patrol_coverage: { numerator: n('patrolled'), denominator: n('shops_filed') },
    findings: { numerator: n('findings') },
    findings_high: { numerator: n('findings_high') },
    clues_received: { numerator: n('clues_received') },
    clues_on_time: { numerator: n('clues_on_time'), denominator: n('clues_due') },
    cases_filed: { numerator: n('cases_filed') },
    cases_closed: { numerator: n('cases_closed') },
    case_fines: { numerator: n('case_fines') },
    complaints_received: { numerator: n('complaints_received') },
    complaints_on_time: { numerator: n('complaints_on_time'), denominator: n('complaints_received') },
    complaints_resolved: { numerator: n('complaints_resolved') },
    reports_submitted: { numerator: n('reports_submitted') },
    login_compliance: { numerator: n('logged'), denominator: n('units') * days },
  };
}

function expectRowMatches(row: ReportRow, raw: Record<string, { numerator: number; denominator?: number }>, which: 'month' | 'lastYear', label: string) {
  for (const c of table.columns) {
    const expected = raw[c.key];
    expect(expected, `${c.key} has an independent count`).toBeDefined();
    const cell = row.cells[col(c.key)][which];
    expect(cell.numerator, `${label} ${c.key} numerator`).toBeCloseTo(expected.numerator, 2);
    if (c.aggregation === 'rate') {
      expect(cell.denominator, `${label} ${c.key} denominator`).toBe(expected.denominator);
      expect(cell.value, `${label} ${c.key} value`).toEqual(expected.denominator ? expect.closeTo((100 * expected.numerator) / expected.denominator, 8) : null);
    } else {
      expect(cell.value, `${label} ${c.key} value`).toBeCloseTo(expected.numerator, 2);
    }
  }
}

describe('the table of a city', () => {
  it('has one row per county in code order, the city\'s own row, the total, and ~19 indicators in sections', async () => {
    const counties = await sql<{ id: number; code: string }>(`select id, code from unit where parent_id = ? order by code`, [city.id]);
    expect(counties.length).toBeGreaterThan(1);
    expect(table.rows.map((r) => [r.kind, r.code])).toEqual([...counties.map((c) => ['unit', c.code]), ['own', city.code]]);
    expect(table.total.kind).toBe('total');
    expect(table.columns.length).toBeGreaterThanOrEqual(15);
    expect(new Set(table.columns.map((c) => c.sectionKey))).toEqual(new Set(['register', 'patrols', 'findings', 'clues', 'cases', 'complaints', 'office']));
    expect(table.month).toBe(MONTH);
    expect(table.lastYearMonth).toBe(LAST_YEAR);
  });

  it('every figure of the month column of every county and of the total equals an independent count over the raw tables', async () => {
    let nonZero = 0;
    for (const row of table.rows.filter((r) => r.kind === 'unit')) {
      const [u] = await sql<{ path: string }>(`select path from unit where id = ?`, [row.unitId]);
      const raw = await rawCounts(row.code, u.path, MONTH);
      expectRowMatches(row, raw, 'month', row.code);
      nonZero += Object.values(raw).filter((v) => v.numerator > 0).length;
    }
    expect(nonZero).toBeGreaterThan(table.rows.length * 5);
    expectRowMatches(table.total, await rawCounts(city.code, city.path, MONTH), 'month', `${city.code} total`);
    // same month last year: the directly written findings and cases are there
    const last = await rawCounts(city.code, city.path, LAST_YEAR);
    expect(last.findings.numerator).toBeGreaterThan(0);
    expectRowMatches(table.total, last, 'lastYear', `${city.code} ${LAST_YEAR}`);
  });

  it('the total equals the children plus the own row (numerators and denominators apart), and the own row is the city\'s own rollup', async () => {
    const own = table.rows.find((r) => r.kind === 'own')!;
    const ownRollup = await sql<{ key: string; numerator: string; denominator: string | null }>(
      `select key, numerator::text, denominator::text from unit_metric_month where unit_id = ? and month = ?::date`,
      [city.id, `${MONTH}-01`],
    );
    for (const c of table.columns) {
      const i = col(c.key);
      for (const which of ['month', 'ytd', 'lastYear'] as const) {
        const sumNum = table.rows.reduce((s, r) => s + r.cells[i][which].numerator, 0);
        expect(table.total.cells[i][which].numerator, `${c.key} ${which}`).toBeCloseTo(sumNum, 2);
        if (c.aggregation === 'rate') {
          const sumDen = table.rows.reduce((s, r) => s + (r.cells[i][which].denominator ?? 0), 0);
          expect(table.total.cells[i][which].denominator, `${c.key} ${which} denominator`).toBeCloseTo(sumDen, 2);
        }
      }
      const mine = ownRollup.find((r) => r.key === c.key);
      expect(own.cells[i].month.numerator, `own ${c.key}`).toBeCloseTo(Number(mine?.numerator ?? 0), 2);
      if (c.aggregation === 'rate') expect(own.cells[i].month.denominator, `own ${c.key}`).toBeCloseTo(Number(mine?.denominator ?? 0), 2);
    }
  });

  it('the year to date sums the months of the year (flows), is the month (stocks), divides summed parts (rates), and counts each shop once (patrol coverage)', async () => {
    const months = await sql<{ key: string; month: string; numerator: string; denominator: string | null }>(
      `select m.key, to_char(m.month, 'YYYY-MM') as month, sum(m.numerator)::text as numerator, sum(m.denominator)::text as denominator
       from unit_metric_month m join unit u on u.id = m.unit_id where u.path like ? and m.month between ?::date and ?::date group by 1, 2`,
      [`${city.path}%`, `${YEAR_MONTHS[0]}-01`, `${MONTH}-01`],
    );
    let checked = 0;
    const distinct = METRICS.filter((m) => m.distinct).map((m) => m.key);
    for (const c of table.columns) {
      const cell = table.total.cells[col(c.key)];
      if (distinct.includes(c.key)) {
        // filed shops at the month's end with a patrol record since 1 January, each once — not the months summed
        expect(c.key).toBe('patrol_coverage');
        const end = monthWindow(MONTH).end;
        const [y] = await sql<{ filed: number; patrolled: number }>(
          `select count(*)::int as filed, count(*) filter (where exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= ? and r.patrolled_at < ?))::int as patrolled
           from shop s where s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and s.filed_at < ? and s.region_code like ?`,
          [monthWindow(YEAR_MONTHS[0]).start, end, end, `${city.code}%`],
        );
        expect(y.patrolled).toBeGreaterThan(0);
        expect({ numerator: cell.ytd.numerator, denominator: cell.ytd.denominator }, 'patrol_coverage ytd').toEqual({ numerator: y.patrolled, denominator: y.filed });
        expect(cell.ytd.value!).toBeGreaterThanOrEqual(cell.month.value! - 1e-9);
        continue;
      }
      const parts = months.filter((m) => m.key === c.key && (c.time === 'flow' || m.month === MONTH));
      const num = parts.reduce((s, m) => s + Number(m.numerator), 0);
      expect(cell.ytd.numerator, `${c.key} ytd`).toBeCloseTo(num, 2);
      if (c.aggregation === 'rate') {
        const den = parts.reduce((s, m) => s + Number(m.denominator ?? 0), 0);
        expect(cell.ytd.denominator, `${c.key} ytd denominator`).toBeCloseTo(den, 2);
        expect(cell.ytd.value).toEqual(den > 0 ? expect.closeTo((100 * num) / den, 8) : null);
      }
      if (c.time === 'flow' && cell.ytd.numerator > cell.month.numerator) checked += 1;
    }
    // the previous month holds findings and cases written directly: its figures are in the year to date
    if (PREVIOUS.slice(0, 4) === MONTH.slice(0, 4)) {
      expect(checked).toBeGreaterThanOrEqual(2);
      const prev = await rawCounts(city.code, city.path, PREVIOUS);
      const now = await rawCounts(city.code, city.path, MONTH);
      expect(table.total.cells[col('cases_filed')].ytd.value).toBeGreaterThanOrEqual(prev.cases_filed.numerator + now.cases_filed.numerator);
    }
  });

  it('the change against the same month last year: a difference and percent for counts (— without last year), percentage points for rates', () => {
    for (const row of [...table.rows, table.total]) {
      for (const c of table.columns) {
        const cell = row.cells[col(c.key)];
        if (c.aggregation === 'rate') {
          expect(cell.changePct).toBeNull();
          expect(cell.change).toEqual(cell.month.value == null || cell.lastYear.value == null ? null : expect.closeTo(cell.month.value - cell.lastYear.value, 8));
        } else {
          expect(cell.change).toBeCloseTo(cell.month.value! - cell.lastYear.value!, 2);
          expect(cell.changePct).toEqual(cell.lastYear.value ? expect.closeTo((100 * (cell.month.value! - cell.lastYear.value)) / cell.lastYear.value, 6) : null);
        }
      }
    }
    const findings = table.total.cells[col('findings')];
    expect(findings.lastYear.value).toBeGreaterThan(0);
    expect(findings.changePct).not.toBeNull();
  });

  it('a station\'s table is one row; the province table is built in a few reads', async () => {
    const [station] = await sql<{ id: number; code: string }>(`select id, code from unit where level = 'station' and path like ? order by code limit 1`, [`${city.path}%`]);
    const one = await asSystem(() => buildMonthlyTable(p.orm.em.fork(), station.id, MONTH));
    expect(one.rows.map((r) => [r.kind, r.code])).toEqual([['unit', station.code]]);
    expect(one.rows[0].cells).toEqual(one.total.cells);
    const [province] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    // twice: the second without the first read's warm-up
    await asSystem(() => buildMonthlyTable(p.orm.em.fork(), province.id, MONTH));
    const t = Date.now();
    const whole = await asSystem(() => buildMonthlyTable(p.orm.em.fork(), province.id, MONTH));
    timings.provinceTable = Date.now() - t;
    expect(whole.rows.filter((r) => r.kind === 'unit')).toHaveLength(16);
  });
});

describe('the files', () => {
  it('XLSX: the title, merged two-level header over each indicator\'s three sub-columns, and the table\'s numbers', async () => {
    const bytes = await renderXlsx(table);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(String(ws.getCell('A1').value)).toBe('《网络市场监管月度统计报表》');
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toContain('A3:A5');
    expect(merges).toContain('B4:D4');
    expect(String(ws.getCell('B4').value)).toMatch(/^已建档网店数（户）$/);
    expect(ws.getCell('C4').isMerged).toBe(true);
    expect(['B5', 'C5', 'D5'].map((a) => String(ws.getCell(a).value))).toEqual(['本月', '本年累计', '同比（%）']);
    expect(String(ws.getCell('B3').value)).toBe('建档维护');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 5 });
    // body rows: counties, own, total; same numbers as the table
    const body = [...table.rows, table.total];
    body.forEach((row, r) => {
      const out = ws.getRow(6 + r);
      expect(String(out.getCell(1).value)).toBe(row.kind === 'total' ? '合计' : row.nameZh);
      table.columns.forEach((c, i) => {
        const cell = row.cells[i];
        expect(out.getCell(2 + i * 3).value, `${row.code} ${c.key}`).toEqual(cell.month.value ?? '—');
        expect(out.getCell(3 + i * 3).value, `${row.code} ${c.key} ytd`).toEqual(cell.ytd.value ?? '—');
        expect(out.getCell(4 + i * 3).value, `${row.code} ${c.key} change`).toEqual((c.aggregation === 'rate' ? cell.change : cell.changePct) ?? '—');
      });
    });
    const footer = ws.getRow(6 + body.length + 1).getCell(1).value;
    expect(String(footer)).toMatch(/^填报单位：/);
    expect(String(ws.getRow(6 + body.length + 2).getCell(1).value)).toMatch(/^统计口径：/);
  });

  it('XLSX and HTML are byte-identical when rendered again from the same table (seconds later)', async () => {
    const a = await renderXlsx(table);
    const h = renderHtml(table);
    await new Promise((r) => setTimeout(r, 2100)); // zip entry times have a 2-second resolution
    expect(sha256Hex(await renderXlsx(table))).toBe(sha256Hex(a));
    expect(renderHtml(table)).toBe(h);
  });

  it('HTML: zh-CN, the table with merged headers, three inline SVG charts, no script; English on request', () => {
    const html = renderHtml(table);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html).toContain('《网络市场监管月度统计报表》');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('<th colspan="3" scope="colgroup" data-key="shops_filed">已建档网店数（户）</th>');
    for (const row of table.rows) expect(html).toContain(`<th scope="row">${row.nameZh}</th>`);
    const en = renderHtml(table, { lang: 'en' });
    expect(en).toMatch(/<html lang="en">/);
    expect(en).toContain('Shops filed');
    expect(en).not.toContain('本年累计');
  });
});

describe('stored reports over GraphQL and HTTP', () => {
  let first: { dataDigest: string; files: { id: string; format: string; sha256: string; url: string }[] };

  it('generates a city\'s reports with its subtree, serves the stored table and files, and regenerates them identically', async () => {
    const t = Date.now();
    const gen = ok(await p.gql(GENERATE, { month: MONTH, unitId: String(city.id), subtree: true }, admin)).generateMonthlyReport;
    timings.citySubtreeGenerate = { ms: Date.now() - t, units: gen.units, files: gen.files };
    const [units] = await sql<{ n: number }>(`select count(*)::int as n from unit where path like ?`, [`${city.path}%`]);
    expect(gen.units).toBe(units.n);
    first = gen.report;
    expect(first.files.map((f) => f.format).sort()).toEqual(expect.arrayContaining(['HTML', 'JSON', 'XLSX']));
    expect(gen.queued).toBe(false);
    const data = ok(await p.gql(REPORT, { unitId: String(city.id), month: MONTH }, admin)).monthlyReport;
    expect(data.table.rows.map((r: { code: string }) => r.code)).toEqual(table.rows.map((r) => r.code));
    expect(data.table.total.cells.map((c: { month: { value: number | null } }) => c.month.value)).toEqual(table.total.cells.map((c) => c.month.value));
    expect(data.files.every((f: { generatedBy: string; trigger: string }) => f.generatedBy === 'sd-admin' && f.trigger === 'api')).toBe(true);

    const xlsx = first.files.find((f) => f.format === 'XLSX')!;
    const res = await download(xlsx.url, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256Hex(bytes)).toBe(xlsx.sha256);
    const html = first.files.find((f) => f.format === 'HTML')!;
    const page = await (await download(html.url, admin)).text();
    expect(page.match(/<svg /g)).toHaveLength(3);
    expect((await download(xlsx.url)).status).toBe(401);
    expect((await download(xlsx.url.replace('.xlsx', '.pdf'), admin)).status).toBe(404);

    await new Promise((r) => setTimeout(r, 2100));
    const again = ok(await p.gql(GENERATE, { month: MONTH, unitId: String(city.id) }, admin)).generateMonthlyReport;
    expect(again.units).toBe(1);
    const shaOf = (r: typeof first, format: string) => r.files.find((f) => f.format === format)?.sha256;
    for (const format of ['XLSX', 'HTML', 'JSON']) expect(shaOf(again.report, format), format).toBe(shaOf(first, format));
    expect(again.report.dataDigest).toBe(first.dataDigest);
    // the row is replaced, not duplicated
    const [rows] = await sql<{ n: number }>(`select count(*)::int as n from monthly_report where unit_id = ? and month = ?::date`, [city.id, `${MONTH}-01`]);
    expect(rows.n).toBe(again.report.files.length);
  });

  it('a changed figure changes the digest and the files', async () => {
    // one rollup row of a unit below the city (complaints are counted for the stations)
    const [target] = await sql<{ unit_id: number }>(
      `select m.unit_id from unit_metric_month m join unit u on u.id = m.unit_id where u.path like ? and u.id <> ? and m.month = ?::date and m.key = 'complaints_received' order by m.unit_id limit 1`,
      [`${city.path}%`, city.id, `${MONTH}-01`],
    );
    expect(target).toBeDefined();
    const county = { id: target.unit_id };
    await sql(`update unit_metric_month set numerator = numerator + 1 where unit_id = ? and month = ?::date and key = 'complaints_received'`, [county.id, `${MONTH}-01`]);
    try {
      const changed = ok(await p.gql(GENERATE, { month: MONTH, unitId: String(city.id) }, admin)).generateMonthlyReport;
      expect(changed.report.dataDigest).not.toBe(first.dataDigest);
      expect(changed.report.files.find((f: { format: string }) => f.format === 'XLSX').sha256).not.toBe(first.files.find((f) => f.format === 'XLSX')!.sha256);
    } finally {
      await sql(`update unit_metric_month set numerator = numerator - 1 where unit_id = ? and month = ?::date and key = 'complaints_received'`, [county.id, `${MONTH}-01`]);
      ok(await p.gql(GENERATE, { month: MONTH, unitId: String(city.id) }, admin));
    }
  });

  it('a county user lists and downloads its own county\'s reports but not another county\'s (absent / 404)', async () => {
    const token = await p.login('x370102-leader');
    const [own, other] = await sql<{ id: number; code: string; path: string }>(`select id, code, path from unit where code in ('370102', '370103') order by code`);
    const admins = ok(await p.gql(REPORT, { unitId: String(other.id), month: MONTH }, admin)).monthlyReport;
    if (!admins) ok(await p.gql(GENERATE, { month: MONTH, unitId: String(other.id) }, admin));
    if (!ok(await p.gql(REPORT, { unitId: String(own.id), month: MONTH }, admin)).monthlyReport) ok(await p.gql(GENERATE, { month: MONTH, unitId: String(own.id), subtree: true }, admin));
    const otherReport = ok(await p.gql(REPORT, { unitId: String(other.id), month: MONTH }, admin)).monthlyReport;

    const mine = ok(await p.gql(LIST, { month: MONTH }, token)).monthlyReports as { unitCode: string; files: { url: string }[] }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.unitCode === '370102' || r.unitCode.startsWith('370102-'))).toBe(true);
    expect(mine.some((r) => r.unitCode === '370102')).toBe(true);
    const all = ok(await p.gql(LIST, { month: MONTH, unitId: '' + (await sql<{ id: number }>(`select id from unit where level = 'province'`))[0].id }, admin)).monthlyReports;
    expect(all.some((r: { unitCode: string }) => r.unitCode === '370103')).toBe(true);

    expect(codes(await p.gql(REPORT, { unitId: String(other.id), month: MONTH }, token))).toEqual(['NOT_FOUND']);
    expect(codes(await p.gql(LIST, { month: MONTH, unitId: String(other.id) }, token))).toEqual(['NOT_FOUND']);
    for (const f of otherReport.files as { url: string }[]) expect((await download(f.url, token)).status, f.url).toBe(404);
    const ownXlsx = mine.find((r) => r.unitCode === '370102')!.files.find((f) => f.url.endsWith('.xlsx'))!;
    expect((await download(ownXlsx.url, token)).status).toBe(200);
    // a station inspector may read its station's report only
    const inspector = await p.login('370102-s01-inspector');
    const stationList = ok(await p.gql(LIST, { month: MONTH }, inspector)).monthlyReports as { unitCode: string }[];
    expect(stationList.map((r) => r.unitCode)).toEqual(['370102-S01']);
    expect((await download(ownXlsx.url, inspector)).status).toBe(404);
    // generating for another county is NOT_FOUND and writes nothing
    await refused('NOT_FOUND', () => p.gql(GENERATE, { month: MONTH, unitId: String(other.id) }, token));
    await refused('FORBIDDEN', () => p.gql(GENERATE, { month: MONTH, unitId: String(own.id) }, inspector));
  });

  it('refuses bad and future months with a clear error, writing nothing', async () => {
    await refused('BAD_USER_INPUT', () => p.gql(GENERATE, { month: '2026-13', unitId: String(city.id) }, admin), /^month: "2026-13" is not a month \(YYYY-MM\)/);
    await refused('BAD_USER_INPUT', () => p.gql(GENERATE, { month: shift(MONTH, 1), unitId: String(city.id) }, admin), /^month: .* lies in the future/);
    await refused('BAD_USER_INPUT', () => p.gql(GENERATE, { month: '1999-12', unitId: String(city.id) }, admin), /^month: 1999-12 lies before/);
    expect(codes(await p.gql(LIST, { month: '2026-1' }, admin))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await p.gql(REPORT, { unitId: String(city.id), month: 'next' }, admin))).toEqual(['BAD_USER_INPUT']);
    await expect(asSystem(() => buildMonthlyTable(p.orm.em.fork(), city.id, '2026-00'))).rejects.toThrow(/^month: "2026-00" is not a month/);
    expect(ok(await p.gql(REPORT, { unitId: String(city.id), month: LAST_YEAR }, admin)).monthlyReport).toBeNull();
  });
});

describe('the monthly job', () => {
  it('generates every unit of the province (timed), PDFs only for the province and cities where Chromium is present', async () => {
    const t = Date.now();
    const result = await asSystem(() => generateMonthlyReports(p.orm.em.fork(), { month: PREVIOUS, evidenceDir, trigger: 'schedule', pdf: 'none' }));
    timings.provinceGenerate = { ms: Date.now() - t, units: result.units, files: result.files, ...result.timings };
    const [units] = await sql<{ n: number }>(`select count(*)::int as n from unit`);
    expect(result.units).toBe(units.n);
    const [rows] = await sql<{ n: number; units: number }>(`select count(*)::int as n, count(distinct unit_id)::int as units from monthly_report where month = ?::date`, [`${PREVIOUS}-01`]);
    expect(rows).toEqual({ n: units.n * 3, units: units.n });
  }, 600_000);
});
