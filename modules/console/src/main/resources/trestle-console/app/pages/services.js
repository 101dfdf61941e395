// Services: the catalog (service → clusters, healthy endpoints, failover order) and a cross-cluster
// topology graph (services grouped by cluster, calls from telemetry coloured by error ratio;
// cytoscape, loaded when the page is shown).
import { html, useEffect, useRef, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { enumLabel } from '../lib/format.js';
import { withQuery } from '../lib/route.js';
import { elements, telemetryCalls, topology } from '../lib/topology.js';
import { ErrorBox, Loading, PagedTable, useLoad } from '../ui.js';

const CYTOSCAPE = '../../vendor/cytoscape-3.35.0/cytoscape.esm.min.js';

// Names are drawn on a canvas by cytoscape: text, never markup.
const STYLE = [
  { selector: 'node[kind = "cluster"]', style: { label: 'data(label)', 'text-valign': 'top', 'font-weight': 'bold', 'font-size': 12, 'background-color': '#eef1f6', 'border-color': '#98a2b3', 'border-width': 1, shape: 'round-rectangle', padding: 18 } },
  { selector: 'node[kind = "service"]', style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, 'text-valign': 'center', width: 'data(width)', height: 36, shape: 'round-rectangle', 'background-color': '#dff3e4', 'border-color': '#1b7f3b', 'border-width': 1 } },
  { selector: 'node[kind = "service"][!healthy]', style: { 'background-color': '#fdecea', 'border-color': '#c62828' } },
  { selector: 'edge[kind = "failover"]', style: { 'line-style': 'dashed', 'line-color': '#667085', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#667085', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9 } },
  { selector: 'edge[kind = "call"]', style: { 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle', width: 2, 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9 } },
];

/**
 * The calls of the last 15 minutes per organization (GET /api/v1/telemetry/topology); none when
 * telemetry is off or not readable: the graph then shows the catalog only.
 */
async function loadCalls(services) {
  const orgs = [...new Set((services ?? []).map((s) => s.organization).filter(Boolean))];
  const answers = await Promise.all(
    orgs.map((o) => api(withQuery('/api/v1/telemetry/topology', { scope: `organizations/${o}`, window: '15m' })).catch(() => null)),
  );
  return answers.flatMap((r) => telemetryCalls(services, r));
}

function Topology({ services, calls }) {
  const box = useRef(null);
  const [failed, setFailed] = useState(null);
  const graph = topology(services, calls);
  useEffect(() => {
    let cy;
    import(CYTOSCAPE).then(
      ({ default: cytoscape }) => {
        if (!box.current) return;
        cy = cytoscape({ container: box.current, elements: elements(graph), style: STYLE, layout: { name: 'preset', padding: 30 }, maxZoom: 1.3, wheelSensitivity: 0.2 });
      },
      (e) => setFailed(e),
    );
    return () => cy?.destroy();
  }, [services, calls]);
  return html`<section>
    <h2>Topology</h2>
    <p class="muted" data-test="topology-summary">${graph.nodes.length} service instance(s) in ${graph.clusters.length} cluster(s); dashed arrows: failover order from the catalog; ${calls.length === 0 ? 'no calls measured in the last 15 minutes (telemetry)' : `${calls.length} call edge(s) from telemetry, last 15 minutes, coloured by error ratio (green < 1 %, amber < 5 %, red)`}.</p>
    <${ErrorBox} error=${failed} />
    <div class="topology" data-test="topology" ref=${box}></div>
  </section>`;
}

export function ServicesPage() {
  const { data, error, loading } = useLoad(async () => {
    const catalog = await api('/api/v1/services');
    return { ...catalog, calls: await loadCalls(catalog.services ?? []) };
  }, []);
  return html`<h1>Services</h1>
    <${ErrorBox} error=${error} />
    ${loading && !data && html`<${Loading} />`}
    ${data && html`<${Topology} services=${data.services ?? []} calls=${data.calls} />`}
    ${data &&
    html`<h2>Catalog</h2><${PagedTable}
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
            html`<ol class="inline">${(s.clusters ?? []).map((c) => html`<li>${c.clusterName ?? c.cluster} ${enumLabel(c.health, 'CLUSTER_')} ${c.healthyEndpoints ?? 0}/${c.endpoints ?? 0}${c.routable ? '' : c.failing ? ' (not routable: failing by error ratio)' : ' (not routable)'}</li>`)}</ol>`,
        },
      ]}
    />`}`;
}
