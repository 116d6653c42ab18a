import type { EntityManager } from '@mikro-orm/postgresql';
import { OnlineEntity, RegistrationStatus } from '../../entities';
import type { CreateEntityInput, UpdateEntityInput } from '../../schema/registry.inputs';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { runAsSystem } from '../system-actor';
import { getEntity } from './entity.queries';
import { requireRegion, requireUscc } from './registry-rules';

/** Adds a business to the register. The USCC must be valid and not registered yet. */
export function createEntity(em: EntityManager, input: CreateEntityInput): Promise<OnlineEntity> {
  return runCommand(em, 'createEntity', async (tem) => {
    const uscc = requireUscc(input.uscc);
    const regionCode = requireRegion(input.regionCode);
    // uniqueness is global, so the check looks beyond the caller's jurisdiction (and says no more than "exists")
    const taken = await runAsSystem('createEntity: USCC uniqueness', () => tem.count(OnlineEntity, { uscc }));
    if (taken > 0) throw new UserInputError(`uscc: ${uscc} is already registered`, 'uscc');
    const entity = tem.create(OnlineEntity, {
      uscc,
      name: input.name.trim(),
      legalRepresentative: input.legalRepresentative?.trim() || null,
      address: input.address?.trim() || null,
      regionCode,
      registrationStatus: input.registrationStatus ?? RegistrationStatus.ACTIVE,
      businessScope: input.businessScope?.trim() || null,
    });
    return entity;
  });
}

/** Changes a registered business in the caller's jurisdiction. */
export function updateEntity(em: EntityManager, id: string, input: UpdateEntityInput): Promise<OnlineEntity> {
  return runCommand(em, 'updateEntity', async (tem) => {
    const entity = await getEntity(tem, { id });
    if (input.name != null) entity.name = input.name.trim();
    if (input.legalRepresentative !== undefined) entity.legalRepresentative = input.legalRepresentative?.trim() || null;
    if (input.address !== undefined) entity.address = input.address?.trim() || null;
    if (input.regionCode != null) entity.regionCode = requireRegion(input.regionCode);
    if (input.registrationStatus != null) entity.registrationStatus = input.registrationStatus;
    if (input.businessScope !== undefined) entity.businessScope = input.businessScope?.trim() || null;
    return entity;
  });
}
