// Clusters: health, edge, versions with the NACK reason, inventory; a cluster's page with the
// Istio objects central wants there.
import { html, useEffect, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api, apiRaw } from '../api.js';
import { ago, count, enumLabel, timestamp } from '../lib/format.js';
import { clusterUrl, resourceUrl, withQuery } from '../lib/route.js';
import { Badge, ErrorBox, Link, Loading, PagedTable, useLoad, useRenderedMark } from '../ui.js';

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

/**
 * Every cluster, a first page of 100 at once (rendered as soon as it arrives: the server asks only
 * those clusters for their state), the rest in pages of 1,000 behind it.
 */
function useClusters() {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    (async () => {
      let page = await api(withQuery('/api/v1/clusters', { pageSize: 100 }));
      let rows = page.clusters ?? [];
      const total = Number(page.totalSize ?? rows.length);
      let token = page.nextPageToken ?? '';
      if (live) setState({ rows, total, complete: !token });
      while (token && live) {
        page = await api(withQuery('/api/v1/clusters', { pageSize: 1000, pageToken: token }));
        rows = rows.concat(page.clusters ?? []);
        token = page.nextPageToken ?? '';
        if (live) setState({ rows, total, complete: !token });
      }
    })().catch((error) => live && setState((s) => ({ ...s, loading: false, error })));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export function ClustersPage({ query }) {
  const { rows: all, total, complete, error, loading } = useClusters();
  const data = all && { clusters: all };
  const rows = (all ?? []).filter((c) => matches(c, query ?? {}));
  const filtered = Object.keys(query ?? {}).length > 0;
  useRenderedMark('trestle:clusters-rows', !!all);
  useRenderedMark('trestle:clusters-complete', !!all && complete);
  return html`<h1>Clusters</h1>
    ${filtered && html`<p>Filtered: ${JSON.stringify(query)} · <${Link} href="/ui/clusters">show all<//></p>`}
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && !complete && html`<p class="muted" data-test="clusters-loading">Loaded ${all.length} of ${total} clusters; the rest are on their way (filters apply to those loaded).</p>`}
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
  const { data, error, loading, reload } = useLoad(
    async () => {
      const [list, desired] = await Promise.all([
        api(withQuery('/api/v1/clusters', { fqn })),
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
      </dl>
      <${JoinTokens} cluster=${c} reload=${reload} />
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

/**
 * The cluster's join tokens (ids; the secrets are never listed): mint one (shown once, with a copy
 * button), revoke one. Minting and revoking need SET_POLICY on the cluster; the server decides.
 */
function JoinTokens({ cluster, reload }) {
  const [minted, setMinted] = useState(null);
  const [failure, setFailure] = useState(null);
  const name = cluster.name ?? cluster.fqn.split('/')[3];
  async function mint() {
    setFailure(null);
    const r = await apiRaw(`/api/v1/join-tokens?cluster=${encodeURIComponent(name)}`, { method: 'POST' });
    if (r.ok) {
      setMinted(r.body);
      reload();
    } else setFailure(r.error);
  }
  async function revoke(id) {
    setFailure(null);
    setMinted(null);
    const r = await apiRaw(`/api/v1/join-tokens?cluster=${encodeURIComponent(name)}&tokenId=${encodeURIComponent(id)}`, { method: 'DELETE' });
    if (r.ok) reload();
    else setFailure(r.error);
  }
  const tokens = cluster.joinTokens ?? [];
  return html`<h2>Join tokens</h2>
    <p class="muted">An edge joins with <code>trestle edge --cluster ${name} --token-file FILE</code>; a token is shown once, when minted.</p>
    <table data-test="join-tokens"><thead><tr><th>Token id</th><th>Issued</th><th>By</th><th></th></tr></thead><tbody>
      ${tokens.map(
        (t) => html`<tr><td data-test="join-token-id">${t.id}</td><td>${timestamp(t.issuedAt)}</td><td>${t.issuedBy ?? ''}</td>
          <td><button data-test="join-token-revoke" onClick=${() => revoke(t.id)}>Revoke</button></td></tr>`,
      )}
    </tbody></table>
    ${tokens.length === 0 && html`<p class="muted" data-test="join-tokens-none">No join token.</p>`}
    <button class="primary" data-test="join-token-mint" onClick=${mint}>Mint a join token</button>
    <${ErrorBox} error=${failure} />
    ${minted && html`<div class="notice" data-test="join-token-minted">New join token <span data-test="join-token-minted-id">${minted.tokenId}</span> (shown once, copy it now): <code class="secret" data-test="join-token-secret">${minted.token}</code>
      <button data-test="join-token-copy" onClick=${() => navigator.clipboard?.writeText(minted.token)}>Copy</button></div>`}`;
}

function DesiredObjects({ desired }) {
  if (desired.error) return html`<h2>Desired Istio objects</h2><${ErrorBox} error=${desired.error} />`;
  const diagnostics = desired.diagnostics ?? [];
  return html`<h2>Translator diagnostics</h2>
    ${diagnostics.length === 0
      ? html`<p class="muted" data-test="diagnostics-none">None: the translator expressed every resource for this cluster as asked.</p>`
      : html`<ul class="diagnostics" data-test="diagnostics">${diagnostics.map((d) => html`<li>${d}</li>`)}</ul>`}
    <h2>Desired Istio objects (version ${desired.version}, ${count((desired.objects ?? []).length)} objects, read-only)</h2>
    ${(desired.objects ?? []).map(
      (o) => html`<details class="object">
        <summary>${o.kind} ${o.namespace}/${o.name} <span class="muted">from <${Link} href=${resourceUrl(o.sourceFqn)}>${o.sourceFqn}<//> v${o.sourceVersion}</span></summary>
        <pre>${JSON.stringify(o.object, null, 2)}</pre>
      </details>`,
    )}`;
}
