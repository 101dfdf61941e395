import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impactClusters, impactSummary, prettyJson } from '../../main/resources/trestle-console/app/lib/impact.js';

const response = {
  clusters: [
    {
      cluster: 'organizations/acme/clusters/east',
      currentVersion: '4',
      objects: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          namespace: 'shop',
          name: 'cart',
          change: 'OBJECT_CHANGED',
          sourceFqn: 'organizations/acme/x',
          changes: [{ path: 'spec.http[0].route[0].weight', before: '90', after: '50' }],
        },
        { kind: 'DestinationRule', namespace: 'shop', name: 'cart', change: 'OBJECT_CREATED', afterJson: '{"a":1}' },
        { kind: 'Sidecar', namespace: 'shop', name: 'default', change: 'OBJECT_DELETED', beforeJson: '{"b":"<img src=x>"}' },
      ],
      diagnostics: ['organizations/acme/x: a warning'],
    },
  ],
  clustersExamined: 3,
  clustersHidden: 1,
};

test('objects get a label, a title, and either field changes or the whole object', () => {
  const [c] = impactClusters(response);
  assert.equal(c.version, 4);
  assert.deepEqual(c.objects.map((o) => o.label), ['CHANGE', 'CREATE', 'DELETE']);
  assert.equal(c.objects[0].title, 'VirtualService shop/cart');
  assert.equal(c.objects[0].detail, 'networking.istio.io/v1 · from organizations/acme/x');
  assert.equal(c.objects[0].changes.length, 1);
  assert.equal(c.objects[0].body, '');
  assert.equal(c.objects[1].body, '{\n  "a": 1\n}');
  assert.equal(c.objects[2].body, '{\n  "b": "<img src=x>"\n}');
  assert.deepEqual(c.diagnostics, ['organizations/acme/x: a warning']);
});

test('the summary counts hidden clusters and an empty answer reads as none', () => {
  assert.equal(impactSummary(response), '2 of 3 cluster(s) the change can reach would change (1 you may not read, not shown)');
  assert.equal(impactSummary({}), '0 of 0 cluster(s) the change can reach would change');
  assert.deepEqual(impactClusters({}), []);
});

test('prettyJson keeps non-JSON text and empty input', () => {
  assert.equal(prettyJson(''), '');
  assert.equal(prettyJson('not json'), 'not json');
});
