/**
 * acceptSelfFiling (staff): the station accepts a filing under review. Every shop of it gets its badge (a
 * random id; the link signed for the shop's address) and a place in the register: the register's shop at
 * that address (linked to the entity and marked filed) or a new one created filed. The caller's
 * jurisdiction holds the filing (the ORM filter) and the shops it writes (the flush subscriber).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { FilingStatus, OnlineEntity, SelfFiling, SelfFilingShop, SelfFilingStatus, Shop, ShopClassification, ShopEvent, ShopEventKind, currentActor } from '../../entities';
import { now } from '../../kernel/clock';
import { runCommand } from '../command';
import { matchShopByUrl, shopUrlKey } from '../complaints/complaint.commands';
import { UserInputError } from '../errors';
import { createShop } from '../registry/shop.commands';
import { newBadgeId } from './badge-token';
import { getFiling } from './filing.queries';

/** The register's shop for a filed address: matched (linked, filed) or created filed. */
async function registerShop(em: EntityManager, filing: SelfFiling, entity: OnlineEntity, fs: SelfFilingShop): Promise<Shop> {
  const key = shopUrlKey(fs.url)!.key;
  let shop = await matchShopByUrl(em, key);
  if (shop?.entity && shop.entity.id !== entity.id) throw new UserInputError(`the register links ${fs.url} to another entity; correct the register first`, 'id');
  if (!shop) {
    const created = await createShop(
      em,
      {
        name: entity.name.slice(0, 200),
        platform: fs.platform,
        url: fs.url,
        classification: fs.platform === '自建网站' ? ShopClassification.OWN_SITE_TRADING : ShopClassification.PLATFORM_MERCHANT,
        regionCode: filing.regionCode,
        entityId: String(entity.id),
      } as never,
      `self-filing ${filing.number} (主体备案)`,
    );
    shop = await em.findOneOrFail(Shop, { id: created.id });
  }
  const actor = currentActor();
  if (!shop.entity) shop.entity = em.getReference(OnlineEntity, entity.id) as never;
  if (shop.filingStatus !== FilingStatus.FILED) {
    shop.filingStatus = FilingStatus.FILED;
    shop.filedAt = now();
    em.create(ShopEvent, { shop, kind: ShopEventKind.FILED, note: `主体备案 ${filing.number} 审核通过`, details: { selfFiling: filing.number }, regionCode: shop.regionCode, actorName: actor.name, actorUnitId: actor.unitId });
  }
  return shop;
}

/** Accepts a filing under review; its shops' badges verify from now on. */
export function acceptSelfFiling(em: EntityManager, id: string | number): Promise<SelfFiling> {
  return runCommand(em, 'acceptSelfFiling', async (tem) => {
    const filing = await getFiling(tem, id);
    if (filing.status !== SelfFilingStatus.UNDER_REVIEW) throw new UserInputError(`self-filing ${filing.number} is ${filing.status}: only a filing under review (every shop verified) is accepted`, 'id');
    const entity = await tem.findOneOrFail(OnlineEntity, { id: filing.entity.id });
    const shops = await tem.find(SelfFilingShop, { filing }, { orderBy: { id: 'asc' } });
    for (const fs of shops) {
      fs.badgeId = newBadgeId();
      fs.shop = tem.getReference(Shop, (await registerShop(tem, filing, entity, fs)).id) as never;
    }
    const actor = currentActor();
    filing.status = SelfFilingStatus.ACCEPTED;
    filing.reviewedAt = now();
    filing.reviewedBy = actor.name;
    return filing;
  });
}
