/**
 * The compiled read path as an Apollo Server plugin: after parsing, validation, the depth and cost limits
 * (all as before), a query whose every root field is one of {@link COMPILED_ROOTS} and whose selection the
 * planner can express is answered by SQL that returns the selected JSON (services/reads), without
 * graphql-js walking the result, without managed entities, without a promise per field. The root field's
 * permission is checked by the same auth checker and its arguments validated by the same class-validator
 * rules as on the resolver path; anything the plan does not cover — including every error — is left to
 * the resolvers, which answer as they always did. `COMPILED_READS=false` turns it off.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApolloServerPlugin, GraphQLRequestContextResponseForOperation } from '@apollo/server';
import { validate } from 'class-validator';
import type { Counter } from 'prom-client';
import {
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  Kind,
} from 'graphql';
import { type AuthCheckerFn, getMetadataStorage } from 'type-graphql';
import type { Context } from '../resolvers/context';
import { COMPILED_ROOTS } from '../resolvers/compiled-roots';
import { readConnection, readOne } from '../services/reads/compiled-read';
import { collectFields, NotPlannable, type PlanInput } from '../services/reads/selection-sql';
import { authChecker } from './graphql';
import { logger } from '../kernel/logger';

interface RootMeta {
  roles: string[];
  /** the root field's named arguments (the rest of its arguments belong to an `args` class) */
  argNames: string[];
  /** argument classes to validate: `args` (flattened, e.g. PageArgs) or one named argument */
  validated: Array<{ kind: 'args'; type: Function } | { kind: 'arg'; name: string; type: Function }>;
}

let rootMetas: Map<string, RootMeta> | undefined;

/** Permissions and validated argument classes of the compiled root fields, from type-graphql's metadata. */
function rootMeta(field: string): RootMeta | undefined {
  if (!rootMetas) {
    rootMetas = new Map();
    const storage = getMetadataStorage();
    for (const name of Object.keys(COMPILED_ROOTS)) {
      const query = storage.queries.find((q) => q.schemaName === name);
      if (!query) continue;
      const authorized = storage.authorizedFields.find((a) => a.target === query.target && a.fieldName === query.methodName);
      const validated: RootMeta['validated'] = [];
      const argNames: string[] = [];
      for (const param of storage.params) {
        if (param.target !== query.target || param.methodName !== query.methodName) continue;
        if (param.kind === 'arg') argNames.push(param.name);
        if (param.kind === 'args') validated.push({ kind: 'args', type: param.getType() as Function });
        if (param.kind === 'arg') {
          const type = param.getType();
          if (typeof type === 'function' && type.prototype && storage.inputTypes.some((i) => i.target === type)) {
            validated.push({ kind: 'arg', name: param.name, type: type as Function });
          }
        }
      }
      rootMetas.set(name, { roles: (authorized?.roles ?? []) as string[], argNames, validated });
    }
  }
  return rootMetas.get(field);
}

/** Whether the arguments pass the class-validator rules the resolver path would apply (else: the resolver answers). */
async function argumentsValid(meta: RootMeta, args: Record<string, unknown>): Promise<boolean> {
  for (const v of meta.validated) {
    const value = v.kind === 'args' ? Object.fromEntries(Object.entries(args).filter(([k]) => !meta.argNames.includes(k))) : args[v.name];
    if (value == null) continue;
    if (typeof value !== 'object' || Object.values(value).some((x) => x != null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Date))) return false;
    const instance = Object.assign(Object.create(v.type.prototype as object) as object, value);
    // the options type-graphql's validateArg uses (missing properties skipped, unknown values allowed)
    const errors = await validate(instance, { forbidUnknownValues: false, skipMissingProperties: true });
    if (errors.length > 0) return false;
  }
  return true;
}

/** The data of the operation through the compiled path, or null to let the resolvers answer. */
async function compiledData(schema: GraphQLSchema, db: EntityManager, rc: GraphQLRequestContextResponseForOperation<Context>): Promise<Record<string, unknown> | null> {
  const { operation, document, request, contextValue } = rc;
  if (operation.operation !== 'query' || !contextValue.actor) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const input: PlanInput = {
    schema,
    fragments,
    variables: coerced.coerced,
    db,
    allowed: (permissions) => {
      try {
        return (authChecker as AuthCheckerFn<Context>)({ context: contextValue, root: undefined, args: {}, info: undefined as never }, [...permissions]) === true;
      } catch {
        return false;
      }
    },
    // the request's EntityManager only if the plan needs one (a list's filter); metadata and the reading pool come from any
    get em() {
      return contextValue.em;
    },
  };
  const queryType = schema.getQueryType()!;
  const roots = collectFields(input, queryType.name, [operation.selectionSet]);
  // first: every root field is compiled, allowed and valid; only then run any SQL
  const planned: Array<{ key: string; name: string; nodes: FieldNode[]; args: Record<string, unknown> }> = [];
  for (const [key, nodes] of roots) {
    const name = nodes[0].name.value;
    if (name === '__typename') {
      planned.push({ key, name, nodes, args: {} });
      continue;
    }
    const root = COMPILED_ROOTS[name];
    const meta = rootMeta(name);
    const field = queryType.getFields()[name];
    if (!root || !meta || !field || nodes.length !== 1) return null;
    if (!input.allowed(meta.roles)) return null;
    const args = getArgumentValues(field, nodes[0], coerced.coerced);
    if (!(await argumentsValid(meta, args))) return null;
    planned.push({ key, name, nodes, args });
  }
  const data: Record<string, unknown> = {};
  for (const { key, name, nodes, args } of planned) {
    if (name === '__typename') {
      data[key] = queryType.name;
      continue;
    }
    const root = COMPILED_ROOTS[name];
    if (root.kind === 'connection') {
      const spec = await root.list(contextValue.em, args);
      const connectionType = getNamedType(queryType.getFields()[name].type)!.name;
      data[key] = await readConnection(input, connectionType, spec, args as never, nodes);
    } else {
      const row = await readOne(input, root.type, args[root.idArg], nodes);
      if (row == null) return null;
      data[key] = row;
    }
  }
  return data;
}

/** Error codes of the caller's own mistakes (services/errors.ts), which the resolvers report. */
const CALLER_ERRORS = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN']);

/** The plugin; `enabled: false` leaves every request to the resolvers (COMPILED_READS=false). */
export function compiledReadsPlugin(schema: GraphQLSchema, db: EntityManager, enabled = true, readPath?: Counter<'path'>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      if (!enabled) return;
      return {
        async responseForOperation(rc) {
          const data = await answer(rc);
          if (rc.operation.operation === 'query') readPath?.inc({ path: data ? 'compiled' : 'resolvers' });
          if (!data) return null;
          return { http: rc.response.http, body: { kind: 'single', singleResult: { data } } };
        },
      };
    },
  };

  async function answer(rc: GraphQLRequestContextResponseForOperation<Context>): Promise<Record<string, unknown> | null> {
    try {
      return await compiledData(schema, db, rc);
    } catch (error) {
      // the caller's mistakes (bad cursor, unknown unit, …) and what the plan does not cover are answered by
      // the resolvers, with their messages; anything else is a fault of the plan: logged, then the same
      if (error instanceof NotPlannable) logger.debug({ reason: error.message, operation: rc.operationName }, 'not a compiled read');
      else if (!(error instanceof GraphQLError) && !CALLER_ERRORS.has(String((error as { code?: unknown } | null)?.code))) {
        logger.warn({ err: error, operation: rc.operationName }, 'compiled read failed; answered by the resolvers');
      }
      return null;
    }
  }
}
