// @ts-check
/**
 * The dashboard's only data source: POST /graphql with the user's bearer token. The token lives in
 * sessionStorage (gone when the tab closes, never sent as a cookie); a 401 forgets it.
 */

const TOKEN_KEY = 'hongdun.dashboard.token';

/** An error the API answered (message and GraphQL error code, e.g. NOT_FOUND, UNAUTHENTICATED). */
export class ApiError extends Error {
  /** @param {string} message @param {string} code @param {number} status @param {Record<string, unknown>} [extensions] the GraphQL error's extensions (e.g. required, retryAfter) */
  constructor(message, code, status, extensions = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.extensions = extensions;
  }
}

/** @returns {string | null} */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Runs one GraphQL operation; throws ApiError on any error in the answer (no partial data is shown). */
export async function gql(query, variables = {}) {
  const t = token();
  /** @type {Response} */
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(t ? { authorization: `Bearer ${t}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new ApiError(`network: ${e instanceof Error ? e.message : String(e)}`, 'NETWORK', 0);
  }
  /** @type {{data?: any, errors?: {message: string, extensions?: {code?: string} & Record<string, unknown>}[]}} */
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`HTTP ${res.status}`, res.status === 429 ? 'RATE_LIMITED' : 'HTTP', res.status);
  }
  const first = body.errors?.[0];
  if (res.status === 401 || first?.extensions?.code === 'UNAUTHENTICATED') {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new ApiError(first?.message ?? 'authentication required', 'UNAUTHENTICATED', res.status);
  }
  if (first) throw new ApiError(first.message, first.extensions?.code ?? (res.status === 429 ? 'RATE_LIMITED' : 'ERROR'), res.status, first.extensions ?? {});
  return body.data;
}

/** Logs in with the `login` mutation and keeps the token for this tab. */
export async function login(username, password) {
  const data = await gql(
    `mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt } }`,
    { u: username, p: password },
  );
  sessionStorage.setItem(TOKEN_KEY, data.login.token);
}

/** Ends the session on the server (best effort) and forgets the token. */
export async function logout() {
  try {
    if (token()) await gql('mutation Logout { logout }');
  } catch {
    // an expired token is as good as logged out
  } finally {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/**
 * Fetches a file the API serves under the bearer token (a stored monthly report): a Blob, or ApiError with
 * the status (404 outside the jurisdiction, as if absent).
 * @param {string} url a path of this origin, e.g. /reports/12.xlsx
 * @returns {Promise<Blob>}
 */
export async function fetchFile(url) {
  if (!url.startsWith('/') || url.startsWith('//')) throw new ApiError(`not a path of this site: ${url}`, 'BAD_USER_INPUT', 0);
  const t = token();
  const res = await fetch(url, { headers: t ? { authorization: `Bearer ${t}` } : {} });
  if (res.status === 401) sessionStorage.removeItem(TOKEN_KEY);
  if (!res.ok) throw new ApiError(`${url}: HTTP ${res.status}`, res.status === 404 ? 'NOT_FOUND' : res.status === 401 ? 'UNAUTHENTICATED' : 'HTTP', res.status);
  return res.blob();
}
