import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  type ASTNode,
  type DocumentNode,
  getVariableValues,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  type SelectionSetNode,
  specifiedRules,
  validate,
  type ValidationRule,
  visit,
} from 'graphql';
import depthLimit from 'graphql-depth-limit';
import Negotiator from 'negotiator';
import { type ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ArgumentValidationError, type AuthChecker, buildSchema, getMetadataStorage } from 'type-graphql';
import { peekActor, withOperation } from '../entities';
import type { Context } from '../resolvers/context';
import { RESOLVERS } from '../resolvers';
import '../schema/enums';
import { authenticatedOnly } from '../services/access/permissions';
import type { Config } from '../kernel/config';
import { logger } from '../kernel/logger';

/**
 * The one check of *what* a caller may do: each operation declares the permission it needs with
 * `@Authorized(permission)`; staff hold their role's permissions, API keys their scopes. *Where* they
 * may do it is the jurisdiction rule's business (entities/jurisdiction.ts).
 */
export const authChecker: AuthChecker<Context> = ({ context }, required) => {
  const actor = context.actor;
  if (!actor) {
    throw new GraphQLError('authentication required: log in and send "Authorization: Bearer <token>"', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  const missing = required.filter((p) => p !== authenticatedOnly && !actor.permissions.has(p) && !actor.permissions.has('*'));
  if (missing.length > 0) {
    throw new GraphQLError(`forbidden: this operation needs the permission ${missing.join(', ')}`, {
      extensions: { code: 'FORBIDDEN', required: missing },
    });
  }
  return true;
};

/**
 * Names each mutation's operation in the actor context, so its audit entries say what was done. Wraps
 * the mutation fields' resolvers only: a type-graphql global middleware would wrap every field of
 * every query (measured: −40 % throughput on a page of 100 shops).
 */
function nameMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = (source, args, context, info) =>
      peekActor() ? withOperation(field.name, () => resolve(source, args, context, info)) : resolve(source, args, context, info);
  }
  return schema;
}

/** Builds the executable schema. */
export async function buildHongdunSchema(emitSchemaFile?: string): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS as unknown as [Function, ...Function[]],
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false },
    emitSchemaFile: emitSchemaFile ? { path: emitSchemaFile, sortedSchema: true } : false,
  });
  return nameMutations(schema);
}

const KNOWN_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'IMPORT_FILE_INVALID', 'CONFLICT']);

/**
 * Turns errors into what callers see: domain errors keep their message and get a code; validation
 * errors list the failed constraints; anything unexpected is logged and shown as an internal error.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof ArgumentValidationError) {
    const details = original.extensions.validationErrors.map((v) => ({
      property: v.property,
      constraints: v.constraints,
    }));
    const message = details.flatMap((d) => Object.values(d.constraints ?? {})).join('; ') || 'invalid input';
    return { ...formatted, message, extensions: { code: 'BAD_USER_INPUT', validation: details } };
  }
  const code = (original as { code?: unknown } | null)?.code;
  if (original instanceof Error && typeof code === 'string' && KNOWN_CODES.has(code)) {
    const field = (original as { field?: string }).field;
    const retryAfter = (original as { retryAfter?: number }).retryAfter;
    return { ...formatted, message: original.message, extensions: { code, ...(field ? { field } : {}), ...(retryAfter ? { retryAfter } : {}) } };
  }
  if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
    return { message: 'internal error; it has been logged', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return formatted;
}

/** Connections cost their child complexity times the page size. */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
  if (size === undefined && childComplexity > 0 && ('first' in args || 'after' in args)) return 1 + childComplexity * 20;
  return size === undefined ? undefined : 1 + childComplexity * Math.max(size, 1);
};

/** What one root field costs at least: each runs a resolver of its own against the database. */
export const ROOT_FIELD_COST = 10;
/** What a field with a resolver of its own (type-graphql's @FieldResolver) costs at least, per parent. */
export const FIELD_RESOLVER_COST = 2;

/**
 * Every resolver call costs something (OWASP ASVS 13.4.1): a root field at least ROOT_FIELD_COST, a field
 * resolver at least FIELD_RESOLVER_COST, on top of what it selects — 1,000 aliases of a cheap field are as
 * dear as they are slow. Connections cost their page-size rule (above) when that is more; plain properties 1.
 */
function resolverEstimator(schema: GraphQLSchema): ComplexityEstimator {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  const storage = getMetadataStorage();
  const resolved = new Set<string>();
  for (const r of storage.fieldResolvers) {
    const target = r.getObjectType?.();
    const type = storage.objectTypes.find((o) => o.target === target);
    if (type && r.schemaName) resolved.add(`${type.name}.${r.schemaName}`);
  }
  return (options) => {
    const { type, field, childComplexity } = options;
    const least = roots.has(type as never) ? ROOT_FIELD_COST : resolved.has(`${type.name}.${field.name}`) ? FIELD_RESOLVER_COST : undefined;
    const connection = connectionEstimator(options);
    if (least === undefined) return connection;
    return Math.max(least + childComplexity, connection ?? 0);
  };
}

/** Arguments whose value changes a query's cost (page sizes), and those whose mere presence does (cursors). */
const SIZE_ARGUMENTS = new Set(['first', 'last']);
const PRESENCE_ARGUMENTS = new Set(['after', 'before']);

/** The variables a document's cost depends on: by value (page sizes, @skip / @include) and by presence (cursors). */
function costVariables(document: DocumentNode): { byValue: string[]; byPresence: string[] } {
  const byValue = new Set<string>();
  const byPresence = new Set<string>();
  const collect = (node: ASTNode, into: Set<string>) => visit(node, { Variable: (v) => void into.add(v.name.value) });
  visit(document, {
    Argument(argument) {
      // page sizes by value, cursors by presence, anything else costs nothing (directives: below, by value)
      if (SIZE_ARGUMENTS.has(argument.name.value)) collect(argument.value, byValue);
      else if (PRESENCE_ARGUMENTS.has(argument.name.value)) collect(argument.value, byPresence);
    },
    Directive(directive) {
      collect(directive, byValue);
    },
  });
  return { byValue: [...byValue].sort(), byPresence: [...byPresence].filter((n) => !byValue.has(n)).sort() };
}

/**
 * Refuses queries above GRAPHQL_MAX_COMPLEXITY before they run. The estimate of a document is remembered
 * per operation and the variables it depends on (Apollo keeps each query text parsed as one document), so
 * a client paging through a list pays for it once; the variables are still coerced on every request.
 */
export function complexityPlugin(schema: GraphQLSchema, max: number): ApolloServerPlugin<Context> {
  const remembered = new WeakMap<DocumentNode, { variables: ReturnType<typeof costVariables>; costs: Map<string, number> }>();
  const resolverCost = resolverEstimator(schema);
  const badInput = (error: GraphQLError) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          // the estimate coerces the variables first: a value the schema refuses (an unknown enum value, a
          // string for an Int) is the caller's mistake, answered as execution would answer it
          const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) throw badInput(coerced.errors[0]);
          let entry = remembered.get(document);
          if (!entry) remembered.set(document, (entry = { variables: costVariables(document), costs: new Map() }));
          const values = coerced.coerced;
          const key = JSON.stringify([
            request.operationName ?? null,
            entry.variables.byValue.map((n) => values[n] ?? null),
            entry.variables.byPresence.map((n) => (n in values ? (values[n] === null ? 0 : 1) : 2)),
          ]);
          let complexity = entry.costs.get(key);
          if (complexity === undefined) {
            try {
              complexity = getComplexity({
                schema,
                query: document,
                operationName: request.operationName ?? undefined,
                variables: request.variables ?? {},
                estimators: [resolverCost, simpleEstimator({ defaultComplexity: 1 })],
              });
            } catch (error) {
              if (error instanceof GraphQLError) throw badInput(error);
              throw error;
            }
            if (entry.costs.size < 64) entry.costs.set(key, complexity);
          }
          if (complexity > max) {
            throw new GraphQLError(`query too complex: cost ${complexity} exceeds the limit ${max}; ask for fewer rows or fields`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', complexity, limit: max, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/**
 * GraphQL over HTTP: for a response sent as `application/json`, a well-formed request gets 200 even
 * when the document fails to parse or validate (the spec's rule for that media type); with
 * `application/graphql-response+json` Apollo's 4xx stays.
 */
const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json';
/** failures of a well-formed request's document (not of the HTTP request itself, which stay 400) */
const DOCUMENT_FAILURES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']);

export const httpStatusPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ request, response }: GraphQLRequestContext<Context>) {
        if (!response.http.status || response.http.status < 400 || response.http.status >= 500) return;
        // the same negotiation Apollo uses to pick the response media type
        const accept = request.http?.headers.get('accept');
        const type = accept ? new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) : JSON_TYPE;
        const body = response.body;
        const errors = body?.kind === 'single' ? (body.singleResult.errors ?? []) : [];
        const documentFailure = errors.length > 0 && errors.every((e) => DOCUMENT_FAILURES.has(String(e.extensions?.code)));
        if (type === JSON_TYPE && documentFailure) response.http.status = 200;
      },
    };
  },
};

/**
 * Runs `rule` only on a document that passes graphql-js's own validation (specifiedRules): the depth rule
 * walks fragments recursively and would overflow the stack on a fragment cycle (`...A` → `...B` → `...A`);
 * such a document is refused by NoFragmentCyclesRule in the same pass, as a 400 validation error.
 */
function afterStandardValidation(rule: ValidationRule): ValidationRule {
  return (context) => {
    if (validate(context.getSchema(), context.getDocument(), specifiedRules, { maxErrors: 1 }).length > 0) return {};
    return rule(context);
  };
}

/** The root fields of a selection, through fragments (each fragment once: cycles are refused elsewhere). */
function rootFieldCount(selectionSet: SelectionSetNode, fragments: Map<string, SelectionSetNode>, seen = new Set<string>()): number {
  let n = 0;
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) n += s.name.value === '__typename' ? 0 : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) n += rootFieldCount(s.selectionSet, fragments, seen);
    else if (!seen.has(s.name.value) && fragments.has(s.name.value)) {
      seen.add(s.name.value);
      n += rootFieldCount(fragments.get(s.name.value)!, fragments, seen);
    }
  }
  return n;
}

/**
 * Caps a document's breadth (OWASP ASVS 13.4.1): at most GRAPHQL_MAX_ALIASES aliased fields in the whole
 * document and GRAPHQL_MAX_ROOT_FIELDS root fields per operation, refused as validation errors before any
 * cost is estimated or resolver run.
 */
export function breadthLimitRule(maxAliases: number, maxRootFields: number): ValidationRule {
  return (context) => {
    const document = context.getDocument();
    let aliases = 0;
    visit(document, { Field: (f) => void (f.alias ? aliases++ : 0) });
    if (aliases > maxAliases) {
      context.reportError(new GraphQLError(`too many aliases: ${aliases}, at most ${maxAliases} (GRAPHQL_MAX_ALIASES); ask for each field once`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: maxAliases } }));
      return {};
    }
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
    for (const d of document.definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION) continue;
      const n = rootFieldCount(d.selectionSet, fragments);
      if (n > maxRootFields) {
        context.reportError(new GraphQLError(`too many root fields: ${n}, at most ${maxRootFields} (GRAPHQL_MAX_ROOT_FIELDS); split the operation`, { nodes: [d], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: maxRootFields } }));
      }
    }
    return {};
  };
}

/** Validation rules run on every document, after graphql-js's specifiedRules (Apollo runs those first). */
export function validationRules(config: Config) {
  return [breadthLimitRule(config.graphqlMaxAliases, config.graphqlMaxRootFields), afterStandardValidation(depthLimit(config.graphqlMaxDepth))];
}

/**
 * Introspection (`__schema`, `__type`) for callers the configuration admits (GRAPHQL_INTROSPECTION): `on`
 * everyone, `authenticated` logged-in callers only (the default under NODE_ENV=production), `off` nobody.
 * Refused as a validation error (400), like Apollo's own switch.
 */
export function introspectionPlugin(mode: Config['graphqlIntrospection']): ApolloServerPlugin<Context> {
  const asks = new WeakMap<DocumentNode, boolean>();
  const asksIntrospection = (document: DocumentNode) => {
    let found = asks.get(document);
    if (found === undefined) {
      found = false;
      visit(document, { Field: (f) => void ((f.name.value === '__schema' || f.name.value === '__type') && (found = true)) });
      asks.set(document, found);
    }
    return found;
  };
  return {
    async requestDidStart() {
      if (mode === 'on') return {};
      return {
        async didResolveOperation({ document, contextValue }) {
          if ((mode === 'off' || !contextValue.actor) && asksIntrospection(document)) {
            throw new GraphQLError(
              mode === 'off' ? 'GraphQL introspection is not allowed here (GRAPHQL_INTROSPECTION=off)' : 'GraphQL introspection needs a login here: send "Authorization: Bearer <token>"',
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
