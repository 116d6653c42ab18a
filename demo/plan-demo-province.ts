/**
 * The demo province as plain rows: a pure function of (seed, region catalogue, entity count). The loader
 * (load-demo-province.ts) writes these rows; tests and benchmarks call the planner directly with small
 * counts. No `Math.random`, no clock: every date is derived from the seed and DEMO_REFERENCE_DATE.
 */
import { createHash } from 'node:crypto';
import {
  FilingStatus,
  MaintenanceStatus,
  RegionLevel,
  RegistrationStatus,
  Role,
  ShopClassification,
  UnitLevel,
} from '../entities';
import { type RegionCatalog, type RegionRecord, regionCatalog } from '../services/registry/region-catalog';
import { makeUscc, USCC_ALPHABET } from '../services/registry/uscc';
import {
  BUILDINGS,
  type BusinessForm,
  CITY_WORDS,
  type Industry,
  individualPlatformPicker,
  industryPicker,
  formPicker,
  isCompany,
  LOOSE_SHOP_PREFIXES,
  LOOSE_SHOP_SUFFIXES,
  personName,
  platformPicker,
  ROADS,
  SITE_TLDS,
  surname,
  TRADE_WORDS,
  usccEntityType,
  type Word,
} from './names';
import { Random, WeightedPicker } from './random';
import { buildUnitTree, locations, type PlannedUnit, stationOfLocation } from '../services/access/unit-tree';

/** Entities in a full demo province. */
export const DEFAULT_DEMO_ENTITIES = 20_000;

/** "Today" of the demo data: every generated date lies before it. */
export const DEMO_REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

/** A staff user to create; the password hash is added by the loader. */
export interface PlannedUser {
  username: string;
  displayName: string;
  role: Role;
  unitCode: string;
}

export interface PlannedEntity {
  uscc: string;
  name: string;
  legalRepresentative: string;
  address: string;
  /** the town the business is seated in */
  regionCode: string;
  registrationStatus: RegistrationStatus;
  businessScope: string;
}

export interface PlannedShop {
  name: string;
  platform: string;
  url: string;
  domain: string;
  icpNumber: string | null;
  platformShopId: string | null;
  classification: ShopClassification;
  /** index into `DemoPlan.entities`, or null for a shop not linked to any entity */
  entityIndex: number | null;
  regionCode: string;
  /** code of the station whose jurisdiction holds `regionCode` */
  responsibleUnitCode: string;
  filingStatus: FilingStatus;
  maintenanceStatus: MaintenanceStatus;
  discoveredAt: Date;
  filedAt: Date | null;
  lastMaintainedAt: Date | null;
}

export interface DemoPlan {
  seed: string;
  units: PlannedUnit[];
  users: PlannedUser[];
  entities: PlannedEntity[];
  shops: PlannedShop[];
}

export interface DemoPlanOptions {
  seed: string;
  /** number of online entities; shops ≈ 2 × entities */
  entities: number;
  catalog?: RegionCatalog;
}

// ---------------------------------------------------------------------------------------------
// Tunables (shares are of the rows they apply to)

/** How much busier a city's towns are than an average town (e-commerce hubs: 青岛, 济南, 临沂, 菏泽). */
const CITY_FACTOR: Readonly<Record<string, number>> = {
  '3701': 2.2, '3702': 2.6, '3703': 1.0, '3704': 0.7, '3705': 0.7, '3706': 1.3, '3707': 1.2, '3708': 1.0,
  '3709': 0.8, '3710': 0.9, '3711': 0.8, '3713': 1.6, '3714': 0.8, '3715': 0.8, '3716': 0.8, '3717': 1.2,
};

/** Urban streets hold more online businesses than towns, towns more than townships. */
function townFactor(name: string): number {
  if (name.endsWith('街道')) return 1.6;
  if (name.endsWith('镇')) return 1.0;
  if (name.endsWith('乡')) return 0.5;
  return 1.2; // development zones and similar
}

const STATUS = WeightedPicker.of<RegistrationStatus>([
  [RegistrationStatus.ACTIVE, 94],
  [RegistrationStatus.REVOKED, 3],
  [RegistrationStatus.CANCELLED, 2],
  [RegistrationStatus.MOVED_OUT, 1],
]);

/** Linked shops per entity: mean 1.9, so that with the unlinked ones shops ≈ 2 × entities. */
const SHOPS_PER_ENTITY = WeightedPicker.of<number>([[1, 40], [2, 35], [3, 20], [4, 5]]);
/** Shops not linked to any entity, as a share of entities (≈ 5 % of all shops). */
const UNLINKED_PER_ENTITY = 0.1;
const FILED_SHARE = 0.85;

const DAY = 86_400_000;
const FILED_FROM = Date.UTC(2024, 0, 1);
const UNFILED_DISCOVERED_FROM = Date.UTC(2025, 5, 1);

// ---------------------------------------------------------------------------------------------

/**
 * Plans the whole demo province for `seed`: units (buildUnitTree), staff users, `entities` businesses and
 * about twice as many shops. Same arguments → identical rows (see planHash). Each part draws from its
 * own stream of the seed, so the staff do not change when only the entity count does.
 */
export function planDemoProvince(options: DemoPlanOptions): DemoPlan {
  const { seed } = options;
  const count = options.entities;
  if (!Number.isInteger(count) || count < 0) throw new Error('entities must be a non-negative integer');
  const catalog = options.catalog ?? regionCatalog();
  const root = new Random(seed);
  const units = buildUnitTree(catalog);
  const users = planUsers(units, root.fork('users'));
  const stationOf = stationOfLocation(units, catalog);
  const places = locations(catalog);
  const placePicker = new WeightedPicker(places, (r) => {
    const city = cityOf(catalog, r.code);
    return (CITY_FACTOR[city.code] ?? 1) * (r.level === RegionLevel.TOWN ? townFactor(r.name) : 1);
  });
  const { entities, traits } = planEntities(count, catalog, placePicker, root.fork('entities'));
  const shops = planShops(entities, traits, placePicker, stationOf, root.fork('shops'));
  return { seed, units, users, entities, shops };
}

/** SHA-256 over every planned row, for determinism checks. */
export function planHash(plan: DemoPlan): string {
  const hash = createHash('sha256');
  for (const part of [plan.units, plan.users, plan.entities, plan.shops]) {
    for (const row of part as object[]) hash.update(JSON.stringify(row)).update('\n');
    hash.update('\u0000');
  }
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Users

/** Roles each level gets, with the username of each (the demo login scheme, docs/demo-logins.md). */
export function demoUsernames(unit: Pick<PlannedUnit, 'code' | 'level'>): { username: string; role: Role }[] {
  const roles = (prefix: string, list: Role[]) => list.map((role) => ({ username: `${prefix}-${role}`, role }));
  switch (unit.level) {
    case UnitLevel.PROVINCE:
      return roles('sd', [Role.ADMIN, Role.LEADER, Role.ANALYST, Role.INSPECTOR]);
    case UnitLevel.CITY:
      return roles(`c${unit.code}`, [Role.LEADER, Role.ANALYST, Role.INSPECTOR, Role.ADMIN]);
    case UnitLevel.COUNTY:
      return roles(`x${unit.code}`, [Role.LEADER, Role.INSPECTOR, Role.ADMIN, Role.ANALYST]);
    case UnitLevel.STATION:
      return roles(unit.code.toLowerCase(), [Role.INSPECTOR, Role.LEADER]);
  }
}

function planUsers(units: readonly PlannedUnit[], random: Random): PlannedUser[] {
  return units.flatMap((unit) =>
    demoUsernames(unit).map(({ username, role }) => ({ username, displayName: personName(random), role, unitCode: unit.code })),
  );
}

// ---------------------------------------------------------------------------------------------
// Entities

/** What the shop planner needs to know about an entity beyond its row. */
interface EntityTraits {
  form: BusinessForm;
  industry: Industry;
  /** trade name (字号) the shops are named after */
  trade: Word;
  flavour: Word;
  cityShort: Word;
  /** pinyin slug for domains, e.g. `qcyx` */
  slug: string;
  /** surname of the legal representative */
  family: string;
}

function cityOf(catalog: RegionCatalog, code: string): RegionRecord {
  const city = catalog.get(code.slice(0, 4));
  if (!city || city.level !== RegionLevel.CITY) throw new Error(`no city for region ${code}`);
  return city;
}

function countyOf(catalog: RegionCatalog, code: string): RegionRecord {
  const county = catalog.get(code.slice(0, 6));
  if (!county || county.level !== RegionLevel.COUNTY) throw new Error(`no county for region ${code}`);
  return county;
}

function planEntities(
  count: number,
  catalog: RegionCatalog,
  placePicker: WeightedPicker<RegionRecord>,
  random: Random,
): { entities: PlannedEntity[]; traits: EntityTraits[] } {
  const entities: PlannedEntity[] = [];
  const traits: EntityTraits[] = [];
  const names = new Set<string>();
  const usccs = new Set<string>();
  const fullNames = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const place = placePicker.pick(random);
    const county = countyOf(catalog, place.code);
    const city = cityOf(catalog, place.code);
    const words = CITY_WORDS[city.code] ?? { short: { zh: city.name.replace(/市$/u, ''), py: 'sd' }, flavour: [{ zh: '齐鲁', py: 'ql' }] };
    const industry = industryPicker.pick(random);
    let form = formPicker.pick(random);
    if (form === 'coop' && industry.key !== 'agri') form = 'company';
    const family = surname(random);
    const legalRepresentative = personName(random, family);

    let name: string;
    let trade: Word;
    let flavour: Word;
    let slug: string;
    for (let attempt = 0; ; attempt++) {
      trade = random.pick(TRADE_WORDS);
      flavour = random.pick(words.flavour);
      const built = businessName(random, attempt, { form, industry, trade, flavour, cityShort: words.short, county, place, family, legalRepresentative });
      name = built.name;
      slug = built.slug;
      if (!names.has(name)) break;
      if (attempt >= 20) {
        // the name space is large (millions of combinations); this is only reached at absurd counts
        for (let n = 2; names.has(name); n++) name = `${built.name}（${n}）`;
        break;
      }
    }
    names.add(name);

    let uscc: string;
    do {
      const body = random.chance(0.8) ? `MA${random.chars(6, USCC_ALPHABET)}` : random.chars(8, '0123456789');
      uscc = makeUscc(county.code, body, usccEntityType(form));
    } while (usccs.has(uscc));
    usccs.add(uscc);

    let base = fullNames.get(place.code);
    if (base === undefined) {
      base = catalog.fullName(place.code).replace(/类似乡级单位$/u, '');
      fullNames.set(place.code, base);
    }
    entities.push({
      uscc,
      name,
      legalRepresentative,
      address: base + streetAddress(random, place, form),
      regionCode: place.code,
      registrationStatus: STATUS.pick(random),
      businessScope: industry.scope,
    });
    traits.push({ form, industry, trade, flavour, cityShort: words.short, slug, family });
  }
  return { entities, traits };
}

interface NameParts {
  form: BusinessForm;
  industry: Industry;
  trade: Word;
  flavour: Word;
  cityShort: Word;
  county: RegionRecord;
  place: RegionRecord;
  family: string;
  legalRepresentative: string;
}

/**
 * A registered business name (字号 + 行业 + 组织形式 after the region), richer on later attempts to
 * escape collisions: 济南泉城优选食品有限公司, 青岛海之韵服饰商行, 历下区张记特产店.
 */
function businessName(random: Random, attempt: number, p: NameParts): { name: string; slug: string } {
  const rich = attempt >= 3;
  const useFlavour = rich || random.chance(0.5);
  const brand = useFlavour ? p.flavour.zh + p.trade.zh : p.trade.zh;
  const slug = useFlavour ? p.flavour.py + p.trade.py : p.trade.py;
  const industryWord = () => {
    const x = random.next();
    return x < 0.15 ? '电子商务' : x < 0.22 ? '科技' : x < 0.27 ? '商贸' : p.industry.zh;
  };
  const extra = attempt >= 8 ? random.pick(TRADE_WORDS).zh : '';
  switch (p.form) {
    case 'company':
      return { name: `${p.cityShort.zh}${brand}${extra}${industryWord()}有限公司`, slug };
    case 'llc':
      return { name: `山东${brand}${extra}${industryWord()}有限责任公司`, slug };
    case 'firm': {
      const b = rich ? brand : random.chance(0.5) ? p.flavour.zh : p.trade.zh;
      return { name: `${p.cityShort.zh}${b}${extra}${p.industry.zh}商行`, slug };
    }
    case 'dept':
      return { name: `${p.county.name}${rich ? brand : p.trade.zh}${extra}${p.industry.zh}经营部`, slug };
    case 'individual': {
      const shopWord = random.pick(p.industry.shopWords);
      if (attempt >= 6) return { name: `${p.county.name}${p.legalRepresentative}${extra}${shopWord}`, slug };
      if (random.chance(0.6)) {
        const where = rich && p.place.level === RegionLevel.TOWN ? townShort(p.place.name) : '';
        return { name: `${p.county.name}${where}${p.family}记${shopWord}`, slug };
      }
      return { name: `${p.county.name}${rich ? brand : p.trade.zh}${shopWord}`, slug };
    }
    case 'coop':
      return { name: `${p.county.name}${rich ? brand : random.chance(0.5) ? p.flavour.zh : p.trade.zh}${extra}${random.pick(p.industry.products)}种植专业合作社`, slug };
  }
}

function townShort(name: string): string {
  return name.replace(/(街道|镇|乡)$/u, '');
}

/** Street part of an address: 泉城路123号, 国际大厦1205室, 王家庄村58号. */
function streetAddress(random: Random, place: RegionRecord, form: BusinessForm): string {
  const rural = place.level === RegionLevel.TOWN && /[镇乡]$/u.test(place.name);
  if (rural && random.chance(0.7)) {
    return `${surname(random)}家${random.pick(['庄', '屯', '洼', '集', '营', '店', '寨'])}村${random.range(1, 260)}号`;
  }
  const road = `${random.pick(ROADS)}${random.range(1, 999)}号`;
  if (isCompany(form) && random.chance(0.45)) {
    return `${road}${random.pick(BUILDINGS)}${random.range(2, 28)}${String(random.range(1, 30)).padStart(2, '0')}室`;
  }
  return road;
}

// ---------------------------------------------------------------------------------------------
// Shops

interface ShopContext {
  random: Random;
  urls: Set<string>;
  ids: Set<string>;
  domains: Set<string>;
  icps: Set<string>;
}

function uniqueId(ctx: ShopContext, platform: string, make: () => string): string {
  for (;;) {
    const id = make();
    const key = `${platform}:${id}`;
    if (!ctx.ids.has(key)) {
      ctx.ids.add(key);
      return id;
    }
  }
}

/**
 * Shop address on a platform. Every host ends in the reserved `.example` top-level domain (RFC 2606)
 * so no demo URL resolves to a real shop, whatever later crawls them.
 */
function platformUrl(ctx: ShopContext, platform: string, t: EntityTraits | null): { url: string; id: string } {
  const r = ctx.random;
  switch (platform) {
    case '淘宝': {
      const id = uniqueId(ctx, platform, () => r.digits(9));
      return { url: `https://shop${id}.taobao.example/`, id };
    }
    case '天猫': {
      const id = uniqueId(ctx, platform, () => r.digits(9));
      let host = `${t?.slug ?? 'shop'}${t?.industry.en ?? ''}`;
      for (let n = 2; ctx.urls.has(`https://${host}.tmall.example/`); n++) host = `${t?.slug ?? 'shop'}${t?.industry.en ?? ''}${n}`;
      return { url: `https://${host}.tmall.example/`, id };
    }
    case '京东': {
      const id = uniqueId(ctx, platform, () => r.digits(r.range(6, 8)));
      return { url: `https://mall.jd.example/index-${id}.html`, id };
    }
    case '拼多多': {
      const id = uniqueId(ctx, platform, () => r.digits(9));
      return { url: `https://mobile.yangkeduo.example/mall_page.html?mall_id=${id}`, id };
    }
    case '抖音电商': {
      const id = uniqueId(ctx, platform, () => r.chars(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'));
      return { url: `https://haohuo.jinritemai.example/views/shop/index?id=${id}`, id };
    }
    case '快手电商': {
      const id = uniqueId(ctx, platform, () => r.digits(10));
      return { url: `https://app.kwaixiaodian.example/merchant/shop/detail?id=${id}`, id };
    }
    case '微店': {
      const id = uniqueId(ctx, platform, () => r.digits(10));
      return { url: `https://weidian.example/?userid=${id}`, id };
    }
    default:
      throw new Error(`unknown platform ${platform}`);
  }
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, '');
}

function merchantShopName(r: Random, platform: string, t: EntityTraits): string {
  const product = r.pick(t.industry.products);
  const brand = r.chance(0.3) ? t.flavour.zh + t.trade.zh : t.trade.zh;
  switch (platform) {
    case '天猫':
    case '京东':
      return r.chance(0.6) ? `${brand}${t.industry.zh}旗舰店` : `${brand}${product}专营店`;
    case '淘宝':
      return `${brand}${product}${r.pick(['店', '小铺', '坊', '屋', '馆'])}`;
    case '拼多多':
      return `${brand}${product}${r.pick(['优选', '工厂店', '专营店', '百货'])}`;
    case '抖音电商':
      return `${brand}${product}${r.pick(['的小店', '好物', '官方店', '严选'])}`;
    case '快手电商':
      return `${r.chance(0.5) ? `${t.cityShort.zh}${t.family}${r.pick(['姐', '哥', '叔'])}` : brand}${product}${r.pick(['', '小店', '直播间'])}`;
    default:
      return `${brand}${product}${r.pick(['微店', '小铺'])}`;
  }
}

/** A unique own-site domain under `.example`: qcyx-food.com.cn.example. */
function siteDomain(ctx: ShopContext, t: EntityTraits, kind: 'site' | 'mall'): string {
  const r = ctx.random;
  const stem = kind === 'mall' ? `${t.slug}mall` : `${t.slug}-${t.industry.en}`;
  let tld = r.pick(SITE_TLDS);
  let domain = `${stem}.${tld}.example`;
  for (let n = 2; ctx.domains.has(domain); n++) {
    tld = r.pick(SITE_TLDS);
    domain = `${stem}${n}.${tld}.example`;
  }
  ctx.domains.add(domain);
  return domain;
}

/** An ICP filing number of one filing subject: 鲁ICP备2021012345号 (sites add -1, -2 …). */
function icpBase(ctx: ShopContext): string {
  for (;;) {
    const n = `鲁ICP备${ctx.random.range(2012, 2025)}${String(ctx.random.int(1_000_000)).padStart(6, '0')}号`;
    if (!ctx.icps.has(n)) {
      ctx.icps.add(n);
      return n;
    }
  }
}

/** A working-hours moment (08:30–17:30 Beijing time) on a day in [from, to). */
function momentBetween(r: Random, from: number, to: number): Date {
  const days = Math.max(1, Math.floor((to - from) / DAY));
  const day = from + r.int(days) * DAY;
  return new Date(day + 30 * 60_000 + r.int(9 * 3600) * 1000);
}

function planShops(
  entities: readonly PlannedEntity[],
  traits: readonly EntityTraits[],
  placePicker: WeightedPicker<RegionRecord>,
  stationOf: ReadonlyMap<string, string>,
  random: Random,
): PlannedShop[] {
  const ctx: ShopContext = { random, urls: new Set(), ids: new Set(), domains: new Set(), icps: new Set() };
  const ref = DEMO_REFERENCE_DATE.getTime();
  const shops: PlannedShop[] = [];
  const responsible = (code: string) => {
    const station = stationOf.get(code);
    if (!station) throw new Error(`no station holds region ${code}`);
    return station;
  };
  const push = (shop: PlannedShop) => {
    if (ctx.urls.has(shop.url)) throw new Error(`duplicate demo shop URL ${shop.url}`);
    ctx.urls.add(shop.url);
    shops.push(shop);
  };

  entities.forEach((entity, entityIndex) => {
    const t = traits[entityIndex];
    const n = SHOPS_PER_ENTITY.pick(random);
    let icp: string | null = null;
    let sites = 0;
    const gone = entity.registrationStatus === RegistrationStatus.REVOKED || entity.registrationStatus === RegistrationStatus.CANCELLED;
    for (let k = 0; k < n; k++) {
      let classification = ShopClassification.PLATFORM_MERCHANT;
      if (isCompany(t.form)) {
        const x = random.next();
        if (k === 0 && x < 0.008) classification = ShopClassification.PLATFORM;
        else if (x < 0.078) classification = ShopClassification.OWN_SITE_TRADING;
        else if (x < 0.128) classification = ShopClassification.OWN_SITE_NON_TRADING;
      }
      let name: string;
      let platform: string;
      let url: string;
      let platformShopId: string | null = null;
      let icpNumber: string | null = null;
      if (classification === ShopClassification.PLATFORM_MERCHANT) {
        platform = (isCompany(t.form) ? platformPicker : individualPlatformPicker).pick(random).name;
        const made = platformUrl(ctx, platform, t);
        url = made.url;
        platformShopId = made.id;
        name = merchantShopName(random, platform, t);
      } else {
        platform = '自建网站';
        icp ??= icpBase(ctx);
        icpNumber = `${icp}-${++sites}`;
        const domain = siteDomain(ctx, t, classification === ShopClassification.PLATFORM ? 'mall' : 'site');
        url = `https://www.${domain}/`;
        name =
          classification === ShopClassification.PLATFORM
            ? `${t.flavour.zh}${t.trade.zh}${random.pick(['商城', '优购网', '电商平台', '云集市'])}`
            : classification === ShopClassification.OWN_SITE_TRADING
              ? `${t.trade.zh}${t.industry.zh}${random.pick(['商城', '在线商城', '网上商城'])}`
              : `${entity.name}${random.pick(['官网', '官方网站'])}`;
      }

      const filed = random.chance(FILED_SHARE);
      let discoveredAt: Date;
      let filedAt: Date | null = null;
      let lastMaintainedAt: Date | null = null;
      let maintenanceStatus = MaintenanceStatus.NORMAL;
      if (filed) {
        filedAt = momentBetween(random, FILED_FROM, ref);
        discoveredAt = new Date(filedAt.getTime() - random.range(1, 90) * DAY - random.int(8 * 3600) * 1000);
        const x = random.next();
        if (gone && x < 0.4) maintenanceStatus = MaintenanceStatus.LINK_DEAD;
        else if (x < 0.03) maintenanceStatus = MaintenanceStatus.LINK_DEAD;
        else if (x < 0.055) maintenanceStatus = MaintenanceStatus.INFO_MISMATCH;
        else if (x < 0.065) maintenanceStatus = MaintenanceStatus.NOT_IN_JURISDICTION;
        if (maintenanceStatus !== MaintenanceStatus.NORMAL || random.chance(0.75)) {
          lastMaintainedAt = momentBetween(random, filedAt.getTime() + DAY, ref);
          if (lastMaintainedAt.getTime() <= filedAt.getTime()) lastMaintainedAt = new Date(filedAt.getTime() + 3600_000);
        }
      } else {
        discoveredAt = momentBetween(random, UNFILED_DISCOVERED_FROM, ref);
      }
      push({
        name,
        platform,
        url,
        domain: hostOf(url),
        icpNumber,
        platformShopId,
        classification,
        entityIndex,
        regionCode: entity.regionCode,
        responsibleUnitCode: responsible(entity.regionCode),
        filingStatus: filed ? FilingStatus.FILED : FilingStatus.UNFILED,
        maintenanceStatus,
        discoveredAt,
        filedAt,
        lastMaintainedAt,
      });
    }
  });

  // shops found by discovery whose operator is not yet known: not linked, not filed
  const unlinked = Math.round(entities.length * UNLINKED_PER_ENTITY);
  for (let i = 0; i < unlinked; i++) {
    const place = placePicker.pick(random);
    const platform = individualPlatformPicker.pick(random).name;
    const { url, id } = platformUrl(ctx, platform, null);
    const industry = industryPicker.pick(random);
    const who = random.chance(0.4) ? `${surname(random)}${random.pick(['姐', '哥', '记'])}` : random.pick(LOOSE_SHOP_PREFIXES);
    push({
      name: `${who}${random.pick(industry.products)}${random.pick(LOOSE_SHOP_SUFFIXES)}`,
      platform,
      url,
      domain: hostOf(url),
      icpNumber: null,
      platformShopId: id,
      classification: ShopClassification.PLATFORM_MERCHANT,
      entityIndex: null,
      regionCode: place.code,
      responsibleUnitCode: responsible(place.code),
      filingStatus: FilingStatus.UNFILED,
      maintenanceStatus: MaintenanceStatus.NORMAL,
      discoveredAt: momentBetween(random, UNFILED_DISCOVERED_FROM, ref),
      filedAt: null,
      lastMaintainedAt: null,
    });
  }
  return shops;
}
