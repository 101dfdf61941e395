// Console URLs ↔ pages. Pure (unit-tested).

export const BASE = '/ui';

/** Parses a location pathname + search into {page, ...params}. */
export function parseRoute(pathname, search = '') {
  let p = String(pathname);
  if (p.startsWith(BASE)) p = p.slice(BASE.length);
  p = p.replace(/^\/+|\/+$/g, '');
  const query = Object.fromEntries(new URLSearchParams(search));
  if (p === '') return { page: 'overview', query };
  const [head, ...rest] = p.split('/');
  switch (head) {
    case 'login':
      return { page: 'login', query };
    case 'clusters':
      if (rest.length === 2) return { page: 'cluster', fqn: `organizations/${rest[0]}/clusters/${rest[1]}`, query };
      return { page: 'clusters', query };
    case 'r':
      return { page: 'resource', fqn: rest.join('/'), query };
    case 'audit':
      return { page: 'audit', query };
    case 'access':
      return { page: 'access', query };
    case 'services':
      return { page: 'services', query };
    case 'upgrades':
      return { page: 'upgrades', query };
    default:
      return { page: 'notfound', path: p, query };
  }
}

/** The console URL of a resource or tree node. */
export function resourceUrl(fqn, version) {
  const v = version ? `?version=${encodeURIComponent(version)}` : '';
  return `${BASE}/r/${String(fqn).replace(/^\/+|\/+$/g, '')}${v}`;
}

export function clusterUrl(fqn) {
  const parts = String(fqn).split('/');
  return `${BASE}/clusters/${parts[1]}/${parts[3]}`;
}

/** A URL with query parameters, empty values left out. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
