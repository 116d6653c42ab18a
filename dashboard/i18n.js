// @ts-check
/**
 * Every label of the dashboard in zh-CN (default) and English. Indicator names come from the API's
 * catalog (nameZh / nameEn), unit names from the units themselves; only the app's own words live here.
 */

/** @typedef {'zh' | 'en'} Lang */

export const DICTIONARY = {
  zh: {
    title: '红盾 · 网络交易监管驾驶舱',
    login: '登录',
    logout: '退出',
    username: '用户名',
    password: '密码',
    loginFailed: '登录失败',
    overview: '总览',
    work: '工作',
    from: '起始月份',
    to: '截止月份',
    indicator: '指标',
    apply: '查询',
    loading: '加载中…',
    empty: '所选期间暂无数据',
    error: '出错了',
    notFound: '无权查看或不存在该单位，已返回本单位。',
    sessionExpired: '登录已过期，请重新登录。',
    previous: '较上期',
    noPrevious: '上期无数据',
    exportPng: '导出图片',
    exportCsv: '导出数据',
    mapTitle: '各地区',
    stationsTitle: '各市场监管所',
    childrenTitle: '下级单位',
    table: '明细',
    unit: '单位',
    code: '代码',
    value: '数值',
    numerator: '分子',
    denominator: '分母',
    noMap: '无地图边界的单位（开发区等）',
    back: '返回上级',
    home: '本单位',
    language: 'English',
    viewer: '当前用户',
    noChildren: '本单位无下级单位。',
    workTitle: '工作情况（各下级单位）',
    period: '期间',
    tileShops: '已建档网店',
    tileFindings: '监测发现问题',
    tileClues: '逾期线索',
    tileCases: '立案',
    tileComplaints: '受理投诉举报',
    tilePatrol: '巡查覆盖率',
    rangeInvalid: '截止月份不能早于起始月份',
  },
  en: {
    title: 'Hongdun · Online-market supervision dashboard',
    login: 'Log in',
    logout: 'Log out',
    username: 'Username',
    password: 'Password',
    loginFailed: 'Login failed',
    overview: 'Overview',
    work: 'Work',
    from: 'From month',
    to: 'To month',
    indicator: 'Indicator',
    apply: 'Show',
    loading: 'Loading…',
    empty: 'No data for the chosen period',
    error: 'Something went wrong',
    notFound: 'This unit does not exist or lies outside your jurisdiction; showing your own unit.',
    sessionExpired: 'Your session has expired; please log in again.',
    previous: 'vs previous period',
    noPrevious: 'no data in the previous period',
    exportPng: 'PNG',
    exportCsv: 'CSV',
    mapTitle: 'By region',
    stationsTitle: 'By station',
    childrenTitle: 'Units below',
    table: 'Table',
    unit: 'Unit',
    code: 'Code',
    value: 'Value',
    numerator: 'Numerator',
    denominator: 'Denominator',
    noMap: 'Units without a map boundary (development zones etc.)',
    back: 'Up one level',
    home: 'My unit',
    language: '中文',
    viewer: 'Signed in as',
    noChildren: 'This unit has no units below it.',
    workTitle: 'Work (per unit below)',
    period: 'Period',
    tileShops: 'Shops filed',
    tileFindings: 'Findings',
    tileClues: 'Overdue clues',
    tileCases: 'Cases filed',
    tileComplaints: 'Complaints received',
    tilePatrol: 'Patrol coverage',
    rangeInvalid: 'The last month lies before the first',
  },
};

/** @typedef {keyof typeof DICTIONARY.zh} Label */

const LANG_KEY = 'hongdun.dashboard.lang';

/** The chosen language (zh-CN unless English was chosen on this browser). @returns {Lang} */
export function currentLang() {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

/** @param {Lang} lang */
export function setLang(lang) {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The label in the current language. @param {Label} key @returns {string} */
export function t(key) {
  return DICTIONARY[currentLang()][key] ?? key;
}

/** An indicator's name in the current language. @param {{nameZh: string, nameEn: string}} def */
export function metricName(def) {
  return currentLang() === 'zh' ? def.nameZh : def.nameEn;
}
