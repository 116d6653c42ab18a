/**
 * Word and product tables of the demo marketplace: what each industry sells, at what price, in which
 * category, plus the absolute advertising terms (广告法 第九条第三项) and their lawful look-alikes. Plain
 * data; the world model (world.ts) draws from it with a seeded `Random`.
 */

/** A product a shop of an industry may list: noun, category shown on the page, price range in yuan. */
export interface ProductSpec {
  noun: string;
  category: string;
  spec: readonly string[];
  minYuan: number;
  maxYuan: number;
}

const p = (noun: string, category: string, minYuan: number, maxYuan: number, spec: readonly string[]): ProductSpec => ({
  noun,
  category,
  spec,
  minYuan,
  maxYuan,
});

/**
 * Products by industry key (the keys of `INDUSTRIES` in demo/names.ts). Food categories all
 * start with 食品 so that "sells food" is visible on the page and in the ground truth.
 */
export const PRODUCTS: Readonly<Record<string, readonly ProductSpec[]>> = {
  food: [
    p('手工杂粮煎饼', '食品/休闲零食', 12, 45, ['500g', '1000g', '10张装']),
    p('山东锅巴', '食品/休闲零食', 8, 30, ['200g×3袋', '520g']),
    p('阿胶糕', '食品/滋补食品', 59, 268, ['500g礼盒', '250g']),
    p('周村烧饼', '食品/糕点', 15, 49, ['四味混合装', '300g×2盒']),
    p('花生油', '食品/粮油', 49, 139, ['5L', '1.8L×2']),
  ],
  liquor: [
    p('浓香型白酒', '食品/酒类', 88, 688, ['52度500ml', '42度500ml×6']),
    p('干红葡萄酒', '食品/酒类', 68, 398, ['750ml', '750ml×2礼盒']),
    p('精酿啤酒', '食品/酒类', 39, 129, ['500ml×12听', '1L×4']),
  ],
  tea: [
    p('日照绿茶', '食品/茶叶', 58, 398, ['250g', '500g礼盒']),
    p('崂山红茶', '食品/茶叶', 68, 368, ['125g', '250g罐装']),
  ],
  agri: [
    p('烟台红富士苹果', '生鲜/水果', 29, 89, ['5斤装', '10斤礼盒']),
    p('章丘大葱', '生鲜/蔬菜', 15, 49, ['5斤', '10斤']),
    p('沂蒙小米', '生鲜/杂粮', 19, 69, ['2.5kg', '5kg']),
    p('莱阳梨', '生鲜/水果', 25, 79, ['5斤装', '8斤装']),
  ],
  apparel: [
    p('纯棉短袖T恤', '服饰/男装', 29, 129, ['M', 'L', 'XL']),
    p('针织开衫', '服饰/女装', 59, 299, ['均码', 'S-XL']),
    p('儿童运动套装', '服饰/童装', 49, 199, ['110cm', '130cm']),
  ],
  daily: [
    p('收纳箱', '日用百货/收纳', 19, 89, ['3个装', '大号']),
    p('洗衣凝珠', '日用百货/清洁', 29, 79, ['52颗', '100颗']),
    p('抽纸', '日用百货/纸品', 19, 59, ['24包', '30包整箱']),
  ],
  electronics: [
    p('蓝牙耳机', '数码/影音', 79, 499, ['白色', '黑色']),
    p('电热水壶', '家电/厨房电器', 59, 199, ['1.7L', '1.5L']),
    p('充电宝', '数码/手机配件', 49, 199, ['10000mAh', '20000mAh']),
  ],
  cosmetics: [
    p('补水面膜', '美妆/护肤', 39, 159, ['10片', '20片']),
    p('保湿乳液', '美妆/护肤', 59, 299, ['100ml', '200ml']),
  ],
  baby: [
    p('婴儿湿巾', '母婴/洗护', 19, 69, ['80抽×5包', '80抽×10包']),
    p('益智积木', '母婴/玩具', 49, 299, ['100粒', '200粒']),
  ],
  home: [
    p('四件套床品', '家居/家纺', 99, 599, ['1.5m', '1.8m']),
    p('LED吸顶灯', '家居/灯饰', 89, 499, ['40cm', '60cm']),
  ],
  medical: [
    p('电子血压计', '医疗器械/家用器械', 99, 399, ['上臂式', '腕式']),
    p('医用外科口罩', '医疗器械/防护用品', 9, 49, ['50只', '100只']),
  ],
  pet: [
    p('全价猫粮', '宠物/主粮', 49, 259, ['2kg', '10kg']),
    p('宠物牵引绳', '宠物/出行', 19, 89, ['S', 'M', 'L']),
  ],
  sports: [
    p('户外帐篷', '运动户外/露营', 159, 899, ['2人', '4人']),
    p('瑜伽垫', '运动户外/健身', 39, 159, ['10mm', '15mm']),
  ],
  hardware: [
    p('电动螺丝刀', '五金/电动工具', 89, 399, ['锂电款', '套装']),
    p('劳保手套', '五金/劳保用品', 9, 39, ['12双', '36双']),
  ],
};

/** Industries whose shops sell food that needs a 食品经营许可证 (食品安全法 第三十五条). */
export const FOOD_INDUSTRIES: ReadonlySet<string> = new Set(['food', 'liquor', 'tea']);
/** Industries that sell 食用农产品: exempt from the food-business licence (食品安全法 第三十五条第一款). */
export const AGRI_INDUSTRIES: ReadonlySet<string> = new Set(['agri']);

/** Absolute terms placed in titles of violating listings (广告法 第九条第三项). */
export const ABSOLUTE_TITLE_TERMS = ['全网最低价', '国家级', '顶级', '销量第一', '最佳口感', '第一品牌', '史上最强'] as const;

/**
 * Lawful look-alikes: text containing 一级/第一/最 that is not an absolute claim. Each has a reason, used
 * in the ground truth's negatives.
 */
export const LOOKALIKES: readonly { where: 'title' | 'description'; text: string; why: string }[] = [
  { where: 'title', text: '一级', why: '产品等级（按国家标准分级，如 GB/T 1534 一级花生油、一级能效），不是绝对化用语' },
  { where: 'description', text: '附第一次使用说明', why: '“第一次使用”描述使用顺序，不是比较性宣传' },
  { where: 'title', text: '第一坊', why: '品牌名（字号）中含“第一”，不是对商品的绝对化评价' },
  { where: 'description', text: '最近三天发货', why: '“最近”是时间描述，不是最高级宣传' },
];

/** Coupon-style promotions that start and stop over the days (text only; they do not change the price). */
export const PROMOTIONS = ['店铺券满99减10', '满199减20', '第二件半价', '买二送一', '新客立减5元', '限时包邮'] as const;

/** Text of a "today only" claim (checked against the price history by the fake-today-only rule). */
export const TODAY_ONLY = '仅限今日 特价';
