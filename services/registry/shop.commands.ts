import type { EntityManager } from '@mikro-orm/postgresql';
import { ref } from '@mikro-orm/core';
import {
  currentActor,
  FilingStatus,
  MaintenanceStatus,
  OnlineEntity,
  RegistrationStatus,
  Shop,
  ShopEvent,
  ShopEventKind,
} from '../../entities';
import { MaintenanceAction } from '../../schema/enums';
import type { CreateShopInput, FileShopInput, MaintainShopInput } from '../../schema/registry.inputs';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { runAsSystem } from '../system-actor';
import { getEntity } from './entity.queries';
import { domainOf, requireRegion, responsibleUnitFor } from './registry-rules';
import { getShop } from './shop.queries';

function recordEvent(em: EntityManager, shop: Shop, kind: ShopEventKind, note: string | null, details: Record<string, unknown> | null = null) {
  const actor = currentActor();
  em.create(ShopEvent, { shop, kind, note, details, regionCode: shop.regionCode, actorName: actor.name, actorUnitId: actor.unitId });
}

/** Adds a shop to the register (unfiled until filed); `origin` is the note of its 'discovered' event. */
export function createShop(em: EntityManager, input: CreateShopInput, origin = 'added by hand'): Promise<Shop> {
  return runCommand(em, 'createShop', async (tem) => {
    const regionCode = requireRegion(input.regionCode);
    const url = input.url.trim();
    const domain = domainOf(url);
    const taken = await runAsSystem('createShop: URL uniqueness', () => tem.count(Shop, { url }));
    if (taken > 0) throw new UserInputError(`url: ${url} is already in the register`, 'url');
    const entity = input.entityId ? await getEntity(tem, { id: input.entityId }) : null;
    const shop = tem.create(Shop, {
      name: input.name.trim(),
      platform: input.platform.trim(),
      url,
      domain,
      classification: input.classification,
      regionCode,
      icpNumber: input.icpNumber?.trim() || null,
      platformShopId: input.platformShopId?.trim() || null,
      entity: entity ? ref(entity) : null,
      responsibleUnit: await responsibleUnitFor(tem, regionCode).then((u) => (u ? ref(u) : null)),
    });
    recordEvent(tem, shop, ShopEventKind.DISCOVERED, origin);
    return shop;
  });
}

/**
 * Files a shop (建档): links it to its registered, active entity and records it as filed. Re-filing a
 * filed shop to another entity is allowed and recorded as an update.
 */
export function fileShop(em: EntityManager, input: FileShopInput): Promise<Shop> {
  return runCommand(em, 'fileShop', async (tem) => {
    const shop = await getShop(tem, input.shopId);
    if (!input.entityId && !input.uscc) throw new UserInputError('give the entityId or the uscc of the registered entity', 'entityId');
    const entity: OnlineEntity = await getEntity(tem, input.entityId ? { id: input.entityId } : { uscc: input.uscc });
    if (entity.registrationStatus !== RegistrationStatus.ACTIVE) {
      throw new UserInputError(`entity ${entity.uscc} is ${entity.registrationStatus}; only active businesses can be filed`, 'entityId');
    }
    const wasFiled = shop.filingStatus === FilingStatus.FILED;
    const previousEntity = shop.entity?.id ?? null;
    const changesDetails =
      (input.classification != null && input.classification !== shop.classification) || (!!input.icpNumber && input.icpNumber.trim() !== shop.icpNumber);
    if (wasFiled && previousEntity === entity.id && !changesDetails) {
      throw new UserInputError(`shop ${shop.id} is already filed for ${entity.name}`, 'shopId');
    }
    shop.entity = ref(entity);
    shop.filingStatus = FilingStatus.FILED;
    shop.filedAt ??= new Date();
    if (input.classification) shop.classification = input.classification;
    if (input.icpNumber) shop.icpNumber = input.icpNumber.trim();
    recordEvent(tem, shop, wasFiled ? ShopEventKind.UPDATED : ShopEventKind.FILED, input.note?.trim() || null, {
      entityId: entity.id,
      uscc: entity.uscc,
      previousEntityId: previousEntity,
    });
    return shop;
  });
}

const MAINTENANCE: Record<MaintenanceAction, { status: MaintenanceStatus; event: ShopEventKind }> = {
  [MaintenanceAction.LINK_DEAD]: { status: MaintenanceStatus.LINK_DEAD, event: ShopEventKind.MARKED_LINK_DEAD },
  [MaintenanceAction.NOT_IN_JURISDICTION]: { status: MaintenanceStatus.NOT_IN_JURISDICTION, event: ShopEventKind.MARKED_NOT_IN_JURISDICTION },
  [MaintenanceAction.INFO_MISMATCH]: { status: MaintenanceStatus.INFO_MISMATCH, event: ShopEventKind.MARKED_INFO_MISMATCH },
  [MaintenanceAction.NORMAL]: { status: MaintenanceStatus.NORMAL, event: ShopEventKind.RESTORED },
};

/** Records a maintenance check (比对维护) of a shop: link dead, not in jurisdiction, info mismatch, or in order. */
export function maintainShop(em: EntityManager, input: MaintainShopInput): Promise<Shop> {
  return runCommand(em, 'maintainShop', async (tem) => {
    const shop = await getShop(tem, input.shopId);
    const { status, event } = MAINTENANCE[input.action];
    if (shop.maintenanceStatus === status && status === MaintenanceStatus.NORMAL) {
      throw new UserInputError(`shop ${shop.id} is already in order`, 'action');
    }
    const before = shop.maintenanceStatus;
    shop.maintenanceStatus = status;
    shop.lastMaintainedAt = new Date();
    recordEvent(tem, shop, event, input.note.trim(), { before, after: status });
    return shop;
  });
}
