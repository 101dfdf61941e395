// Services catalog: service → clusters, healthy endpoints, failover order.
import { html } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { enumLabel } from '../lib/format.js';
import { ErrorBox, Loading, PagedTable, useLoad } from '../ui.js';

export function ServicesPage() {
  const { data, error, loading } = useLoad(() => api('/api/v1/services'), []);
  return html`<h1>Services</h1>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data &&
    html`<${PagedTable}
      test="services-table"
      rows=${data.services ?? []}
      filterText=${(s) => `${s.namespace}/${s.name} ${s.hostname}`}
      columns=${[
        { title: 'Service', cell: (s) => `${s.namespace}/${s.name}` },
        { title: 'Organization', cell: (s) => s.organization ?? '' },
        { title: 'Hostname', cell: (s) => s.hostname ?? '' },
        {
          title: 'Clusters (in order)',
          cell: (s) =>
            html`<ol class="inline">${(s.clusters ?? []).map((c) => html`<li>${c.clusterName ?? c.cluster} ${enumLabel(c.health, 'CLUSTER_')} ${c.healthyEndpoints ?? 0}/${c.endpoints ?? 0}${c.routable ? '' : ' (not routable)'}</li>`)}</ol>`,
        },
      ]}
    />`}`;
}
