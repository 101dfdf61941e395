// The impact preview (POST /api/v1/impact) as view rows. Pure (unit-tested).

const LABELS = { OBJECT_CREATED: 'CREATE', OBJECT_CHANGED: 'CHANGE', OBJECT_DELETED: 'DELETE' };

/** Canonical JSON text as indented JSON; the text itself when it is not JSON; '' for none. */
export function prettyJson(text) {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return String(text);
  }
}

/**
 * [{cluster, version, objects: [{label, title, detail, changes, body}], diagnostics}] from an
 * ImpactResponse. body: the whole object for a created (after) or deleted (before) one.
 */
export function impactClusters(response) {
  return (response?.clusters ?? []).map((c) => ({
    cluster: c.cluster,
    version: Number(c.currentVersion ?? 0),
    diagnostics: c.diagnostics ?? [],
    objects: (c.objects ?? []).map((o) => {
      const label = LABELS[o.change] ?? 'CHANGE';
      return {
        label,
        title: `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
        detail: `${o.apiVersion ?? ''}${o.sourceFqn ? ` · from ${o.sourceFqn}` : ''}`,
        changes: label === 'CHANGE' ? o.changes ?? [] : [],
        body: label === 'CREATE' ? prettyJson(o.afterJson) : label === 'DELETE' ? prettyJson(o.beforeJson) : '',
      };
    }),
  }));
}

/** "2 of 3 clusters would change" (+ the ones the caller may not read). */
export function impactSummary(response) {
  const shown = response?.clusters?.length ?? 0;
  const hidden = Number(response?.clustersHidden ?? 0);
  const examined = Number(response?.clustersExamined ?? 0);
  let text = `${shown + hidden} of ${examined} cluster(s) the change can reach would change`;
  if (hidden > 0) text += ` (${hidden} you may not read, not shown)`;
  return text;
}
