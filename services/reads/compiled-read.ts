/**
 * Reads a connection or one row as a planned SQL statement (selection-sql.ts): the list's own condition
 * and order (its {@link ListSpec}, the one the ORM path reads too), the jurisdiction twice over — as an
 * index-friendly predicate from `jurisdictionSql` and, whatever the SQL says, PostgreSQL's row-level
 * security on the reading role (scoped-sql.ts) — keyset pagination with MikroORM's cursors (a cursor of
 * one path works on the other), the count only when `totalCount` is selected. One round trip a root field.
 */
import { Cursor } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type ASTNode, getNamedType, GraphQLObjectType, type FieldNode, visit } from 'graphql';
import { jurisdictionSql, prefixRange } from '../../entities/jurisdiction';
import { checkPage, type ListSpec, type Page } from '../pagination';
import { scopedValue, sqlLiteral } from './scoped-sql';
import { AliasCounter, checkPermissions, collectFields, NotPlannable, objectJson, type PlanInput, subSelections, tableOf } from './selection-sql';

/** `?` placeholders of a fragment filled with literals. */
function inline(sql: string, params: readonly string[]): string {
  let i = 0;
  return sql.replace(/\?/g, () => sqlLiteral(params[i++]));
}

/** A cursor value as a SQL literal of the ordered column's kind. */
function cursorLiteral(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new NotPlannable('invalid date in cursor');
    return `${sqlLiteral(value.toISOString())}::timestamptz`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return sqlLiteral(value);
  throw new NotPlannable('cursor value of another kind');
}

interface OrderColumn {
  column: string;
  direction: 'asc' | 'desc';
  /** the cursor value's SQL (as MikroORM's cursor holds it: dates as ISO strings with milliseconds) */
  cursorValue: (alias: string) => string;
}

function orderOf(em: EntityManager, spec: ListSpec<unknown>): OrderColumn[] {
  const meta = em.getMetadata().find((spec.entity as { name: string }).name);
  if (!meta) throw new NotPlannable('no metadata');
  const entries = Object.entries(spec.orderBy as Record<string, unknown>);
  if (entries.length !== 1) throw new NotPlannable('order by several properties');
  const [property, rawDirection] = entries[0];
  const direction = String(rawDirection).toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') throw new NotPlannable(`order ${String(rawDirection)}`);
  const column = (name: string): OrderColumn => {
    const prop = meta.properties[name as never] as { kind?: string; fieldNames?: string[]; runtimeType?: string; type?: string } | undefined;
    if (!prop || prop.kind !== 'scalar' || prop.fieldNames?.length !== 1) throw new NotPlannable(`order by ${name}`);
    const col = prop.fieldNames[0];
    const isDate = prop.runtimeType === 'Date' || /date/i.test(String(prop.type));
    return {
      column: col,
      direction,
      cursorValue: (alias) => (isDate ? `to_char(${alias}."${col}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : `${alias}."${col}"`),
    };
  };
  // as paginate(): the property, then the primary key in the same direction (cursors hold both)
  return [column(property), column('id')];
}

/**
 * The SQL condition of a list's filter on the row alias `alias`: the ORM's own translation of its `where`,
 * values inlined. Where that is a condition on the row alone (no join) it is used as it is, with a region
 * prefix (`"r0"."region_code" like '3701%'`) written as the same leakproof byte range as the jurisdiction
 * (see `jurisdictionSql`), so that below the row-level-security policy the region index still serves it;
 * otherwise it is `id in (the ORM's query)`.
 */
function filterSql(em: EntityManager, spec: ListSpec<unknown>, alias: string): string {
  const where = spec.where as Record<string, unknown>;
  if (Object.keys(where).length === 0) return 'true';
  const meta = em.getMetadata().find((spec.entity as { name: string }).name);
  const qb = em.createQueryBuilder(spec.entity as never, alias).select(`${alias}.id`).where(where as never);
  const sql = qb.getFormattedQuery();
  const head = `select "${alias}"."id" from "${meta?.tableName}" as "${alias}" where `;
  if (!meta || !sql.startsWith(head)) {
    const sub = em.createQueryBuilder(spec.entity as never, 'f0').select('f0.id').where(where as never);
    return `${alias}."id" in (${sub.getFormattedQuery()})`;
  }
  // a quote followed by a digit opens a literal (inside one, a quote is doubled), so only the ORM's own prefixes match
  const region = new RegExp(`"${alias}"\\."region_code" like '([0-9]{1,12})%'`, 'g');
  return `(${sql.slice(head.length).replace(region, (_m, prefix: string) => {
    const [low, high] = prefixRange(prefix);
    return `("${alias}"."region_code" ~>=~ '${low}' and "${alias}"."region_code" ~<~ '${high}')`;
  })})`;
}

/** What a connection's selection asks for, and the JSON of its nodes (independent of page, order and caller). */
interface ConnectionSelection {
  connection: GraphQLObjectType;
  nodeType: string;
  table: string;
  top: Map<string, FieldNode[]>;
  /** the SQL of each selected node (under `nodes` or an edge's `node`), one column of a row after the cursor */
  nodeJsons: string[];
  nodeColumn: Map<string, number>;
  edgeFields: Map<string, Map<string, FieldNode[]>>;
  wantsTotal: boolean;
  /** permissions the selected fields need beyond the root's */
  permissions: ReadonlySet<string>;
}

function planSelection(input: PlanInput, connectionType: string, nodes: readonly FieldNode[]): ConnectionSelection {
  const connection = input.schema.getType(connectionType);
  if (!(connection instanceof GraphQLObjectType)) throw new NotPlannable(`${connectionType} is not an object type`);
  const nodeType = getNamedType(connection.getFields().nodes?.type)?.name;
  if (!nodeType) throw new NotPlannable(`${connectionType} has no nodes`);
  const table = tableOf(input, nodeType);
  const aliases = new AliasCounter();

  // what the selection asks for: totalCount, pageInfo, edges { cursor node }, nodes
  const top = collectFields(input, connectionType, subSelections(nodes));
  // each selected node (under `nodes` or an edge's `node`) is one column of a row, after the cursor
  const nodeSelections: Array<Map<string, FieldNode[]>> = [];
  const nodeColumn = new Map<string, number>();
  const edgeFields = new Map<string, Map<string, FieldNode[]>>();
  for (const [key, fieldNodes] of top) {
    const name = fieldNodes[0].name.value;
    if (name === 'nodes') {
      nodeColumn.set(key, 1 + nodeSelections.length);
      nodeSelections.push(collectFields(input, nodeType, subSelections(fieldNodes)));
    } else if (name === 'edges') {
      const edge = collectFields(input, getNamedType(connection.getFields().edges.type).name, subSelections(fieldNodes));
      edgeFields.set(key, edge);
      for (const [edgeKey, edgeNodes] of edge) {
        const edgeName = edgeNodes[0].name.value;
        if (edgeName === 'node') {
          nodeColumn.set(`${key}\u0000${edgeKey}`, 1 + nodeSelections.length);
          nodeSelections.push(collectFields(input, nodeType, subSelections(edgeNodes)));
        }
        else if (edgeName !== 'cursor' && edgeName !== '__typename') throw new NotPlannable(`edge field ${edgeName}`);
      }
    } else if (!['totalCount', 'pageInfo', '__typename'].includes(name)) throw new NotPlannable(`connection field ${name}`);
  }

  const nodeJsons = nodeSelections.map((fields) => objectJson(input, nodeType, 'r', fields, aliases));
  const wantsTotal = [...top.values()].some((n) => n[0].name.value === 'totalCount');
  return { connection, nodeType, table, top, nodeJsons, nodeColumn, edgeFields, wantsTotal, permissions: aliases.permissions };
}

/**
 * Plans remembered: a selection's SQL depends only on the selection — AST nodes of the document Apollo
 * keeps parsed per query text, so the same objects request after request — and on the variables of its
 * `@skip` / `@include` (nested fields take no arguments on this path). Not on the caller: nested rows are
 * limited by row-level security, the root's jurisdiction is added per request.
 */
const plans = new WeakMap<FieldNode, Map<string, unknown>>();
const directiveVariables = new WeakMap<FieldNode, string[]>();

function remembered<T>(input: PlanInput, nodes: readonly FieldNode[], what: string, build: () => T): T {
  if (nodes.length !== 1) return build();
  const root = nodes[0];
  let names = directiveVariables.get(root);
  if (!names) {
    const found = new Set<string>();
    const collect = (node: ASTNode) =>
      visit(node, {
        Directive(d) {
          visit(d, { Variable: (v) => void found.add(v.name.value) });
        },
      });
    collect(root);
    // fragments spread anywhere below: conservatively, the directives of all the document's fragments
    for (const fragment of Object.values(input.fragments)) collect(fragment);
    names = [...found].sort();
    directiveVariables.set(root, names);
  }
  const key = `${what}\u0000${JSON.stringify(names.map((n) => input.variables[n] ?? null))}`;
  let byKey = plans.get(root);
  if (!byKey) plans.set(root, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key) as T;
  const plan = build();
  if (byKey.size < 16) byKey.set(key, plan);
  return plan;
}

/**
 * One page of a connection field with the selection `nodes` under connection type `connectionType`
 * (ShopConnection, …): the object graphql-js would have produced, keys in selection order.
 */
export async function readConnection(input: PlanInput, connectionType: string, spec: ListSpec<unknown>, page: Page, nodes: readonly FieldNode[]): Promise<Record<string, unknown>> {
  if (page.last != null || page.before != null) throw new NotPlannable('backward pages');
  const size = checkPage(page);
  const { connection, table, top, nodeJsons, nodeColumn, edgeFields, wantsTotal, permissions } = remembered(input, nodes, `connection ${connectionType}`, () =>
    planSelection(input, connectionType, nodes),
  );
  checkPermissions(input, permissions);
  const order = orderOf(input.db, spec);

  const jurisdiction = jurisdictionSql('r0.region_code');
  const conditions = [inline(jurisdiction.sql, jurisdiction.params), filterSql(input.em, spec, 'r0')];
  const countConditions = [...conditions];
  if (page.after != null) {
    const values = Cursor.decode(page.after) as unknown[];
    if (values.length !== order.length) throw new NotPlannable('a cursor of another order');
    const op = order[0].direction === 'asc' ? '>' : '<';
    conditions.push(`(${order.map((o) => `r0."${o.column}"`).join(', ')}) ${op} (${values.map(cursorLiteral).join(', ')})`);
  }
  const orderSql = (alias: string) => order.map((o) => `${alias}."${o.column}" ${o.direction}`).join(', ');
  const cursorSql = `json_build_array(${order.map((o) => o.cursorValue('r')).join(', ')})`;
  const rowSql = `json_build_array(${[cursorSql, ...nodeJsons].join(', ')})`;
  const sql = `select json_build_object(
      'rows', (select coalesce(json_agg(${rowSql} order by ${orderSql('r')}), '[]'::json)
               from (select r0.* from "${table}" r0 where ${conditions.join(' and ')} order by ${orderSql('r0')} limit ${size + 1}) r),
      'total', ${wantsTotal ? `(select count(*)::int from "${table}" r0 where ${countConditions.join(' and ')})` : 'null'}
    )::text`;
  const text = await scopedValue<string>(input.db, sql);
  const result = JSON.parse(text) as { rows: unknown[][]; total: number | null };
  const rows = result.rows;
  const hasNextPage = rows.length > size;
  if (hasNextPage) rows.pop();
  const cursors = rows.map((row) => Cursor.encode(row[0] as unknown[]));

  const out: Record<string, unknown> = {};
  for (const [key, fieldNodes] of top) {
    const name = fieldNodes[0].name.value;
    if (name === '__typename') out[key] = connectionType;
    else if (name === 'totalCount') out[key] = result.total;
    else if (name === 'nodes') {
      const index = nodeColumn.get(key)!;
      out[key] = rows.map((row) => row[index]);
    } else if (name === 'pageInfo') {
      const info: Record<string, unknown> = {};
      for (const [infoKey, infoNodes] of collectFields(input, 'PageInfo', subSelections(fieldNodes))) {
        const infoName = infoNodes[0].name.value;
        if (infoName === 'hasNextPage') info[infoKey] = hasNextPage;
        else if (infoName === 'hasPreviousPage') info[infoKey] = page.after != null;
        else if (infoName === 'startCursor') info[infoKey] = cursors[0] ?? null;
        else if (infoName === 'endCursor') info[infoKey] = cursors[cursors.length - 1] ?? null;
        else if (infoName === '__typename') info[infoKey] = 'PageInfo';
        else throw new NotPlannable(`pageInfo field ${infoName}`);
      }
      out[key] = info;
    } else if (name === 'edges') {
      const edge = edgeFields.get(key)!;
      const edgeType = getNamedType(connection.getFields().edges.type).name;
      out[key] = rows.map((row, i) => {
        const e: Record<string, unknown> = {};
        for (const [edgeKey, edgeNodes] of edge) {
          const edgeName = edgeNodes[0].name.value;
          e[edgeKey] = edgeName === 'cursor' ? cursors[i] : edgeName === '__typename' ? edgeType : row[nodeColumn.get(`${key}\u0000${edgeKey}`)!];
        }
        return e;
      });
    }
  }
  return out;
}

/**
 * One row of `typeName` by id with the selection `nodes`, or null when there is none in the caller's
 * jurisdiction (the caller then lets the resolver answer, with its NOT_FOUND).
 */
export async function readOne(input: PlanInput, typeName: string, id: unknown, nodes: readonly FieldNode[]): Promise<Record<string, unknown> | null> {
  const n = typeof id === 'string' && /^[1-9][0-9]{0,9}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n > 2_147_483_647) return null;
  const table = tableOf(input, typeName);
  const { json, permissions } = remembered(input, nodes, `one ${typeName}`, () => {
    const aliases = new AliasCounter();
    return { json: objectJson(input, typeName, 'r', collectFields(input, typeName, subSelections(nodes)), aliases), permissions: aliases.permissions };
  });
  checkPermissions(input, permissions);
  const jurisdiction = jurisdictionSql('r.region_code');
  const text = await scopedValue<string | null>(
    input.db,
    `select ${json}::text from "${table}" r where r.id = ${n} and ${inline(jurisdiction.sql, jurisdiction.params)}`,
  );
  return text == null ? null : (JSON.parse(text) as Record<string, unknown>);
}
