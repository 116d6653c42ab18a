/**
 * The query fields the compiled read path answers (services/reads): each names how its list is built —
 * the same query function its resolver calls, so the filter and order are declared once — or which type
 * it reads by id. Permissions and argument validation are the resolver's own (type-graphql metadata), read
 * by server/compiled-reads.ts; a request the compiled path cannot answer runs through the resolvers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ListSpec } from '../services/pagination';
import { caseList } from '../services/cases/case.queries';
import { clueList } from '../services/clues/clue.queries';
import { findingList } from '../services/findings/findings';
import { entityList } from '../services/registry/entity.queries';
import { shopList } from '../services/registry/shop.queries';

type Args = Record<string, any>;

export type CompiledRoot =
  | { kind: 'connection'; list: (em: EntityManager, args: Args) => Promise<ListSpec<unknown>> | ListSpec<unknown> }
  | { kind: 'one'; type: string; idArg: string };

export const COMPILED_ROOTS: Record<string, CompiledRoot> = {
  shops: { kind: 'connection', list: (em, a) => shopList(em, a.filter, a.orderBy) as Promise<ListSpec<unknown>> },
  entities: { kind: 'connection', list: (em, a) => entityList(em, a.filter, a.orderBy) as Promise<ListSpec<unknown>> },
  cases: { kind: 'connection', list: (em, a) => caseList(em, a.filter ?? {}) as Promise<ListSpec<unknown>> },
  clues: { kind: 'connection', list: (em, a) => clueList(em, a.filter ?? {}) as Promise<ListSpec<unknown>> },
  findings: { kind: 'connection', list: (_em, a) => findingList(a.filter ?? {}) as ListSpec<unknown> },
  shop: { kind: 'one', type: 'Shop', idArg: 'id' },
  case: { kind: 'one', type: 'Case', idArg: 'id' },
  clue: { kind: 'one', type: 'Clue', idArg: 'id' },
};
