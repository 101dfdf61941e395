// Overview: fleet counts, each a link to its page.
import { html } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { count, enumLabel, kindCounts, projectionLags } from '../lib/format.js';
import { BASE, withQuery } from '../lib/route.js';
import { ErrorBox, Link, Loading, useLoad } from '../ui.js';

async function load() {
  const [clusters, orgs, services, resources, lags] = await Promise.all([
    api('/api/v1/clusters'),
    api('/api/v1/organizations?pageSize=1000'),
    api('/api/v1/services').catch(() => ({ services: [] })),
    api('/api/v1/resource-counts'),
    api('/api/v1/projections').catch((error) => ({ error })),
  ]);
  const list = clusters.clusters ?? [];
  return {
    organizations: (orgs.resources ?? []).length,
    clusters: list.length,
    unhealthy: list.filter((c) => enumLabel(c.health, 'CLUSTER_') === 'UNHEALTHY').length,
    disconnected: list.filter((c) => !c.connected).length,
    nacked: list.filter((c) => c.failedVersion).length,
    services: (services.services ?? []).length,
    resources: Number(resources.total ?? 0),
    resourcesByKind: resources.byKind ?? {},
    lags,
  };
}

function Tile({ label, value, href, bad, test, title }) {
  return html`<${Link} href=${href} class=${`tile ${bad && value > 0 ? 'bad' : ''}`} data-test=${test} title=${title}>
    <span class="value">${count(value)}</span><span class="label">${label}</span>
  <//>`;
}

export function OverviewPage() {
  const { data, error, loading } = useLoad(load, []);
  return html`<h1>Overview</h1>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data &&
    html`<div class="tiles">
      <${Tile} label="organizations" value=${data.organizations} href=${`${BASE}/r/`} test="tile-organizations" />
      <${Tile} label="resources" value=${data.resources} href=${`${BASE}/r/`} test="tile-resources" title=${kindCounts(data.resourcesByKind)} />
      <${Tile} label="clusters" value=${data.clusters} href=${`${BASE}/clusters`} test="tile-clusters" />
      <${Tile} label="services" value=${data.services} href=${`${BASE}/services`} test="tile-services" />
      <${Tile} label="unhealthy clusters" value=${data.unhealthy} bad href=${withQuery(`${BASE}/clusters`, { health: 'UNHEALTHY' })} test="tile-unhealthy" />
      <${Tile} label="edges disconnected" value=${data.disconnected} bad href=${withQuery(`${BASE}/clusters`, { edge: 'disconnected' })} test="tile-disconnected" />
      <${Tile} label="versions NACKed" value=${data.nacked} bad href=${withQuery(`${BASE}/clusters`, { failed: 'true' })} test="tile-nacked" />
    </div>
    <${ProjectionLag} lags=${data.lags} />`}`;
}

/** How far the read models (audit log, desired state) trail the journal: the worst slice of each. */
function ProjectionLag({ lags }) {
  if (lags.error) return html`<${ErrorBox} error=${lags.error} />`;
  const worst = projectionLags(lags.projections ?? []);
  return html`<h2>Projection lag</h2>
    <table data-test="projection-lag"><thead><tr><th>Read model</th><th>Lag</th><th>Events pending</th></tr></thead><tbody>
      ${worst.map((p) => html`<tr><td>${p.projection}</td><td class=${p.lagSeconds > 10 ? 'bad-text' : ''} data-test="projection-lag-seconds">${p.lagSeconds.toFixed(1)} s</td><td>${count(p.pendingEvents)}</td></tr>`)}
    </tbody></table>`;
}
