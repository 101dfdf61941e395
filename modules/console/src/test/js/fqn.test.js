import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ancestry, bindingChain, childCollections, descendantCollections, parentFqn, parseFqn } from '../../main/resources/trestle-console/app/lib/fqn.js';

test('parses an FQN into kinds and names', () => {
  const p = parseFqn('/organizations/acme/tenants/payments/');
  assert.equal(p.fqn, 'organizations/acme/tenants/payments');
  assert.equal(p.kind, 'Tenant');
  assert.equal(p.name, 'payments');
  assert.deepEqual(p.segments.map((s) => s.kind), ['Organization', 'Tenant']);
});

test('the empty FQN is the root', () => {
  assert.deepEqual(parseFqn(''), { segments: [], kind: '', name: '', fqn: '' });
});

test('refuses collection paths, unknown collections, wrong order and bad names, saying why', () => {
  assert.throws(() => parseFqn('organizations/acme/tenants'), /collection path/);
  assert.throws(() => parseFqn('widgets/x'), /unknown collection 'widgets'/);
  assert.throws(() => parseFqn('organizations/acme/groups/g'), /'groups' cannot follow 'organizations'/);
  assert.throws(() => parseFqn('tenants/x'), /cannot follow the root/);
  assert.throws(() => parseFqn('organizations/<img src=x onerror=alert(1)>'), /not a DNS-1123 label/);
});

test('ancestry gives breadcrumbs from the root down', () => {
  assert.deepEqual(
    ancestry('organizations/acme/clusters/eu-west-1a').map((a) => a.fqn),
    ['organizations/acme', 'organizations/acme/clusters/eu-west-1a'],
  );
});

test('child collections follow the kind table', () => {
  assert.deepEqual(childCollections(''), ['organizations']);
  assert.deepEqual(childCollections('Organization'), ['tenants', 'clusters', 'revisionrollouts', 'wasmextensions']);
  assert.deepEqual(childCollections('ServiceRoute'), []);
  assert.equal(parentFqn('organizations/acme/tenants/payments'), 'organizations/acme');
});

test('descendant collections of a node, parents first', () => {
  assert.deepEqual(descendantCollections('Workspace'), ['groups', 'serviceroutes', 'trafficsettings', 'securitysettings', 'ingressgateways', 'egressgateways', 'apidefinitions']);
  assert.deepEqual(descendantCollections('ServiceRoute'), []);
  assert.ok(descendantCollections('Organization').includes('clusters'));
});

test('binding chain: the root, the ancestors, the node', () => {
  assert.deepEqual(bindingChain('organizations/acme/tenants/t'), ['', 'organizations/acme', 'organizations/acme/tenants/t']);
  assert.deepEqual(bindingChain(''), ['']);
  assert.throws(() => bindingChain('organizations'), /collection path/);
});
