import type { EntityManager } from '@mikro-orm/postgresql';
import { withOperation } from '../entities';

/**
 * Runs one business action (a command) in one transaction under the current actor, naming the
 * operation for the audit log. Every write of the platform goes through here: the flush subscriber
 * refuses audited writes outside a transaction and checks each row against the actor's jurisdiction.
 */
export function runCommand<T>(em: EntityManager, operation: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withOperation(operation, () => em.transactional((tem) => fn(tem as EntityManager)));
}
