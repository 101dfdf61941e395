// The Services page's topology graph as plain data (cytoscape elements). Pure (unit-tested).
//
// Today the graph is the service catalog: one box per cluster, one node per service it serves,
// and for each service a dashed "failover" edge from the cluster serving it first to each next one
// in the catalog's order. With telemetry (GET /api/v1/telemetry/topology), the calls between
// services become solid edges coloured by error ratio and labelled with rate and p99
// (telemetryCalls maps its nodes onto this graph's).

/** Node id of a service in a cluster. */
export function serviceNodeId(cluster, namespace, name) {
  return `svc:${cluster}:${namespace}/${name}`;
}

/** Colour of a call edge by its error ratio (0..1): green below 1 %, amber below 5 %, red above. */
export function errorColour(errorRatio) {
  const r = Number(errorRatio ?? 0);
  return r < 0.01 ? '#1b7f3b' : r < 0.05 ? '#b26a00' : '#c62828';
}

/** {nodes, edges, clusters, services} from ListServicesResponse.services (and optional calls). */
export function topology(services, calls = []) {
  const clusters = new Map();
  const nodes = new Map();
  const edges = [];
  for (const s of services ?? []) {
    const serving = s.clusters ?? [];
    serving.forEach((c) => {
      const cluster = c.cluster ?? c.clusterName;
      if (!clusters.has(cluster)) {
        clusters.set(cluster, { id: `cluster:${cluster}`, label: c.clusterName ?? cluster.split('/').pop(), kind: 'cluster' });
      }
      const id = serviceNodeId(cluster, s.namespace, s.name);
      nodes.set(id, {
        id,
        parent: `cluster:${cluster}`,
        label: `${s.namespace}/${s.name}\n${c.healthyEndpoints ?? 0}/${c.endpoints ?? 0}`,
        // wide enough for the label at the graph's font size (about 7 px a character)
        width: Math.max(100, 7 * `${s.namespace}/${s.name}`.length + 20),
        kind: 'service',
        // red too when central's telemetry marked it failing (error ratio, docs/telemetry.md)
        healthy: (c.healthyEndpoints ?? 0) > 0 && !c.failing,
      });
    });
    for (let i = 1; i < serving.length; i++) {
      const from = serviceNodeId(serving[0].cluster ?? serving[0].clusterName, s.namespace, s.name);
      const to = serviceNodeId(serving[i].cluster ?? serving[i].clusterName, s.namespace, s.name);
      edges.push({ id: `failover:${from}->${to}`, source: from, target: to, kind: 'failover', label: `failover ${i}` });
    }
  }
  for (const c of calls ?? []) {
    if (!nodes.has(c.from) || !nodes.has(c.to)) continue;
    edges.push({
      id: `call:${c.from}->${c.to}`,
      source: c.from,
      target: c.to,
      kind: 'call',
      colour: errorColour(c.errorRatio),
      label: `${Number(c.rate ?? 0).toFixed(1)} rps · p99 ${c.p99 ?? '?'}`,
    });
  }
  return { clusters: [...clusters.values()], nodes: [...nodes.values()], edges };
}

/**
 * cytoscape elements: cluster boxes first, then services, then edges. Positions are fixed (a
 * column per cluster, its services stacked), so nothing overlaps and the same catalog draws the
 * same picture.
 */
export function elements(graph) {
  const column = new Map(graph.clusters.map((c, i) => [c.id, { x: 0, row: 0, i }]));
  let x = 0;
  for (const c of graph.clusters) {
    const widest = Math.max(100, ...graph.nodes.filter((n) => n.parent === c.id).map((n) => n.width));
    column.get(c.id).x = x + widest / 2;
    x += widest + 120;
  }
  return [
    ...graph.clusters.map((c) => ({ group: 'nodes', data: c })),
    ...graph.nodes.map((n) => {
      const col = column.get(n.parent);
      const position = { x: col.x, y: col.row++ * 70 };
      return { group: 'nodes', data: n, position };
    }),
    ...graph.edges.map((e) => ({ group: 'edges', data: e })),
  ];
}

/**
 * The calls of a telemetry TopologyResponse as `calls` for topology(): each end matched to this
 * graph's service node by cluster (FQN or name), namespace and name; calls with an end outside the
 * catalog (external, unknown) are left out.
 */
export function telemetryCalls(services, response) {
  const ids = new Map();
  for (const s of services ?? []) {
    for (const c of s.clusters ?? []) {
      const id = serviceNodeId(c.cluster ?? c.clusterName, s.namespace, s.name);
      for (const cluster of [c.cluster, c.clusterName]) if (cluster) ids.set(`${cluster}|${s.namespace}/${s.name}`, id);
    }
  }
  const nodes = new Map((response?.nodes ?? []).map((n) => [n.id, n]));
  const idOf = (nodeId) => {
    const n = nodes.get(nodeId);
    if (!n || (n.kind && n.kind !== 'SERVICE')) return undefined;
    const name = String(n.service ?? '').includes('/') ? n.service : `${n.namespace}/${n.service}`;
    return ids.get(`${n.cluster}|${name}`);
  };
  return (response?.edges ?? [])
    .map((e) => ({
      from: idOf(e.source),
      to: idOf(e.destination),
      rate: Number(e.requestsPerSecond ?? 0),
      errorRatio: Number(e.errorRatio ?? 0),
      p99: `${Math.round(Number(e.p99Ms ?? 0))} ms`,
    }))
    .filter((c) => c.from && c.to);
}
