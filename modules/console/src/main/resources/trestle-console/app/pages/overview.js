// Overview: fleet counts, each a link to its page.
import { html } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { count, enumLabel } from '../lib/format.js';
import { BASE, withQuery } from '../lib/route.js';
import { ErrorBox, Link, Loading, useLoad } from '../ui.js';

async function load() {
  const [clusters, orgs, services, resources] = await Promise.all([
    api('/api/v1/clusters'),
    api('/api/v1/organizations?pageSize=1000'),
    api('/api/v1/services').catch(() => ({ services: [] })),
    countResources(),
  ]);
  const list = clusters.clusters ?? [];
  return {
    organizations: (orgs.resources ?? []).length,
    clusters: list.length,
    unhealthy: list.filter((c) => enumLabel(c.health, 'CLUSTER_') === 'UNHEALTHY').length,
    disconnected: list.filter((c) => !c.connected).length,
    nacked: list.filter((c) => c.failedVersion).length,
    services: (services.services ?? []).length,
    resources,
  };
}

async function countResources() {
  let n = 0;
  let pageToken = '';
  do {
    const page = await api(withQuery('/api/v1/organizations', { recursive: true, pageSize: 1000, pageToken }));
    n += (page.resources ?? []).length;
    pageToken = page.nextPageToken ?? '';
  } while (pageToken && n < 100000);
  return n;
}

function Tile({ label, value, href, bad, test }) {
  return html`<${Link} href=${href} class=${`tile ${bad && value > 0 ? 'bad' : ''}`} data-test=${test}>
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
      <${Tile} label="resources" value=${data.resources} href=${`${BASE}/r/`} test="tile-resources" />
      <${Tile} label="clusters" value=${data.clusters} href=${`${BASE}/clusters`} test="tile-clusters" />
      <${Tile} label="services" value=${data.services} href=${`${BASE}/services`} test="tile-services" />
      <${Tile} label="unhealthy clusters" value=${data.unhealthy} bad href=${withQuery(`${BASE}/clusters`, { health: 'UNHEALTHY' })} test="tile-unhealthy" />
      <${Tile} label="edges disconnected" value=${data.disconnected} bad href=${withQuery(`${BASE}/clusters`, { edge: 'disconnected' })} test="tile-disconnected" />
      <${Tile} label="versions NACKed" value=${data.nacked} bad href=${withQuery(`${BASE}/clusters`, { failed: 'true' })} test="tile-nacked" />
    </div>
    <p class="muted">Projection lag is reported on the management port (<code>/ready</code>, metrics), not on the API port.</p>`}`;
}
