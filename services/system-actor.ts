import { type Actor, runAs } from '../entities';
import { logger } from '../kernel/logger';

/** Every permission, held by system actors (jobs, migrations, the demo loader). */
export const ALL_PERMISSIONS_MARKER = '*';

/**
 * The only way around the jurisdiction rule: runs `fn` as a named system actor that sees the whole
 * database. Every use is logged with its reason.
 */
export function runAsSystem<T>(reason: string, fn: () => T): T {
  const actor: Actor = {
    kind: 'system',
    id: null,
    name: `system:${reason}`,
    unitId: null,
    role: 'system',
    permissions: new Set([ALL_PERMISSIONS_MARKER]),
    prefixes: [''],
    operation: reason,
  };
  logger.debug({ reason }, 'running as system actor');
  return runAs(actor, fn);
}
