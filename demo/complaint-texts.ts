/**
 * What consumers complain about online, for the demo's complaints and reports: a title, a description
 * template ({product}, {amount}, {days} filled in), the products it fits, and whether it is a
 * complaint (a dispute to mediate) or a report (a violation to check).
 */
export interface ComplaintTemplate {
  kind: 'complaint' | 'report';
  title: string;
  description: string;
  products: readonly string[];
}

const FOOD = ['阳信鸭梨', '烟台苹果', '章丘大葱', '东阿阿胶', '沾化冬枣', '乐陵金丝小枣', '即食海参', '手工煎饼'];
const GOODS = ['蓝牙耳机', '电动牙刷', '羽绒服', '儿童保温杯', '扫地机器人', '运动鞋', '空气炸锅', '手机壳'];
const HEALTH = ['保健胶囊', '蛋白粉', '减肥茶', '护肝片'];

export const COMPLAINT_TEMPLATES: readonly ComplaintTemplate[] = [
  {
    kind: 'complaint',
    title: '收到商品与描述不符，商家拒绝退货',
    description: '我于网店购买{product}，实付{amount}元。收到后发现与商品页面描述明显不符，联系客服要求七日无理由退货，商家以"已拆封"为由拒绝。请求责令商家退货退款。',
    products: GOODS,
  },
  {
    kind: 'complaint',
    title: '付款后{days}天仍未发货',
    description: '购买{product}，实付{amount}元，商家承诺48小时内发货，至今{days}天未发货，催促无果，申请退款也未处理。',
    products: [...GOODS, ...FOOD],
  },
  {
    kind: 'complaint',
    title: '食品变质，要求退款赔偿',
    description: '网购{product}（实付{amount}元），到货后发现已经变质发霉，包装上无生产日期。与商家协商退款，对方只同意补发。要求退款并按食品安全法赔偿。',
    products: FOOD,
  },
  {
    kind: 'complaint',
    title: '商品存在质量问题，使用{days}天即损坏',
    description: '所购{product}（{amount}元）使用仅{days}天出现故障，商家称"人为损坏"不予保修。请求协调维修或退换。',
    products: GOODS,
  },
  {
    kind: 'complaint',
    title: '先涨价后打折，优惠不实',
    description: '"双11"活动期间购买{product}，页面显示原价远高于平时售价，实际"折后价"{amount}元与活动前价格相同，涉嫌虚构原价，要求退还差价。',
    products: [...GOODS, ...FOOD],
  },
  {
    kind: 'report',
    title: '网店未公示营业执照',
    description: '该网店首页及店铺信息页均未公示营业执照信息，无法核实经营主体，销售{product}等商品。',
    products: [...GOODS, ...FOOD],
  },
  {
    kind: 'report',
    title: '商品宣传使用"最好""第一"等绝对化用语',
    description: '该店铺{product}的商品详情页使用"全网第一""最好的"等用语，涉嫌违反广告法。',
    products: [...GOODS, ...HEALTH],
  },
  {
    kind: 'report',
    title: '普通食品宣称治疗功效',
    description: '店铺销售的{product}宣称"降三高、治失眠"，普通食品宣传疾病治疗功效，涉嫌虚假宣传。',
    products: HEALTH,
  },
  {
    kind: 'report',
    title: '无食品经营许可销售食品',
    description: '该网店销售{product}等预包装食品，店铺内未见食品经营许可证信息。',
    products: FOOD,
  },
];
