// Calls to the REST API (same origin). The token lives in sessionStorage and goes in the
// authorization header; there are no cookies.
import { errorText } from './lib/format.js';

const TOKEN_KEY = 'trestle.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A refused or failed call: the server's message, HTTP status and ErrorDetail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(errorText(detail, status));
    this.status = status;
    this.detail = detail ?? {};
    this.code = this.detail.code ?? '';
  }
}

const listeners = new Set();
/** Called with the error whenever the server refuses the token (401). */
export function onUnauthenticated(fn) {
  listeners.add(fn);
}

/** fetch with the token; JSON (or text for YAML) back; throws ApiError with the server's message. */
export async function api(path, { method = 'GET', body, accept = 'application/json', contentType } = {}) {
  const headers = { accept };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, { code: 'UNAVAILABLE', message: `cannot reach the trestle server (${e.message})` });
  }
  const text = await response.text();
  let parsed = null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const err = new ApiError(response.status, parsed ?? { message: text || `HTTP ${response.status}` });
    if (response.status === 401) listeners.forEach((fn) => fn(err));
    throw err;
  }
  // Apply answers 4xx for a failed document; a dry run with results is still read by callers.
  return parsed ?? text;
}

/** Like api() but also returns the body of an error answer (apply results carry per-document errors). */
export async function apiRaw(path, options = {}) {
  try {
    return { ok: true, body: await api(path, options) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e, body: e.detail };
    throw e;
  }
}
