/**
 * A GraphQL selection planned into one SQL expression that builds exactly the selected JSON (the way
 * PostGraphile and join-monster read: `json_build_object` per object, a correlated sub-select per nested
 * object or list), so a page is one statement and no managed entity is created.
 *
 * What can be planned is declared here, once per GraphQL type ({@link READ_MODELS}): its table, its plain
 * columns (taken from the ORM's metadata for every field that is a column of the entity and has no field
 * resolver of its own) and the nested fields spelled out (to-one joins, to-many lists, computed flags).
 * Anything else in a selection (a field with arguments, a field resolver not declared here, a field with
 * its own permission, an unknown directive) makes the planner give up with {@link NotPlannable}, and the
 * request runs through the resolvers as before: the compiled path is an optimisation, never a second
 * meaning. Every table is read under row-level security (services/reads/scoped-sql.ts), so a nested shop
 * or entity outside the caller's jurisdiction comes back null, as the resolvers answer it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityMetadata } from '@mikro-orm/core';
import {
  type FieldNode,
  type FragmentDefinitionNode,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  GraphQLEnumType,
  GraphQLIncludeDirective,
  GraphQLList,
  GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { sqlLiteral } from './scoped-sql';

/** The selection cannot be planned: run it through the resolvers. */
export class NotPlannable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotPlannable';
  }
}

/** How one GraphQL field of a planned type is read, beyond plain columns. */
type FieldPlan =
  /** a column of the row (encoded after the field's GraphQL type) */
  | { kind: 'column'; column: string }
  /** a computed SQL value of the row (`$` stands for the row's alias) */
  | { kind: 'expr'; sql: string }
  /** the one row of `type` that `on` joins (`$` the parent's alias, `@` the child's), or null; the first by `latest` if several */
  | { kind: 'one'; type: string; on: string; latest?: string }
  /** the rows of `type` from `from` (`$` the parent's alias, `@` the child's), ordered by `orderBy` */
  | { kind: 'many'; type: string; from: string; orderBy: string };

interface ReadModel {
  table: string;
  /** the GraphQL type's class, for its ORM metadata (plain columns) and its field resolvers */
  fields: Record<string, FieldPlan>;
}

/**
 * The planned types. Nested fields follow the resolvers they replace: `Shop.entity` and the shop of a case,
 * clue or finding are loaded through the jurisdiction rule (null outside), a case's clues in clue order, a
 * clue's findings in the order they were linked, `overdue` as `isCaseOverdue` / `isOverdue` compute it.
 */
export const READ_MODELS: Record<string, ReadModel> = {
  Shop: {
    table: 'shop',
    fields: {
      entity: { kind: 'one', type: 'OnlineEntity', on: '@.id = $.entity_id' },
      responsibleUnit: { kind: 'one', type: 'Unit', on: '@.id = $.responsible_unit_id' },
      region: { kind: 'one', type: 'Region', on: '@.code = $.region_code' },
      // the resolver's permission (market:read) is checked per request, before the statement runs
      latestSnapshot: { kind: 'one', type: 'ShopSnapshot', on: '@.shop_id = $.id', latest: '@.observed_at desc' },
    },
  },
  ShopSnapshot: {
    table: 'shop_snapshot',
    fields: {
      observedAt: { kind: 'column', column: 'observed_at' },
      title: { kind: 'column', column: 'title' },
      licenceName: { kind: 'column', column: 'licence_name' },
      licenceUscc: { kind: 'column', column: 'licence_uscc' },
      licenceAddress: { kind: 'column', column: 'licence_address' },
      contact: { kind: 'column', column: 'contact' },
      foodLicence: { kind: 'column', column: 'food_licence' },
      listingCount: { kind: 'column', column: 'listing_count' },
      contentHash: { kind: 'column', column: 'content_hash' },
      evidenceSha256: { kind: 'column', column: 'evidence_sha256' },
    },
  },
  OnlineEntity: {
    table: 'online_entity',
    fields: { region: { kind: 'one', type: 'Region', on: '@.code = $.region_code' } },
  },
  Unit: {
    table: 'unit',
    fields: {
      parent: { kind: 'one', type: 'Unit', on: '@.id = $.parent_id' },
      region: { kind: 'one', type: 'Region', on: '@.code = $.region_code' },
    },
  },
  Region: {
    table: 'region',
    fields: {
      code: { kind: 'column', column: 'code' },
      name: { kind: 'column', column: 'name' },
      level: { kind: 'column', column: 'level' },
      parent: { kind: 'column', column: 'parent_code' },
    },
  },
  Case: {
    table: 'legal_case',
    fields: {
      shop: { kind: 'one', type: 'Shop', on: '@.id = $.shop_id' },
      handlingUnit: { kind: 'one', type: 'Unit', on: '@.id = $.handling_unit_id' },
      overdue: { kind: 'expr', sql: '($.stage_deadline is not null and $.stage_deadline < now())' },
      clues: { kind: 'many', type: 'Clue', from: 'clue @ where @.id in (select l.clue_id from case_clue l where l.case_id = $.id)', orderBy: '@.id' },
    },
  },
  Clue: {
    table: 'clue',
    fields: {
      shop: { kind: 'one', type: 'Shop', on: '@.id = $.shop_id' },
      assignedUnit: { kind: 'one', type: 'Unit', on: '@.id = $.assigned_unit_id' },
      overdue: { kind: 'expr', sql: `($.status = 'assigned' and $.deadline is not null and $.deadline < now())` },
      findings: { kind: 'many', type: 'Finding', from: 'clue_finding l join finding @ on @.id = l.finding_id where l.clue_id = $.id', orderBy: 'l.id' },
    },
  },
  Finding: {
    table: 'finding',
    fields: { shop: { kind: 'one', type: 'Shop', on: '@.id = $.shop_id' } },
  },
};

/** How a value of a GraphQL scalar leaves PostgreSQL as it leaves the resolvers (`$` is the column). */
const SCALARS: Record<string, string> = {
  ID: '$::text',
  String: '$::text',
  Int: '$',
  Boolean: '$',
  DateTimeISO: `to_char($ at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  JSONObject: '$::json',
};

/** Everything a plan needs from the request. */
export interface PlanInput {
  schema: GraphQLSchema;
  /** the request's EntityManager (a list's filter) */
  em: EntityManager;
  /** any EntityManager of the database, for metadata and the reading pool (no request's unit of work needed) */
  db: EntityManager;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** whether the caller holds these permissions (the auth checker's answer); checked per request, plans are shared */
  allowed: (permissions: readonly string[]) => boolean;
}

/** The fields of a selection by response key (alias or name), as GraphQL merges them, honouring @skip and @include. */
export function collectFields(input: PlanInput, typeName: string, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (!included(input, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = fields.get(key);
        if (list) list.push(selection);
        else fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (selection.typeCondition && selection.typeCondition.name.value !== typeName) throw new NotPlannable('a fragment on another type');
        visit(selection.selectionSet, seen);
      } else {
        const name = selection.name.value;
        if (seen.has(name)) continue;
        const fragment = input.fragments[name];
        if (!fragment) throw new NotPlannable(`unknown fragment ${name}`);
        if (fragment.typeCondition.name.value !== typeName) throw new NotPlannable('a fragment on another type');
        visit(fragment.selectionSet, new Set([...seen, name]));
      }
    }
  };
  for (const set of sets) visit(set, new Set());
  return fields;
}

function included(input: PlanInput, node: { directives?: readonly { name: { value: string } }[] }): boolean {
  for (const directive of node.directives ?? []) {
    if (directive.name.value !== 'skip' && directive.name.value !== 'include') throw new NotPlannable(`directive @${directive.name.value}`);
  }
  if (!node.directives?.length) return true;
  const skip = getDirectiveValues(GraphQLSkipDirective, node as never, input.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as never, input.variables);
  return include?.if !== false;
}

/** The selection sets under a list of merged field nodes. */
export function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

interface TypeInfo {
  model: ReadModel;
  meta: EntityMetadata | undefined;
  /** fields with a field resolver of their own (never read as a plain column) */
  resolved: Set<string>;
  /** fields with a permission of their own, and the permissions */
  authorized: Map<string, string[]>;
}

const typeInfos = new WeakMap<GraphQLSchema, Map<string, TypeInfo>>();

function typeInfo(input: PlanInput, typeName: string): TypeInfo {
  let byType = typeInfos.get(input.schema);
  if (!byType) typeInfos.set(input.schema, (byType = new Map()));
  const known = byType.get(typeName);
  if (known) return known;
  const model = READ_MODELS[typeName];
  if (!model) throw new NotPlannable(`type ${typeName} is not planned`);
  const storage = getMetadataStorage();
  const target = storage.objectTypes.find((o) => o.name === typeName)?.target;
  const meta = target ? input.db.getMetadata().find(target.name) : undefined;
  const resolved = new Set<string>();
  const authorized = new Map<string, string[]>();
  if (target) {
    for (const resolver of storage.fieldResolvers) {
      const objectType = resolver.getObjectType?.() ?? resolver.resolverClassMetadata?.getObjectType?.();
      if (objectType === target) resolved.add(resolver.schemaName);
    }
    for (const field of storage.authorizedFields) {
      if (field.target === target) authorized.set(field.fieldName, field.roles as string[]);
    }
    for (const resolver of storage.fieldResolvers) {
      const objectType = resolver.getObjectType?.() ?? resolver.resolverClassMetadata?.getObjectType?.();
      const permission = objectType === target && storage.authorizedFields.find((a) => a.target === resolver.target && a.fieldName === resolver.methodName);
      if (permission) authorized.set(resolver.schemaName, permission.roles as string[]);
    }
  }
  const info: TypeInfo = { model, meta, resolved, authorized };
  byType.set(typeName, info);
  return info;
}

/** Aliases t1, t2, … unique within one statement, and the permissions its fields need. */
export class AliasCounter {
  private n = 0;
  /** permissions of fields that have one of their own (declared in READ_MODELS), for the caller to hold */
  readonly permissions = new Set<string>();
  next(): string {
    return `t${++this.n}`;
  }
}

/**
 * The SQL expression building the JSON of one `typeName` row under `alias` with the fields `fields`
 * (response key → merged nodes), keys in selection order.
 */
export function objectJson(input: PlanInput, typeName: string, alias: string, fields: Map<string, FieldNode[]>, aliases: AliasCounter): string {
  const type = input.schema.getType(typeName);
  if (!(type instanceof GraphQLObjectType)) throw new NotPlannable(`${typeName} is not an object type`);
  const info = typeInfo(input, typeName);
  const pairs: string[] = [];
  for (const [key, nodes] of fields) {
    const name = nodes[0].name.value;
    if (nodes.some((n) => n.arguments?.length)) throw new NotPlannable(`${typeName}.${name} has arguments`);
    if (name === '__typename') {
      pairs.push(`${sqlLiteral(key)}, ${sqlLiteral(typeName)}`);
      continue;
    }
    const field = type.getFields()[name];
    if (!field) throw new NotPlannable(`unknown field ${typeName}.${name}`);
    const permission = info.authorized.get(name);
    // a field with a permission of its own is planned only where READ_MODELS says how (else: its resolver)
    if (permission && !info.model.fields[name]) throw new NotPlannable(`${typeName}.${name} has a permission of its own`);
    for (const p of permission ?? []) aliases.permissions.add(p);
    const plan = info.model.fields[name] ?? plainColumn(info, name);
    pairs.push(`${sqlLiteral(key)}, ${fieldSql(input, plan, field.type, alias, nodes, aliases, `${typeName}.${name}`)}`);
  }
  if (pairs.length === 0) throw new NotPlannable('empty selection');
  // json_build_object takes at most 100 arguments (50 fields)
  if (pairs.length > 50) throw new NotPlannable('more than 50 fields in one object');
  return `json_build_object(${pairs.join(', ')})`;
}

function plainColumn(info: TypeInfo, name: string): FieldPlan {
  const prop = info.meta?.properties[name as never] as { kind?: string; fieldNames?: string[]; persist?: boolean } | undefined;
  if (info.resolved.has(name) || !prop || prop.kind !== 'scalar' || prop.persist === false || prop.fieldNames?.length !== 1) {
    throw new NotPlannable(`${name} is not a plain column`);
  }
  return { kind: 'column', column: prop.fieldNames[0] };
}

function fieldSql(
  input: PlanInput,
  plan: FieldPlan,
  gqlType: Parameters<typeof getNullableType>[0],
  alias: string,
  nodes: readonly FieldNode[],
  aliases: AliasCounter,
  where: string,
): string {
  const sub = (template: string, child?: string) => template.replace(/\$/g, alias).replace(/@/g, child ?? '@');
  const nullable = getNullableType(gqlType);
  const named = getNamedType(gqlType)!;
  if (plan.kind === 'column' || plan.kind === 'expr') {
    if (subSelections(nodes).length > 0) throw new NotPlannable(`${where} has a selection`);
    const value = plan.kind === 'column' ? `${alias}."${plan.column}"` : sub(plan.sql);
    if (nullable instanceof GraphQLList) {
      const item = getNullableType(nullable.ofType);
      // lists of plain scalars come from array or JSON columns as they are
      if (item instanceof GraphQLList || !['String', 'ID', 'Int', 'JSONObject'].includes(named.name)) throw new NotPlannable(`${where}: a list of ${named.name}`);
      return named.name === 'JSONObject' ? `${value}::json` : `to_json(${value})`;
    }
    if (named instanceof GraphQLEnumType) {
      const cases = named.getValues().map((v) => `when ${sqlLiteral(String(v.value))} then ${sqlLiteral(v.name)}`);
      return `(case ${value}::text ${cases.join(' ')} end)`;
    }
    const encode = SCALARS[named.name];
    if (!encode) throw new NotPlannable(`${where}: scalar ${named.name}`);
    return encode.replace(/\$/g, value);
  }
  const childFields = collectFields(input, named.name, subSelections(nodes));
  const child = aliases.next();
  const table = typeInfo(input, named.name).model.table;
  const json = objectJson(input, named.name, child, childFields, aliases);
  if (plan.kind === 'one') {
    if (nullable instanceof GraphQLList) throw new NotPlannable(`${where} is a list`);
    const latest = plan.latest ? ` order by ${sub(plan.latest, child)} limit 1` : '';
    return `(select ${json} from "${table}" ${child} where ${sub(plan.on, child)}${latest})`;
  }
  if (!(nullable instanceof GraphQLList)) throw new NotPlannable(`${where} is not a list`);
  return `(select coalesce(json_agg(${json} order by ${sub(plan.orderBy, child)}), '[]'::json) from ${sub(plan.from, child)})`;
}

/** Refuses the plan (the resolvers answer, with their error) unless the caller holds what its fields need. */
export function checkPermissions(input: PlanInput, permissions: ReadonlySet<string>): void {
  if (permissions.size > 0 && !input.allowed([...permissions])) throw new NotPlannable('a field needs a permission the caller lacks');
}

/** The table of a planned type. */
export function tableOf(input: PlanInput, typeName: string): string {
  return typeInfo(input, typeName).model.table;
}
