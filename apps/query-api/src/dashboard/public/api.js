/**
 * The read token and every API call. The token arrives in the URL fragment (never sent to a
 * server, so never in a log), is kept in sessionStorage for this tab only, and goes out as
 * `Authorization: Bearer` on each call.
 */
const KEY = 'statement-ledger.read-token';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? `http.${status}`;
    this.problem = problem;
  }

  /** The token is missing, unknown, revoked or lacks the read scope: no view can work. */
  get isAuth() {
    return this.status === 401 || this.status === 403;
  }

  /** What to tell the reader. */
  get explanation() {
    if (this.status === 401) {
      return this.code === 'auth.invalid_token'
        ? 'The token was refused: it is unknown or has been revoked. Paste a valid read token.'
        : 'A read token is needed to show the ledger. Paste one below.';
    }
    if (this.status === 403) return 'This token may not read the ledger (it lacks the read scope). Paste a token with the read scope.';
    if (this.status === 429) return 'Too many requests for this token; retrying shortly.';
    if (this.status === 404) return this.message;
    if (this.status >= 500) return `The ledger is unavailable (${this.code}). Retrying on the next update.`;
    return this.message;
  }
}

/** Takes `token` out of the fragment (keeping the rest of the view state there) and remembers it. */
export function adoptTokenFromUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token) {
    sessionStorage.setItem(KEY, token);
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${location.search}${params.size ? `#${params}` : ''}`);
  }
  return sessionStorage.getItem(KEY);
}

export function getToken() {
  return sessionStorage.getItem(KEY);
}

export function setToken(token) {
  sessionStorage.setItem(KEY, token.trim());
}

/** GET an API path with query parameters (undefined and '' are left out). */
export async function getJson(path, params = {}, { signal } = {}) {
  const token = getToken();
  if (!token) throw new ApiError(401, { code: 'auth.unauthenticated' });
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  const url = query.size ? `${path}?${query}` : path;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal, cache: 'no-store' });
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { title: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** Follows `nextCursor` until the last page (for small lists: parties, proposals, threats). */
export async function getAll(path, params = {}, limit = 20) {
  const items = [];
  let cursor;
  for (let page = 0; page < limit; page++) {
    const body = await getJson(path, { ...params, cursor });
    items.push(...(body.items ?? []));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
}
