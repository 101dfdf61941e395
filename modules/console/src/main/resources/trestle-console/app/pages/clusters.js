// Clusters: health, edge, versions with the NACK reason, inventory; a cluster's page with the
// Istio objects central wants there.
import { html } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { ago, count, enumLabel } from '../lib/format.js';
import { clusterUrl, resourceUrl } from '../lib/route.js';
import { Badge, ErrorBox, Link, Loading, PagedTable, useLoad } from '../ui.js';

function health(c) {
  return enumLabel(c.health, 'CLUSTER_');
}

function matches(c, query) {
  if (query.health && health(c) !== query.health) return false;
  if (query.edge === 'disconnected' && c.connected) return false;
  if (query.failed && !c.failedVersion) return false;
  return true;
}

function inventorySummary(inv) {
  if (!inv) return '';
  const services = inv.services ?? [];
  const endpoints = services.reduce((n, s) => n + (s.endpoints ?? 0), 0);
  const healthy = services.reduce((n, s) => n + (s.healthyEndpoints ?? 0), 0);
  const loc = inv.locality ? [inv.locality.region, inv.locality.zone].filter(Boolean).join('/') : '';
  return `${(inv.namespaces ?? []).length} ns, ${services.length} svc, ${healthy}/${endpoints} endpoints, ${(inv.gateways ?? []).length} gw${loc ? `, ${loc}` : ''}`;
}

export function ClustersPage({ query }) {
  const { data, error, loading } = useLoad(() => api('/api/v1/clusters'), []);
  const rows = (data?.clusters ?? []).filter((c) => matches(c, query ?? {}));
  const filtered = Object.keys(query ?? {}).length > 0;
  return html`<h1>Clusters</h1>
    ${filtered && html`<p>Filtered: ${JSON.stringify(query)} · <${Link} href="/ui/clusters">show all<//></p>`}
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data &&
    html`<${PagedTable}
      test="clusters-table"
      rows=${rows}
      pageSize=${100}
      filterText=${(c) => `${c.fqn} ${health(c)}`}
      columns=${[
        { title: 'Cluster', cls: 'wrap', cell: (c) => html`<${Link} href=${clusterUrl(c.fqn)} data-test="cluster-link">${c.fqn}<//>` },
        { title: 'Health', cell: (c) => html`<span data-test="cluster-health"><${Badge} value=${health(c)} /></span>` },
        { title: 'Edge', cell: (c) => (c.connected ? 'connected' : 'disconnected') },
        { title: 'Last heartbeat', cell: (c) => ago(c.lastHeartbeat) },
        { title: 'Agent', cell: (c) => c.agentVersion ?? '' },
        { title: 'Desired', cell: (c) => String(c.desiredVersion ?? 0) },
        { title: 'ACKed', cell: (c) => String(c.appliedVersion ?? 0) },
        { title: 'Failed (NACK)', cls: 'wrap', cell: (c) => (c.failedVersion ? `${c.failedVersion}: ${c.failedReason ?? ''}` : '') },
        { title: 'Inventory', cell: (c) => inventorySummary(c.inventory) },
      ]}
    />`}`;
}

export function ClusterPage({ fqn }) {
  const name = fqn.split('/')[3];
  const { data, error, loading } = useLoad(
    async () => {
      const [list, desired] = await Promise.all([
        api('/api/v1/clusters'),
        api(`/api/v1/clusters/${encodeURIComponent(name)}/desired`).catch((e) => ({ error: e })),
      ]);
      return { cluster: (list.clusters ?? []).find((c) => c.fqn === fqn), desired };
    },
    [fqn],
  );
  const c = data?.cluster;
  const inv = c?.inventory ?? {};
  return html`<h1>Cluster ${name}</h1>
    <p><${Link} href=${resourceUrl(fqn)}>${fqn}<//> (configuration)</p>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && !c && html`<div class="error" role="alert">No cluster ${fqn} (or you may not read it).</div>`}
    ${c &&
    html`<dl class="facts">
        <dt>Health</dt><dd><${Badge} value=${health(c)} /></dd>
        <dt>Edge</dt><dd>${c.connected ? 'connected' : 'disconnected'}, last heartbeat ${ago(c.lastHeartbeat)}</dd>
        <dt>Agent</dt><dd>${c.agentVersion ?? ''}</dd>
        <dt>Versions</dt><dd>desired ${c.desiredVersion ?? 0}, ACKed ${c.appliedVersion ?? 0}${c.failedVersion ? html`, <span class="bad-text">NACKed ${c.failedVersion}: ${c.failedReason}</span>` : ''}</dd>
        <dt>Network / locality</dt><dd>${inv.network ?? ''} ${inv.locality ? [inv.locality.region, inv.locality.zone].filter(Boolean).join('/') : ''}</dd>
        <dt>Namespaces</dt><dd>${(inv.namespaces ?? []).join(', ')}</dd>
        <dt>Join tokens</dt><dd>${(c.joinTokens ?? []).map((t) => t.id ?? t.tokenId).join(', ') || 'none'}</dd>
      </dl>
      <h2>Services</h2>
      <${PagedTable}
        rows=${inv.services ?? []}
        columns=${[
          { title: 'Service', cell: (s) => `${s.namespace}/${s.name}` },
          { title: 'Endpoints (healthy/total)', cell: (s) => `${s.healthyEndpoints ?? 0}/${s.endpoints ?? 0}` },
          { title: 'Ports', cell: (s) => (s.ports ?? []).map((p) => `${p.port}/${p.protocol ?? ''}`).join(', ') },
        ]}
      />
      <h2>Gateways</h2>
      <${PagedTable}
        rows=${inv.gateways ?? []}
        columns=${[
          { title: 'Gateway', cell: (g) => `${g.namespace}/${g.name}` },
          { title: 'Role', cell: (g) => g.role ?? '' },
          { title: 'Addresses', cell: (g) => (g.addresses ?? []).join(', ') },
        ]}
      />`}
    ${data?.desired && html`<${DesiredObjects} desired=${data.desired} />`}`;
}

function DesiredObjects({ desired }) {
  if (desired.error) return html`<h2>Desired Istio objects</h2><${ErrorBox} error=${desired.error} />`;
  return html`<h2>Desired Istio objects (version ${desired.version}, ${count((desired.objects ?? []).length)} objects, read-only)</h2>
    ${(desired.objects ?? []).map(
      (o) => html`<details class="object">
        <summary>${o.kind} ${o.namespace}/${o.name} <span class="muted">from <${Link} href=${resourceUrl(o.sourceFqn)}>${o.sourceFqn}<//> v${o.sourceVersion}</span></summary>
        <pre>${JSON.stringify(o.object, null, 2)}</pre>
      </details>`,
    )}`;
}
