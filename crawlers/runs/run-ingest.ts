/**
 * Ingest of one crawl run: the spider's records in, register rows and time-series rows out, in batches.
 *
 * - Shops are matched to the register by the identity their URL carries (platform + platform shop id, or
 *   an own site's domain) or by URL; discovery creates the ones the register lacks (unfiled: flagged for
 *   filing, in the region their licence block points to) and records the address it watches them at.
 * - Listings are upserted by URL; a listing the shop page no longer lists is marked removed.
 * - Snapshots and observations are stamped with the run's `observedAt` and written through the
 *   time-series store, whose unique keys make a retried run write nothing twice.
 * - Raw responses go to the evidence sink, keyed by the shop.
 *
 * Runs as the system actor (crawls are jobs); rows outside the run's region are not written.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ref } from '@mikro-orm/core';
import { FilingStatus, OnlineEntity, Shop, ShopClassification, ShopEvent, ShopEventKind } from '../../entities';
import { executorFromEntityManager, type ListingObservationRow, type ShopSnapshotRow, type TimeSeriesStore, type SqlExecutor } from '../../store';
import { domainOf, responsibleUnitFor } from '../../services/registry/registry-rules';
import { regionCatalog } from '../../services/registry/region-catalog';
import { regionOfShop } from './shop-region';
import { badgeTokensIn } from '../../services/filing/badge-token';
import type { RawResponse, WatchedListing, WatchedShop } from './watch-crawl';

/** One raw response to keep as evidence, with the shop it belongs to. */
export interface EvidenceItem {
  shopId: number;
  regionCode: string;
  observedAt: Date;
  response: RawResponse;
}

/** One screenshot (PNG) a browser took of a shop's page, to keep as evidence. */
export interface ScreenshotItem {
  shopId: number;
  regionCode: string;
  /** the run's moment (as for the raw responses of the same page) */
  observedAt: Date;
  /** the page the browser showed */
  url: string;
  png: Uint8Array;
}

/**
 * Where raw responses and screenshots are kept (crawlers/evidence); each call returns the SHA-256 of
 * each body or image, in order.
 */
export interface EvidenceSink {
  capture(items: EvidenceItem[]): Promise<string[]>;
  screenshots(items: ScreenshotItem[]): Promise<string[]>;
}

export interface IngestCounts {
  shopsSeen: number;
  shopsCreated: number;
  shopsOutOfScope: number;
  listingsSeen: number;
  listingsWithoutShop: number;
  listingsRemoved: number;
  snapshotsWritten: number;
  observationsWritten: number;
  captures: number;
}

export interface RunIngestOptions {
  orm: MikroORM;
  storeFor: (db: SqlExecutor) => TimeSeriesStore;
  evidence: EvidenceSink | null;
  runId: number;
  /** the run's region: shops outside it are not written */
  regionCode: string;
  observedAt: Date;
  /** discovery: create shops the register lacks */
  createShops: boolean;
  /** listing URL → its shop, for runs that read listings without their shop pages */
  knownListings?: Map<string, { shopId: number; regionCode: string }>;
  /** records buffered before a write; default 5000 (larger batches write faster: see docs/benchmarks.md) */
  batchSize?: number;
}

interface ResolvedShop {
  id: number;
  regionCode: string;
}

const PLATFORM_CLASSIFICATION = ShopClassification.PLATFORM_MERCHANT;

function clip(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) return null;
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max).join('') : text;
}

export class RunIngest {
  readonly counts: IngestCounts = {
    shopsSeen: 0,
    shopsCreated: 0,
    shopsOutOfScope: 0,
    listingsSeen: 0,
    listingsWithoutShop: 0,
    listingsRemoved: 0,
    snapshotsWritten: 0,
    observationsWritten: 0,
    captures: 0,
  };
  private shops: WatchedShop[] = [];
  private listings: WatchedListing[] = [];
  /** shop page URL → register row, for the listings that follow */
  private readonly resolved = new Map<string, ResolvedShop | null>();
  /** shop page URL → its register row, for the shop pages this run wrote (in scope) */
  private readonly written = new Map<string, { readonly shopId: number; readonly regionCode: string }>();
  /** shops whose page was read: their listing URLs of today, for removals */
  private readonly listedToday = new Map<number, Set<string>>();
  private chain: Promise<void> = Promise.resolve();
  private flushing = false;
  /** what this run wrote, by identity: a page handed on twice (a retried request) counts once */
  private readonly snapshotShops = new Set<number>();
  private readonly observedListings = new Set<number>();
  private readonly batchSize: number;

  constructor(private readonly options: RunIngestOptions) {
    this.batchSize = options.batchSize ?? 5000;
  }

  /** The shop pages this run ingested (in scope, snapshot written), in the order read: page URL → shop. */
  get shopPages(): ReadonlyMap<string, { readonly shopId: number; readonly regionCode: string }> {
    return this.written;
  }

  /** Queues a shop record; writes a batch when enough are buffered (callers await it: back-pressure). */
  addShop(shop: WatchedShop): Promise<void> {
    this.shops.push(shop);
    return this.maybeFlush();
  }

  addListing(listing: WatchedListing): Promise<void> {
    this.listings.push(listing);
    return this.maybeFlush();
  }

  /**
   * A full buffer starts a write in the background (the spider keeps fetching meanwhile); callers wait only
   * when twice a batch is buffered while a write is still running (back-pressure). A failed write fails
   * `finish()`.
   */
  private maybeFlush(): Promise<void> {
    const pending = this.shops.length + this.listings.length;
    if (pending >= this.batchSize && !this.flushing) {
      void this.enqueueFlush(false).catch(() => undefined);
      return Promise.resolve();
    }
    if (pending >= 2 * this.batchSize) return this.chain;
    return Promise.resolve();
  }

  private enqueueFlush(final: boolean): Promise<void> {
    this.flushing = true;
    this.chain = this.chain.then(() => this.flush(final)).finally(() => {
      this.flushing = false;
    });
    return this.chain;
  }

  /** Writes everything buffered, marks removed listings; call once after the crawl. */
  async finish(): Promise<void> {
    await this.enqueueFlush(true);
    await this.chain;
    await this.markRemoved();
  }

  private fork(): EntityManager {
    return this.options.orm.em.fork() as EntityManager;
  }

  private async flush(final: boolean): Promise<void> {
    const shops = this.shops;
    this.shops = [];
    if (shops.length > 0) await this.writeShops(shops);
    const ready: WatchedListing[] = [];
    const waiting: WatchedListing[] = [];
    for (const l of this.listings) {
      if (this.shopOfListing(l) !== undefined) ready.push(l);
      else if (l.shopUrl && !this.resolved.has(l.shopUrl) && !final) waiting.push(l);
      else ready.push(l);
    }
    this.listings = waiting;
    if (ready.length > 0) await this.writeListings(ready);
  }

  private shopOfListing(l: WatchedListing): ResolvedShop | undefined {
    const known = this.options.knownListings?.get(l.url);
    if (known) return { id: known.shopId, regionCode: known.regionCode };
    if (!l.shopUrl) return undefined;
    return this.resolved.get(l.shopUrl) ?? undefined;
  }

  private inScope(regionCode: string): boolean {
    return regionCode.startsWith(this.options.regionCode);
  }

  /** Matches shop records to register rows (creating them in discovery), then snapshots and evidence. */
  private async writeShops(records: WatchedShop[]): Promise<void> {
    const { observedAt } = this.options;
    const em = this.fork();
    const rows = new Map<WatchedShop, Shop | null>();
    await em.transactional(async (tem) => {
      for (const record of records) rows.set(record, await this.matchOrCreate(tem, record));
    });
    const snapshots: ShopSnapshotRow[] = [];
    const evidence: Array<{ record: WatchedShop; item: EvidenceItem[] }> = [];
    for (const record of records) {
      this.counts.shopsSeen++;
      const shop = rows.get(record) ?? null;
      if (!shop || !this.inScope(shop.regionCode)) {
        if (shop) this.counts.shopsOutOfScope++;
        this.resolved.set(record.url, null);
        continue;
      }
      const resolved = { id: shop.id, regionCode: shop.regionCode };
      this.resolved.set(record.url, resolved);
      if (!this.written.has(record.url)) this.written.set(record.url, { shopId: shop.id, regionCode: shop.regionCode });
      this.listedToday.set(shop.id, new Set(record.shop.listingUrls));
      evidence.push({ record, item: record.responses.map((response) => ({ shopId: shop.id, regionCode: shop.regionCode, observedAt, response })) });
      const l = record.shop.licence;
      snapshots.push({
        shopId: shop.id,
        regionCode: shop.regionCode,
        observedAt,
        title: clip(record.shop.name, 200),
        licenceName: clip(l?.name, 200),
        licenceUscc: clip(l?.uscc, 32),
        licenceAddress: clip(l?.address, 500),
        contact: null,
        listingCount: record.shop.listingUrls.length,
        contentHash: record.contentHash,
        evidenceSha256: null,
        foodLicence: clip(record.shop.foodLicence, 64),
      });
    }
    if (this.options.evidence && evidence.length > 0) {
      const shas = await this.options.evidence.capture(evidence.flatMap((e) => e.item));
      this.counts.captures += shas.length;
      let at = 0;
      for (const e of evidence) {
        const snapshot = snapshots.find((s) => s.shopId === e.item[0]?.shopId);
        if (snapshot) snapshot.evidenceSha256 = shas[at] ?? null;
        at += e.item.length;
      }
    }
    await this.writeBadgeSightings(records, rows);
    if (snapshots.length > 0) {
      const store = this.options.storeFor(executorFromEntityManager(this.fork()));
      await store.writeSnapshots(snapshots);
      for (const s of snapshots) this.snapshotShops.add(s.shopId);
      this.counts.snapshotsWritten = this.snapshotShops.size;
    }
  }

  /** The self-filing badges (电子标识) each shop page names, for the `badge-unverified` rule check (idempotent). */
  private async writeBadgeSightings(records: WatchedShop[], rows: Map<WatchedShop, Shop | null>): Promise<void> {
    const sightings: Array<{ shop_id: number; region_code: string; token: string; page_url: string }> = [];
    for (const record of records) {
      const shop = rows.get(record);
      const page = record.responses[0];
      if (!shop || !page || !this.inScope(shop.regionCode)) continue;
      for (const token of badgeTokensIn(page.body.toString('utf8'))) sightings.push({ shop_id: shop.id, region_code: shop.regionCode, token: token.slice(0, 200), page_url: page.url.slice(0, 1000) });
    }
    if (sightings.length === 0) return;
    await this.fork().getConnection().execute(
      `insert into badge_sighting (shop_id, region_code, observed_at, token, page_url)
       select x.shop_id, x.region_code, ?::timestamptz, x.token, x.page_url from jsonb_to_recordset(?::jsonb) as x(shop_id int, region_code text, token text, page_url text)
       on conflict do nothing`,
      [this.options.observedAt.toISOString(), JSON.stringify(sightings)],
    );
  }

  /** The register row of a crawled shop: matched by identity or URL; created (unfiled) by discovery. */
  private async matchOrCreate(em: EntityManager, record: WatchedShop): Promise<Shop | null> {
    const id = record.identity;
    const or: object[] = [{ watchUrl: record.url }, { url: record.url }];
    if (id?.platformShopId) or.push({ platform: id.platform, platformShopId: id.platformShopId });
    if (id?.domain) or.push({ platform: id.platform, domain: id.domain });
    const found = await em.find(Shop, { $or: or }, { orderBy: { id: 'asc' }, limit: 2 });
    if (found.length > 0) {
      const shop = found[0];
      if (shop.url !== record.url && shop.watchUrl !== record.url) {
        const clash = await em.count(Shop, { watchUrl: record.url, id: { $ne: shop.id } });
        if (clash === 0) shop.watchUrl = record.url;
      }
      return shop;
    }
    if (!this.options.createShops) return null;
    const licence = record.shop.licence;
    const entity = licence?.uscc ? await em.findOne(OnlineEntity, { uscc: licence.uscc }) : null;
    const region = regionOfShop(regionCatalog(), licence, entity?.regionCode ?? null);
    if (!this.inScope(region.regionCode)) return null;
    const ownSite = id?.platform === '自建网站';
    const shop = em.create(Shop, {
      name: clip(record.shop.name, 200) || (id?.domain ?? record.url),
      platform: id?.platform ?? domainOf(record.url),
      url: record.url,
      watchUrl: null,
      domain: id?.domain ?? domainOf(record.url),
      platformShopId: id?.platformShopId ?? null,
      classification: ownSite ? ShopClassification.OWN_SITE_TRADING : PLATFORM_CLASSIFICATION,
      regionCode: region.regionCode,
      filingStatus: FilingStatus.UNFILED,
      discoveredAt: this.options.observedAt,
      responsibleUnit: await responsibleUnitFor(em, region.regionCode).then((u) => (u ? ref(u) : null)),
    });
    const shown = licence ? `licence shows ${licence.name} ${licence.uscc}` : 'no licence shown';
    em.create(ShopEvent, {
      shop,
      kind: ShopEventKind.DISCOVERED,
      note: `found by crawl run ${this.options.runId}; ${shown}; region from ${region.from}; waiting to be filed`,
      details: { runId: this.options.runId, regionFrom: region.from, licence: licence ?? null, registeredEntityId: entity?.id ?? null },
      regionCode: region.regionCode,
      actorName: 'system:crawl',
      actorUnitId: null,
    });
    await em.flush();
    this.counts.shopsCreated++;
    return shop;
  }

  /** Upserts listing rows, keeps their pages as evidence and writes the observations. */
  private async writeListings(records: WatchedListing[]): Promise<void> {
    const { observedAt } = this.options;
    const upserts: Array<{ record: WatchedListing; shop: ResolvedShop }> = [];
    // a page handed on twice in one batch (a result delivered twice) is written once: one upsert may not touch a row twice
    const byUrl = new Map<string, WatchedListing>();
    for (const record of records) byUrl.set(record.url, record);
    if (byUrl.size < records.length) records = [...byUrl.values()];
    for (const record of records) {
      this.counts.listingsSeen++;
      const shop = this.shopOfListing(record);
      if (!shop || !record.listing) {
        if (!shop) this.counts.listingsWithoutShop++;
        continue;
      }
      if (!this.inScope(shop.regionCode)) continue;
      upserts.push({ record, shop });
    }
    if (upserts.length === 0) return;
    const db = executorFromEntityManager(this.fork());
    const payload = upserts.map(({ record, shop }) => ({
      shop_id: shop.id,
      url: record.url,
      platform_listing_id: clip(record.platformListingId, 64),
      title: clip(record.listing!.title, 500),
      description: clip(record.listing!.description, 5000) || null,
      category: clip(record.listing!.category, 200),
      seen_at: observedAt.toISOString(),
      region_code: shop.regionCode,
    }));
    const ids = await db.query<{ id: number; url: string }>(
      `insert into listing (shop_id, url, platform_listing_id, title, description, category, first_seen_at, last_seen_at, region_code)
       select x.shop_id, x.url, x.platform_listing_id, x.title, x.description, x.category, x.seen_at, x.seen_at, x.region_code
       from jsonb_to_recordset(?::jsonb) as x(shop_id int, url text, platform_listing_id text, title text, description text, category text, seen_at timestamptz, region_code text)
       on conflict (url) do update set
         title = excluded.title,
         description = excluded.description,
         category = coalesce(excluded.category, listing.category),
         platform_listing_id = coalesce(excluded.platform_listing_id, listing.platform_listing_id),
         first_seen_at = least(listing.first_seen_at, excluded.first_seen_at),
         last_seen_at = greatest(listing.last_seen_at, excluded.last_seen_at),
         removed_at = case when listing.removed_at <= excluded.last_seen_at then null else listing.removed_at end
       returning id, url`,
      [JSON.stringify(payload)],
    );
    const idOf = new Map(ids.map((r) => [r.url, Number(r.id)]));
    if (this.options.evidence) {
      const shas = await this.options.evidence.capture(upserts.map(({ record, shop }) => ({ shopId: shop.id, regionCode: shop.regionCode, observedAt, response: record.response })));
      this.counts.captures += shas.length;
    }
    const observations: ListingObservationRow[] = [];
    for (const { record, shop } of upserts) {
      const listingId = idOf.get(record.url);
      const l = record.listing!;
      if (listingId === undefined) continue;
      observations.push({
        listingId,
        shopId: shop.id,
        regionCode: shop.regionCode,
        observedAt,
        price: l.price,
        originalPrice: l.originalPrice,
        promotionText: clip(l.promotion, 500),
        sales: l.sales,
        stock: l.stock,
      });
    }
    const store = this.options.storeFor(db);
    await store.writeObservations(observations);
    for (const o of observations) this.observedListings.add(o.listingId);
    this.counts.observationsWritten = this.observedListings.size;
  }

  /**
   * Listings of the shops read today that their page no longer lists are marked removed at the run's time
   * (once: a retried run finds them marked already).
   */
  private async markRemoved(): Promise<void> {
    if (this.listedToday.size === 0) return;
    const db = executorFromEntityManager(this.fork());
    const payload = [...this.listedToday].map(([shopId, urls]) => ({ shop_id: shopId, urls: [...urls] }));
    const rows = await db.query<{ n: number }>(
      `with today as (select x.shop_id, x.urls from jsonb_to_recordset(?::jsonb) as x(shop_id int, urls jsonb)),
       gone as (update listing l set removed_at = ?::timestamptz
         from today t
         where l.shop_id = t.shop_id and l.removed_at is null and l.last_seen_at < ?::timestamptz
           and not jsonb_exists(t.urls, l.url)
         returning l.id)
       select count(*)::int as n from gone`,
      [JSON.stringify(payload), this.options.observedAt.toISOString(), this.options.observedAt.toISOString()],
    );
    this.counts.listingsRemoved += Number(rows[0]?.n ?? 0);
  }
}
