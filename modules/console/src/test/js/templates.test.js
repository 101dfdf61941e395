import assert from 'node:assert/strict';
import { test } from 'node:test';
import { creatableKinds, templateFor } from '../../main/resources/trestle-console/app/lib/templates.js';

test('the kinds a node can hold', () => {
  assert.deepEqual(creatableKinds(''), ['Organization']);
  assert.deepEqual(creatableKinds('organizations/acme'), ['Tenant', 'Cluster', 'RevisionRollout', 'WasmExtension']);
  assert.deepEqual(creatableKinds('organizations/acme/tenants/t'), ['Workspace', 'GitSource']);
  assert.deepEqual(creatableKinds('organizations/acme/tenants/t/workspaces/w/groups/g'), [
    'ServiceRoute',
    'TrafficSetting',
    'SecuritySetting',
    'IngressGateway',
    'EgressGateway',
    'ApiDefinition',
  ]);
});

test('a template names its parents and has the kind spec', () => {
  const yaml = templateFor('ServiceRoute', 'organizations/acme/tenants/t/workspaces/w/groups/g', 'cart');
  assert.match(yaml, /^apiVersion: trestle.dev\/v1\nkind: ServiceRoute\nmetadata:\n  name: cart\n  organization: acme\n  tenant: t\n  workspace: w\n  group: g\n/);
  assert.match(yaml, /\n {2}service: my-namespace\/my-service\n/);
  assert.match(templateFor('Organization', ''), /kind: Organization\nmetadata:\n {2}name: new-name\n {2}description: ""\nspec:\n {2}displayName/);
});

test('a kind that cannot live under the parent is refused with the reason', () => {
  assert.throws(() => templateFor('ServiceRoute', 'organizations/acme'), /cannot be created under organizations\/acme/);
});
