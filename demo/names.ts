/**
 * Word lists for the demo province: people's names, business name parts, industries, roads and
 * platforms. Plain data plus a few small generators over a seeded `Random`; nothing here touches the
 * database. Pinyin initials are stored beside the words that end up in domain names.
 */
import { Random, WeightedPicker } from './random';

// ---------------------------------------------------------------------------------------------
// People

/**
 * Common surnames with a rough frequency weight (national figures, nudged towards Shandong where 孙,
 * 于, 孔, 姜, 曲, 邢 are more common than elsewhere).
 */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 90], ['李', 75], ['张', 85], ['刘', 60], ['陈', 30], ['杨', 28], ['赵', 25], ['黄', 12],
  ['周', 15], ['吴', 12], ['徐', 16], ['孙', 22], ['马', 14], ['朱', 11], ['胡', 9], ['郭', 13],
  ['何', 7], ['高', 16], ['林', 8], ['罗', 5], ['宋', 11], ['郑', 8], ['梁', 7], ['谢', 5],
  ['韩', 10], ['唐', 5], ['冯', 7], ['于', 14], ['董', 9], ['程', 5], ['曹', 7], ['袁', 4],
  ['邓', 4], ['许', 7], ['傅', 3], ['沈', 3], ['曾', 2], ['彭', 4], ['吕', 7], ['苏', 5],
  ['卢', 4], ['蒋', 4], ['蔡', 4], ['贾', 6], ['丁', 7], ['魏', 7], ['薛', 5], ['叶', 3],
  ['阎', 3], ['潘', 3], ['杜', 6], ['戴', 3], ['夏', 3], ['钟', 2], ['田', 7], ['任', 6],
  ['姜', 9], ['范', 4], ['方', 3], ['石', 5], ['姚', 4], ['谭', 2], ['廖', 1], ['邹', 3],
  ['孔', 6], ['曲', 4], ['邢', 4], ['崔', 7], ['毛', 3], ['邱', 3], ['秦', 4], ['江', 2],
  ['史', 4], ['侯', 4], ['邵', 3], ['孟', 6], ['龙', 1], ['万', 2], ['段', 3], ['尹', 3],
  ['牛', 4], ['房', 3], ['颜', 3], ['鞠', 2], ['栾', 2], ['隋', 2], ['宫', 2], ['綦', 1],
];

const MALE_GIVEN = [...'伟强磊军勇涛明超杰鹏斌刚波辉峰浩建国华平东亮志海文俊凯宇航博昊然泽轩瑞晨阳鑫成龙飞庆林坤山春振兴永德福立新广彬健宁锋凡毅嘉诚'];
const FEMALE_GIVEN = [...'芳娜敏静丽艳娟霞燕玲婷雪慧颖倩琳洁晶萍红梅莉丹璐欣怡佳悦彤萱琪雯璇秀英兰凤蕾薇晓玉春荣洋菲冉楠宁曼琦'];

const surnamePicker = WeightedPicker.of(SURNAMES);

/** A surname drawn by frequency. */
export function surname(random: Random): string {
  return surnamePicker.pick(random);
}

/** A realistic Chinese personal name: a common surname and a one- or two-character given name. */
export function personName(random: Random, family = surname(random)): string {
  const pool = random.chance(0.5) ? MALE_GIVEN : FEMALE_GIVEN;
  const first = random.pick(pool);
  if (random.chance(0.3)) return family + first;
  let second = random.pick(pool);
  if (second === first && random.chance(0.7)) second = random.pick(pool);
  return family + first + second;
}

// ---------------------------------------------------------------------------------------------
// Business names

/** A word with the pinyin initials used when it becomes part of a domain name. */
export interface Word {
  zh: string;
  py: string;
}

const w = (zh: string, py: string): Word => ({ zh, py });

/** Trade names (字号) that could belong to any business. */
export const TRADE_WORDS: readonly Word[] = [
  w('优选', 'yx'), w('鑫源', 'xy'), w('恒达', 'hd'), w('华盛', 'hs'), w('金诺', 'jn'), w('瑞丰', 'rf'),
  w('嘉禾', 'jh'), w('百川', 'bc'), w('宏图', 'ht'), w('众诚', 'zc'), w('佳和', 'jh'), w('汇通', 'ht'),
  w('聚鑫', 'jx'), w('福瑞', 'fr'), w('康源', 'ky'), w('乐购', 'lg'), w('惠民', 'hm'), w('德润', 'dr'),
  w('天成', 'tc'), w('锦程', 'jc'), w('万家', 'wj'), w('盛世', 'ss'), w('博远', 'by'), w('润泽', 'rz'),
  w('新禾', 'xh'), w('益康', 'yk'), w('鼎盛', 'ds'), w('和顺', 'hs'), w('永泰', 'yt'), w('丰泽', 'fz'),
  w('安达', 'ad'), w('信诚', 'xc'), w('优品', 'yp'), w('尚品', 'sp'), w('臻选', 'zx'), w('云购', 'yg'),
  w('兴隆', 'xl'), w('昌盛', 'cs'), w('祥瑞', 'xr'), w('金鼎', 'jd'), w('宏达', 'hd'), w('正源', 'zy'),
  w('美佳', 'mj'), w('欣悦', 'xy'), w('晨曦', 'cx'), w('蓝海', 'lh'), w('东方', 'df'), w('合众', 'hz'),
  w('启航', 'qh'), w('凯瑞', 'kr'), w('嘉信', 'jx'), w('远航', 'yh'), w('宜品', 'yp'), w('禾丰', 'hf'),
  w('绿源', 'ly'), w('金桥', 'jq'), w('聚德', 'jd'), w('同创', 'tc'), w('鲁信', 'lx'), w('齐鲁', 'ql'),
  w('瑞和', 'rh'), w('泰和', 'th'), w('恒信', 'hx'), w('万通', 'wt'), w('众鑫', 'zx'), w('润丰', 'rf'),
  w('好运', 'hy'), w('乐享', 'lx'), w('惠邦', 'hb'), w('君诚', 'jc'), w('鲜享', 'xx'), w('百味', 'bw'),
  w('千禧', 'qx'), w('宏远', 'hy'), w('德丰', 'df'), w('金穗', 'js'), w('瑞祥', 'rx'), w('广源', 'gy'),
  w('立信', 'lx'), w('恒昌', 'hc'), w('裕丰', 'yf'), w('诚远', 'cy'), w('创盈', 'cy'), w('悦然', 'yr'),
];

/** Short form of each city and place-flavoured words (泉城 for Jinan, 琴岛 for Qingdao …). */
export const CITY_WORDS: Readonly<Record<string, { short: Word; flavour: readonly Word[] }>> = {
  '3701': { short: w('济南', 'jn'), flavour: [w('泉城', 'qc'), w('明湖', 'mh'), w('千佛', 'qf'), w('趵突', 'bt'), w('华山', 'hs'), w('舜耕', 'sg')] },
  '3702': { short: w('青岛', 'qd'), flavour: [w('海之韵', 'hzy'), w('琴岛', 'qd'), w('崂山', 'ls'), w('海滨', 'hb'), w('胶澳', 'ja'), w('栈桥', 'zq')] },
  '3703': { short: w('淄博', 'zb'), flavour: [w('齐都', 'qd'), w('陶琉', 'tl'), w('稷下', 'jx'), w('聊斋', 'lz')] },
  '3704': { short: w('枣庄', 'zz'), flavour: [w('台儿庄', 'tez'), w('石榴', 'sl'), w('抱犊', 'bd'), w('鲁南', 'ln')] },
  '3705': { short: w('东营', 'dy'), flavour: [w('黄河口', 'hhk'), w('胜利', 'sl'), w('湿地', 'sd'), w('渤海', 'bh')] },
  '3706': { short: w('烟台', 'yt'), flavour: [w('港城', 'gc'), w('蓬莱', 'pl'), w('仙境', 'xj'), w('芝罘', 'zf'), w('毓璜', 'yh')] },
  '3707': { short: w('潍坊', 'wf'), flavour: [w('鸢都', 'yd'), w('风筝', 'fz'), w('白浪河', 'blh'), w('潍水', 'ws')] },
  '3708': { short: w('济宁', 'jn'), flavour: [w('孔孟', 'km'), w('运河', 'yh'), w('微山湖', 'wsh'), w('儒乡', 'rx')] },
  '3709': { short: w('泰安', 'ta'), flavour: [w('泰山', 'ts'), w('岱宗', 'dz'), w('汶河', 'wh'), w('东岳', 'dy')] },
  '3710': { short: w('威海', 'wh'), flavour: [w('海悦', 'hy'), w('刘公岛', 'lgd'), w('成山', 'cs'), w('海韵', 'hy')] },
  '3711': { short: w('日照', 'rz'), flavour: [w('阳光', 'yg'), w('黄海', 'hh'), w('五莲', 'wl'), w('浮来', 'fl')] },
  '3713': { short: w('临沂', 'ly'), flavour: [w('沂蒙', 'ym'), w('琅琊', 'ly'), w('蒙山', 'ms'), w('沂河', 'yh')] },
  '3714': { short: w('德州', 'dz'), flavour: [w('德润', 'dr'), w('太阳城', 'tyc'), w('鬲津', 'gj'), w('运河', 'yh')] },
  '3715': { short: w('聊城', 'lc'), flavour: [w('水城', 'sc'), w('江北', 'jb'), w('光岳', 'gy'), w('东昌', 'dc')] },
  '3716': { short: w('滨州', 'bz'), flavour: [w('渤海', 'bh'), w('滨海', 'bh'), w('秦台', 'qt'), w('黄河', 'hh')] },
  '3717': { short: w('菏泽', 'hz'), flavour: [w('牡丹', 'md'), w('曹州', 'cz'), w('花都', 'hd'), w('鲁西', 'lx')] },
};

/** An industry: its name in business names, what its shops are called, and its business scope. */
export interface Industry {
  key: string;
  /** the industry word in a company name (食品, 服饰 …) */
  zh: string;
  /** English slug for own-site domains */
  en: string;
  /** shop words for individual businesses (特产店, 服装店 …) */
  shopWords: readonly string[];
  /** product words for platform shop names */
  products: readonly string[];
  /** registered business scope (经营范围), in the wording of the 2021 standard catalogue */
  scope: string;
}

const ONLINE = '互联网销售（除销售需要许可的商品）';

export const INDUSTRIES: readonly (readonly [Industry, number])[] = [
  [{ key: 'food', zh: '食品', en: 'food', shopWords: ['特产店', '食品店', '零食铺', '干货店'], products: ['零食', '特产', '糕点', '干货', '煎饼'], scope: `食品销售（仅销售预包装食品）；食用农产品零售；${ONLINE}` }, 16],
  [{ key: 'apparel', zh: '服饰', en: 'fashion', shopWords: ['服装店', '服饰店', '鞋帽店'], products: ['女装', '男装', '童装', '鞋包', '服饰'], scope: `服装服饰零售；鞋帽零售；针纺织品销售；${ONLINE}` }, 14],
  [{ key: 'daily', zh: '日用百货', en: 'daily', shopWords: ['百货店', '日杂店', '便利店'], products: ['百货', '日用品', '收纳', '清洁用品'], scope: `日用百货销售；日用品销售；家居用品销售；${ONLINE}` }, 12],
  [{ key: 'agri', zh: '农产品', en: 'farm', shopWords: ['果蔬店', '农产品店', '粮油店'], products: ['水果', '蔬菜', '杂粮', '花生', '大葱'], scope: `食用农产品零售；初级农产品收购；新鲜水果零售；新鲜蔬菜零售；${ONLINE}` }, 11],
  [{ key: 'electronics', zh: '电子', en: 'tech', shopWords: ['数码店', '手机店', '电器行'], products: ['数码', '手机配件', '电脑', '小家电'], scope: `电子产品销售；计算机软硬件及辅助设备零售；通讯设备销售；家用电器销售；${ONLINE}` }, 8],
  [{ key: 'cosmetics', zh: '化妆品', en: 'beauty', shopWords: ['化妆品店', '美妆店'], products: ['美妆', '护肤', '彩妆'], scope: `化妆品零售；个人卫生用品销售；${ONLINE}` }, 6],
  [{ key: 'baby', zh: '母婴', en: 'baby', shopWords: ['母婴店', '童装店'], products: ['母婴', '奶粉', '玩具', '童装'], scope: `母婴用品销售；婴幼儿配方乳粉及其他婴幼儿配方食品销售；玩具销售；${ONLINE}` }, 5],
  [{ key: 'liquor', zh: '酒水', en: 'wine', shopWords: ['酒行', '烟酒店', '酒水店'], products: ['白酒', '葡萄酒', '啤酒', '酒水'], scope: `酒类经营；食品销售（仅销售预包装食品）；${ONLINE}` }, 6],
  [{ key: 'home', zh: '家居', en: 'home', shopWords: ['家居店', '家纺店', '灯具店'], products: ['家纺', '家具', '灯饰', '厨具'], scope: `家具销售；家居用品销售；家用纺织制成品制造；建筑装饰材料销售；${ONLINE}` }, 7],
  [{ key: 'medical', zh: '医疗器械', en: 'medical', shopWords: ['医疗器械店', '康复用品店'], products: ['医疗器械', '康复用品', '血压计', '护理用品'], scope: `第一类医疗器械销售；第二类医疗器械销售；医护人员防护用品零售；${ONLINE}` }, 3],
  [{ key: 'tea', zh: '茶业', en: 'tea', shopWords: ['茶叶店', '茶庄'], products: ['茶叶', '日照绿茶', '茶具'], scope: `食品销售（仅销售预包装食品）；茶具销售；${ONLINE}` }, 4],
  [{ key: 'pet', zh: '宠物用品', en: 'pet', shopWords: ['宠物用品店'], products: ['宠物用品', '猫粮', '狗粮'], scope: `宠物食品及用品零售；${ONLINE}` }, 2],
  [{ key: 'sports', zh: '体育用品', en: 'sports', shopWords: ['体育用品店', '户外用品店'], products: ['户外', '运动', '渔具', '健身器材'], scope: `体育用品及器材零售；户外用品销售；${ONLINE}` }, 3],
  [{ key: 'hardware', zh: '五金', en: 'tools', shopWords: ['五金店', '五金建材店'], products: ['五金', '工具', '劳保用品'], scope: `五金产品零售；建筑材料销售；劳动保护用品销售；${ONLINE}` }, 3],
];

export const industryPicker = WeightedPicker.of(INDUSTRIES);

/** Legal forms of the demo businesses and their share. */
export type BusinessForm = 'company' | 'llc' | 'firm' | 'dept' | 'individual' | 'coop';

export const FORMS: readonly (readonly [BusinessForm, number])[] = [
  ['company', 45], // 有限公司
  ['llc', 8], // 有限责任公司
  ['firm', 12], // 商行
  ['dept', 10], // 经营部
  ['individual', 22], // 个体工商户
  ['coop', 3], // 农民专业合作社 (agriculture only; others fall back to 有限公司)
];

export const formPicker = WeightedPicker.of(FORMS);

/** Entity-type character of the USCC (GB 32100-2015): 1 enterprise, 2 individual business, 3 cooperative. */
export function usccEntityType(form: BusinessForm): '1' | '2' | '3' {
  return form === 'individual' ? '2' : form === 'coop' ? '3' : '1';
}

/** True for forms that are companies (may run their own website or a platform). */
export function isCompany(form: BusinessForm): boolean {
  return form === 'company' || form === 'llc';
}

// ---------------------------------------------------------------------------------------------
// Addresses

export const ROADS = [
  '人民路', '建设路', '解放路', '中山路', '文化路', '胜利路', '和平路', '新华路', '工业路', '振兴路',
  '府前街', '商业街', '团结路', '长江路', '黄河路', '泰山路', '青年路', '光明路', '幸福街', '民主路',
  '东风路', '朝阳路', '育才路', '花园路', '滨河路', '健康路', '发展大道', '开元路', '金山路', '正阳路',
];

export const BUILDINGS = ['国际大厦', '金融中心', '财富广场', '电商产业园', '创业大厦', '商务中心', '科技园', '万达广场'];

// ---------------------------------------------------------------------------------------------
// Platforms

/** A platform merchants sell on; hosts use the reserved `.example` TLD so no URL resolves. */
export interface PlatformSpec {
  name: string;
  /** true when only companies open shops there (天猫, 京东 flagship stores) */
  companiesOnly: boolean;
}

export const PLATFORMS: readonly (readonly [PlatformSpec, number])[] = [
  [{ name: '淘宝', companiesOnly: false }, 30],
  [{ name: '拼多多', companiesOnly: false }, 20],
  [{ name: '抖音电商', companiesOnly: false }, 15],
  [{ name: '京东', companiesOnly: true }, 12],
  [{ name: '天猫', companiesOnly: true }, 8],
  [{ name: '快手电商', companiesOnly: false }, 8],
  [{ name: '微店', companiesOnly: false }, 7],
];

export const platformPicker = WeightedPicker.of(PLATFORMS);
export const individualPlatformPicker = WeightedPicker.of(PLATFORMS.filter(([p]) => !p.companiesOnly));

/** Shop-name patterns for merchants without a registered entity (found by discovery). */
export const LOOSE_SHOP_PREFIXES = ['小', '阿', '老', '鲁', '齐', '好', '优', '甜', '乐'];
export const LOOSE_SHOP_SUFFIXES = ['小铺', '杂货铺', '好物店', '优选', '生活馆', '的小店', '工作室', '严选'];

/** Top-level suffixes for own sites; the real-looking part is followed by `.example` (see the loader). */
export const SITE_TLDS = ['com.cn', 'cn', 'com', 'net'];
