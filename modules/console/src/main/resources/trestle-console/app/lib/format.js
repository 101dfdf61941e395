// Formatting of API values for display. Pure (unit-tested by node --test).

/** "CLUSTER_HEALTHY" → "HEALTHY", "SYNC_APPLIED" → "APPLIED"; missing → fallback. */
export function enumLabel(value, prefix, fallback = 'UNKNOWN') {
  if (!value) return fallback;
  return prefix && value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

/** An RFC 3339 time relative to now: "12 s ago", "3 min ago", "2 h ago", else the date. */
export function ago(time, now = Date.now()) {
  if (!time) return 'never';
  const t = Date.parse(time);
  if (Number.isNaN(t)) return String(time);
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A time as "2026-12-07 15:02:37Z". */
export function timestamp(time) {
  if (!time) return '';
  const t = Date.parse(time);
  return Number.isNaN(t) ? String(time) : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A count with thousands separators. */
export function count(n) {
  return Number(n ?? 0).toLocaleString('en-US');
}

/** The server's error body (ErrorDetail JSON) as one line, with field paths when given. */
export function errorText(detail, status) {
  if (!detail || typeof detail !== 'object') return `HTTP ${status ?? '?'}`;
  const base = detail.message || detail.code || `HTTP ${status ?? '?'}`;
  const fields = (detail.fieldViolations ?? [])
    .map((v) => (v.field ? `${v.field}: ${v.description}` : v.description))
    .filter((line) => line && !base.includes(line));
  return fields.length ? `${base} (${fields.join('; ')})` : base;
}

/** Per projection, its worst slice: [{projection, lagSeconds, pendingEvents}] by name. */
export function projectionLags(rows) {
  const by = new Map();
  for (const r of rows ?? []) {
    const lag = Number(r.lagSeconds ?? 0);
    const pending = Number(r.pendingEvents ?? 0);
    const seen = by.get(r.projection) ?? { projection: r.projection, lagSeconds: 0, pendingEvents: 0 };
    by.set(r.projection, { projection: r.projection, lagSeconds: Math.max(seen.lagSeconds, lag), pendingEvents: seen.pendingEvents + pending });
  }
  return [...by.values()].sort((a, b) => a.projection.localeCompare(b.projection));
}

/** {Cluster: 3, Tenant: 1} → "3 Cluster, 1 Tenant" (most first, then by kind). */
export function kindCounts(byKind) {
  return Object.entries(byKind ?? {})
    .map(([kind, n]) => [kind, Number(n)])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, n]) => `${count(n)} ${kind}`)
    .join(', ');
}
