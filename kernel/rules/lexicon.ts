/**
 * The lexicon the rules read (through `RuleContext`, never as module constants, since it will become
 * editable): absolute advertising terms and their lawful exceptions, urgency phrases, regulated categories
 * with the permit each needs, and prohibited / restricted goods.
 *
 * Category patterns are paths (`食品/酒类`); a listing's category matches a pattern when its path starts
 * with it, and the deepest matching pattern decides (so `食品/生鲜` can exempt what `食品` would require).
 */

/** A lawful use of text that contains an absolute term (品牌/商标, 使用说明, 等级名称, 可证实的事实). */
export interface TermException {
  text: string;
  kind: 'brand' | 'usage' | 'grade' | 'fact' | 'other';
  why: string;
}

/** A category group that needs a permit to be sold online. */
export interface RegulatedCategory {
  /** stable key, e.g. `drug`, `medical-device` */
  key: string;
  nameZh: string;
  /** category path prefixes that need the permit */
  categories: string[];
  /** category path prefixes exempt from it (deeper than `categories`, e.g. 第一类医疗器械) */
  exemptCategories: string[];
  /** any of these permit / filing names, when shown, satisfies the requirement */
  permits: string[];
  /** the legal basis, as text for the hit's detail */
  lawZh: string;
}

/** A prohibited (禁售) or restricted (限售: needs a permit) item, matched in title, description and category. */
export interface GoodsEntry {
  keyword: string;
  kind: 'prohibited' | 'restricted';
  /** the kind of goods, for the detail (管制器具, 野生动物制品 …) */
  groupZh: string;
  /** restricted: any of these permits, when the shop is known to show it, allows the item */
  permits?: string[];
}

export interface Lexicon {
  /** 广告法 第九条第三项: absolute terms (最佳, 最高级, 国家级 …) */
  absoluteTerms: string[];
  /** text containing an absolute term that is not an absolute claim */
  absoluteExceptions: TermException[];
  /** "today only" style claims checked against yesterday's price */
  urgencyPhrases: string[];
  food: {
    /** categories of food that needs a 食品经营许可证 (食品安全法 第三十五条) */
    licensedCategories: string[];
    /** 食用农产品 categories, exempt from the licence */
    exemptCategories: string[];
    /** the licence (and filing) names that satisfy the requirement when listed in `ShopFacts.permits` */
    permits: string[];
  };
  /** drugs, medical devices …: categories and the permit each needs */
  regulated: RegulatedCategory[];
  prohibited: {
    goods: GoodsEntry[];
    /** category path prefixes whose listings are prohibited outright */
    categories: { category: string; groupZh: string }[];
    /** lawful text containing a keyword (仿真花, 象牙白, 非处方药 …) */
    exceptions: TermException[];
  };
}

export const DEFAULT_LEXICON: Lexicon = {
  absoluteTerms: [
    '最佳', '最优', '最优秀', '最高级', '最高档', '最高', '最好', '最低价', '最便宜', '最先进', '最强',
    '全网最低', '全网最低价', '全网第一', '全国第一', '全球第一', '销量第一', '排名第一', '第一品牌', '第一',
    '国家级', '世界级', '全球级', '宇宙级', '顶级', '顶尖', '唯一', '首个', '首家', '首选',
    '极品', '史上最', '史无前例', '万能', '独一无二', '绝无仅有', '无敌',
  ],
  absoluteExceptions: [
    // brands and trademarks (字号/商标)
    { text: '第一坊', kind: 'brand', why: '品牌名（字号）中含“第一”' },
    { text: '天下第一楼', kind: 'brand', why: '老字号企业字号' },
    { text: '第一百货', kind: 'brand', why: '商场字号' },
    // usage tips, order and time
    { text: '第一次', kind: 'usage', why: '使用顺序说明' },
    { text: '第一步', kind: 'usage', why: '使用步骤说明' },
    { text: '第一天', kind: 'usage', why: '时间顺序' },
    { text: '第一件', kind: 'usage', why: '促销件数（第一件原价、第二件半价）' },
    { text: '第一层', kind: 'usage', why: '结构描述' },
    { text: '第一代', kind: 'usage', why: '产品代际' },
    { text: '第一季', kind: 'usage', why: '季节/批次' },
    { text: '第一批', kind: 'usage', why: '批次' },
    { text: '最高可减', kind: 'usage', why: '促销优惠上限，不是对商品的评价' },
    { text: '最高减', kind: 'usage', why: '促销优惠上限' },
    { text: '最高立减', kind: 'usage', why: '促销优惠上限' },
    { text: '最高返', kind: 'usage', why: '促销优惠上限' },
    { text: '最高温度', kind: 'usage', why: '技术参数' },
    { text: '最高转速', kind: 'usage', why: '技术参数' },
    { text: '最大功率', kind: 'usage', why: '技术参数' },
    { text: '最大容量', kind: 'usage', why: '技术参数' },
    { text: '最大承重', kind: 'usage', why: '技术参数' },
    { text: '最好在', kind: 'usage', why: '使用建议（最好在阴凉处保存）' },
    { text: '最佳赏味期', kind: 'usage', why: '食品标签中的赏味期限' },
    { text: '最佳食用期', kind: 'usage', why: '食品标签中的食用期限' },
    { text: '最佳使用期', kind: 'usage', why: '使用期限' },
    { text: '独家代理', kind: 'fact', why: '可证实的经营事实（代理合同）' },
    // grade names from standards (GB/T …)
    { text: '一级', kind: 'grade', why: '国家标准中的产品等级' },
    { text: '特级', kind: 'grade', why: '国家标准中的产品等级' },
    { text: '优级', kind: 'grade', why: '国家标准中的产品等级' },
    { text: '一等品', kind: 'grade', why: '国家标准中的质量等级' },
    { text: '一级能效', kind: 'grade', why: '能效等级标识' },
    // provable facts
    { text: '国家级非物质文化遗产', kind: 'fact', why: '可查证的非遗名录事实' },
  ],
  urgencyPhrases: [
    '仅限今日', '仅限今天', '仅此一天', '只限今天', '只限今日', '今日特价', '今天特价', '今日限定', '今日专享', '限时今天', '限今日',
    '明日涨价', '明天涨价', '明日恢复原价', '明天恢复原价', '明日恢复', '明天恢复', '过了今天', '错过今天',
  ],
  food: {
    licensedCategories: ['食品', '酒类', '酒水', '茶叶', '保健食品', '粮油调味', '休闲零食', '乳品', '饮料', '冲调', '方便食品', '婴幼儿配方食品'],
    exemptCategories: ['生鲜', '食用农产品', '水果', '蔬菜', '禽蛋', '水产', '食品/生鲜', '食品/水果', '食品/蔬菜', '食品/食用农产品'],
    permits: ['食品经营许可证', '仅销售预包装食品备案'],
  },
  regulated: [
    {
      key: 'drug',
      nameZh: '药品',
      categories: ['药品', '医药', '处方药', '非处方药', 'OTC', '中西药品'],
      exemptCategories: [],
      permits: ['药品经营许可证'],
      lawZh: '药品网络销售监督管理办法 第八条',
    },
    {
      key: 'medical-device',
      nameZh: '医疗器械',
      categories: ['医疗器械'],
      exemptCategories: ['医疗器械/第一类', '医疗器械/一类', '医疗器械/第一类医疗器械'],
      permits: ['医疗器械经营许可证', '第二类医疗器械经营备案', '医疗器械网络销售备案'],
      lawZh: '医疗器械网络销售监督管理办法 第七条',
    },
  ],
  prohibited: {
    goods: [
      { keyword: '管制刀具', kind: 'prohibited', groupZh: '管制器具' },
      { keyword: '弹簧刀', kind: 'prohibited', groupZh: '管制器具' },
      { keyword: '三棱刮刀', kind: 'prohibited', groupZh: '管制器具' },
      { keyword: '甩棍', kind: 'prohibited', groupZh: '管制器具' },
      { keyword: '电击器', kind: 'prohibited', groupZh: '管制器具' },
      { keyword: '弓弩', kind: 'prohibited', groupZh: '管制器具' },
      { keyword: '仿真枪', kind: 'prohibited', groupZh: '枪支弹药' },
      { keyword: '气枪', kind: 'prohibited', groupZh: '枪支弹药' },
      { keyword: '枪支', kind: 'prohibited', groupZh: '枪支弹药' },
      { keyword: '子弹', kind: 'prohibited', groupZh: '枪支弹药' },
      { keyword: '雷管', kind: 'prohibited', groupZh: '爆炸物' },
      { keyword: '炸药', kind: 'prohibited', groupZh: '爆炸物' },
      { keyword: '象牙制品', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '象牙', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '犀牛角', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '穿山甲', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '虎骨', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '熊胆', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '玳瑁', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '野生动物制品', kind: 'prohibited', groupZh: '野生动物制品' },
      { keyword: '冰毒', kind: 'prohibited', groupZh: '毒品' },
      { keyword: '大麻', kind: 'prohibited', groupZh: '毒品' },
      { keyword: '迷药', kind: 'prohibited', groupZh: '违禁药物' },
      { keyword: '窃听器', kind: 'prohibited', groupZh: '专用间谍器材' },
      { keyword: '针孔摄像头', kind: 'prohibited', groupZh: '专用间谍器材' },
      { keyword: '信号屏蔽器', kind: 'prohibited', groupZh: '无线电管制设备' },
      { keyword: '代开发票', kind: 'prohibited', groupZh: '非法服务' },
      { keyword: '假币', kind: 'prohibited', groupZh: '伪造货币' },
      { keyword: '处方药', kind: 'restricted', groupZh: '处方药', permits: ['药品经营许可证'] },
    ],
    categories: [
      { category: '管制器具', groupZh: '管制器具' },
      { category: '枪支弹药', groupZh: '枪支弹药' },
      { category: '野生动物制品', groupZh: '野生动物制品' },
    ],
    exceptions: [
      { text: '象牙白', kind: 'other', why: '颜色名' },
      { text: '象牙色', kind: 'other', why: '颜色名' },
      { text: '象牙果', kind: 'other', why: '植物材料（象牙果/塔古亚果）' },
      { text: '仿象牙', kind: 'other', why: '仿制材料，不含野生动物成分' },
      { text: '非处方药', kind: 'other', why: 'OTC 药品，不属于处方药' },
      { text: '大麻籽油', kind: 'other', why: '工业大麻籽制品（食用油）' },
      { text: '大麻布', kind: 'other', why: '麻纺织品' },
      { text: '水枪', kind: 'other', why: '儿童玩具' },
      { text: '泡泡枪', kind: 'other', why: '儿童玩具' },
      { text: '子弹头', kind: 'other', why: '外形描述（子弹头列车、子弹头造型）' },
      { text: '子弹杯', kind: 'other', why: '杯型名称' },
      { text: '子弹咖啡', kind: 'other', why: '饮品名称' },
    ],
  },
};
