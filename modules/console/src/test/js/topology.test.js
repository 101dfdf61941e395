import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elements, errorColour, serviceNodeId, telemetryCalls, topology } from '../../main/resources/trestle-console/app/lib/topology.js';

const services = [
  {
    namespace: 'checkout',
    name: 'cart',
    clusters: [
      { cluster: 'organizations/acme/clusters/a', clusterName: 'a', healthyEndpoints: 2, endpoints: 3 },
      { cluster: 'organizations/acme/clusters/b', clusterName: 'b', healthyEndpoints: 0, endpoints: 1 },
    ],
  },
  { namespace: 'pay', name: '<img src=x>', clusters: [{ cluster: 'organizations/acme/clusters/a', clusterName: 'a' }] },
];

test('services are grouped by cluster and failover edges follow the catalog order', () => {
  const g = topology(services);
  assert.deepEqual(g.clusters.map((c) => c.label), ['a', 'b']);
  assert.equal(g.nodes.length, 3);
  const cartB = g.nodes.find((n) => n.id === serviceNodeId('organizations/acme/clusters/b', 'checkout', 'cart'));
  assert.equal(cartB.parent, 'cluster:organizations/acme/clusters/b');
  assert.equal(cartB.healthy, false);
  assert.equal(cartB.label, 'checkout/cart\n0/1');
  assert.deepEqual(g.edges.map((e) => [e.kind, e.source.split(':')[1], e.target.split(':')[1]]), [
    ['failover', 'organizations/acme/clusters/a', 'organizations/acme/clusters/b'],
  ]);
  assert.equal(elements(g).length, 2 + 3 + 1);
});

test('telemetry calls become coloured edges; unknown nodes are skipped', () => {
  const a = serviceNodeId('organizations/acme/clusters/a', 'checkout', 'cart');
  const b = serviceNodeId('organizations/acme/clusters/b', 'checkout', 'cart');
  const g = topology(services, [
    { from: a, to: b, rate: 12.34, errorRatio: 0.2, p99: '80ms' },
    { from: a, to: 'svc:nowhere', rate: 1 },
  ]);
  const calls = g.edges.filter((e) => e.kind === 'call');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].colour, '#c62828');
  assert.equal(calls[0].label, '12.3 rps · p99 80ms');
  assert.equal(errorColour(0), '#1b7f3b');
  assert.equal(errorColour(0.02), '#b26a00');
});

test('telemetry topology nodes are matched to catalog nodes; external ends are dropped', () => {
  const response = {
    nodes: [
      { id: 'cart@a', service: 'cart', namespace: 'checkout', cluster: 'a', kind: 'SERVICE' },
      { id: 'cart@b', service: 'cart', namespace: 'checkout', cluster: 'organizations/acme/clusters/b', kind: 'SERVICE' },
      { id: 'external:x.com', service: '', namespace: '', cluster: '', kind: 'EXTERNAL' },
    ],
    edges: [
      { source: 'cart@a', destination: 'cart@b', requestsPerSecond: 2.5, errorRatio: 0.03, p99Ms: 41.6 },
      { source: 'cart@a', destination: 'external:x.com', requestsPerSecond: 1 },
    ],
  };
  const calls = telemetryCalls(services, response);
  assert.deepEqual(calls, [
    {
      from: serviceNodeId('organizations/acme/clusters/a', 'checkout', 'cart'),
      to: serviceNodeId('organizations/acme/clusters/b', 'checkout', 'cart'),
      rate: 2.5,
      errorRatio: 0.03,
      p99: '42 ms',
    },
  ]);
  const edge = topology(services, calls).edges.find((e) => e.kind === 'call');
  assert.equal(edge.colour, '#b26a00');
  assert.equal(edge.label, '2.5 rps · p99 42 ms');
});

test('positions: a column per cluster, services stacked, no two nodes at one place', () => {
  const els = elements(topology(services)).filter((e) => e.position);
  assert.equal(els.length, 3);
  const spots = new Set(els.map((e) => `${e.position.x},${e.position.y}`));
  assert.equal(spots.size, 3);
  const a = els.filter((e) => e.data.parent === 'cluster:organizations/acme/clusters/a');
  assert.equal(new Set(a.map((e) => e.position.x)).size, 1);
});

test('a service failing by its error ratio is drawn red although its endpoints are healthy', () => {
  const g = topology([
    {
      namespace: 'checkout',
      name: 'cart',
      clusters: [{ cluster: 'organizations/acme/clusters/a', clusterName: 'a', healthyEndpoints: 3, endpoints: 3, failing: true }],
    },
  ]);
  assert.equal(g.nodes[0].healthy, false);
  assert.equal(g.nodes[0].label, 'checkout/cart\n3/3');
});
