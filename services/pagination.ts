import type { EntityManager } from '@mikro-orm/postgresql';
import { Cursor, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { Connection } from '../schema/connection';
import { UserInputError } from './errors';

export interface Page {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  /** count the matching rows (a scan of them all): only when the caller asks for the total */
  countTotal?: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * What a list reads, apart from the page: rows of `entity` matching `where`, ordered by `orderBy` (one
 * property; the primary key breaks ties). Built once by each list's query function, read by both read
 * paths: the ORM's (`paginate`) and the compiled SQL of services/reads.
 */
export interface ListSpec<T> {
  entity: EntityName<T>;
  where: FilterQuery<T>;
  orderBy: QueryOrderMap<T>;
}

/** The page size a request asks for, checked (either first or last, 0..MAX_PAGE_SIZE), and its cursors. */
export function checkPage(page: Page): number {
  if (page.first != null && page.last != null) throw new UserInputError('pass either first or last, not both');
  const size = page.first ?? page.last ?? DEFAULT_PAGE_SIZE;
  if (size < 0 || size > MAX_PAGE_SIZE) throw new UserInputError(`page size must be between 0 and ${MAX_PAGE_SIZE}`);
  for (const value of [page.after, page.before]) {
    if (value == null) continue;
    try {
      const decoded = Cursor.decode(value);
      if (!Array.isArray(decoded)) throw new Error('not a list');
    } catch {
      throw new UserInputError(`invalid cursor "${value.slice(0, 40)}": use a cursor returned by this list`);
    }
  }
  return size;
}

/** One Relay page of a list (see {@link ListSpec}). */
export function paginateList<T extends { id: number | string }>(em: EntityManager, spec: ListSpec<T>, page: Page): Promise<Connection<T>> {
  return paginate(em, spec.entity, spec.where, spec.orderBy, page);
}

/**
 * One Relay page of `entity` rows matching `where` (the jurisdiction filter applies as to any read),
 * ordered by `orderBy` with the primary key as tie-breaker so cursors are stable.
 */
export async function paginate<T extends { id: number | string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  orderBy: QueryOrderMap<T>,
  page: Page,
): Promise<Connection<T>> {
  const size = checkPage(page);
  const direction = Object.values(orderBy)[0] ?? 'asc';
  const order = [orderBy, { id: direction }] as QueryOrderMap<T>[];
  let cursor;
  try {
    cursor = await em.findByCursor(entity, where, {
      ...(page.last != null ? { last: size, before: page.before ?? undefined } : { first: size, after: page.after ?? undefined }),
      ...(page.last == null && page.before ? { before: page.before } : {}),
      orderBy: order as any,
      includeCount: page.countTotal !== false,
    });
  } catch (err) {
    if (err instanceof Error && /cursor/i.test(err.message)) throw new UserInputError(`invalid cursor: ${err.message}`);
    throw err;
  }
  const nodes = cursor.items as T[];
  const edges = nodes.map((node) => ({ cursor: cursor.from(node as any), node }));
  return {
    edges,
    nodes,
    totalCount: cursor.totalCount ?? -1,
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Escapes LIKE wildcards in user text. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
