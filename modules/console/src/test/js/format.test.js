import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, count, enumLabel, errorText, kindCounts, projectionLags, timestamp } from '../../main/resources/trestle-console/app/lib/format.js';
import { parseRoute, resourceUrl, withQuery } from '../../main/resources/trestle-console/app/lib/route.js';

test('enum labels drop their prefix', () => {
  assert.equal(enumLabel('CLUSTER_HEALTHY', 'CLUSTER_'), 'HEALTHY');
  assert.equal(enumLabel(undefined, 'SYNC_'), 'UNKNOWN');
});

test('times are relative when recent', () => {
  const now = Date.parse('2026-12-07T15:00:00Z');
  assert.equal(ago('2026-12-07T14:59:48Z', now), '12 s ago');
  assert.equal(ago('2026-12-07T14:57:00Z', now), '3 min ago');
  assert.equal(ago('2026-12-05T15:00:00Z', now), '2026-12-05 15:00:00Z');
  assert.equal(ago(undefined, now), 'never');
  assert.equal(timestamp('2026-12-07T15:02:37.123Z'), '2026-12-07 15:02:37Z');
  assert.equal(count(10000), '10,000');
});

test('server errors keep their message and field paths', () => {
  assert.equal(
    errorText({ code: 'INVALID_ARGUMENT', message: 'invalid', fieldViolations: [{ field: 'spec.subsets[0].weight', description: 'at most 100' }] }),
    'invalid (spec.subsets[0].weight: at most 100)',
  );
  assert.equal(errorText({ code: 'CONFLICT', message: 'version 3 is stale' }), 'version 3 is stale');
  assert.equal(errorText(null, 502), 'HTTP 502');
});

test('console URLs route to pages and back', () => {
  assert.deepEqual(parseRoute('/ui/r/organizations/acme/tenants/payments', '?version=2'), {
    page: 'resource',
    fqn: 'organizations/acme/tenants/payments',
    query: { version: '2' },
  });
  assert.equal(parseRoute('/ui/').page, 'overview');
  assert.equal(parseRoute('/ui/clusters/acme/eu-west-1a').fqn, 'organizations/acme/clusters/eu-west-1a');
  assert.equal(parseRoute('/ui/audit', '?outcome=refused').query.outcome, 'refused');
  assert.equal(parseRoute('/ui/upgrades').page, 'upgrades');
  assert.equal(parseRoute('/ui/nope').page, 'notfound');
  assert.equal(resourceUrl('organizations/acme', 3), '/ui/r/organizations/acme?version=3');
  assert.equal(withQuery('/ui/audit', { outcome: 'refused', text: '' }), '/ui/audit?outcome=refused');
});

test('projection lag: the worst slice per projection, pending events summed', () => {
  const rows = projectionLags([
    { projection: 'audit', slice: 'c0', pendingEvents: 2, lagSeconds: 1.5 },
    { projection: 'desired-state', slice: 'd', pendingEvents: 0, lagSeconds: 0 },
    { projection: 'audit', slice: 'c1', pendingEvents: 3, lagSeconds: 4 },
  ]);
  assert.deepEqual(rows, [
    { projection: 'audit', lagSeconds: 4, pendingEvents: 5 },
    { projection: 'desired-state', lagSeconds: 0, pendingEvents: 0 },
  ]);
  assert.deepEqual(projectionLags(undefined), []);
});

test('resource counts by kind: most first, ties by kind name', () => {
  assert.equal(kindCounts({ Tenant: 1, Cluster: 1003, Organization: 1 }), '1,003 Cluster, 1 Organization, 1 Tenant');
  assert.equal(kindCounts({}), '');
  assert.equal(kindCounts(undefined), '');
});
