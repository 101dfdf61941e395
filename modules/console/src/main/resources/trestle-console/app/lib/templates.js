// A starting document per kind for "New ..." (docs/api.md "Specs"). Pure (unit-tested).
import { KINDS, parseFqn } from './fqn.js';

const PARENT_KEY = { organizations: 'organization', tenants: 'tenant', workspaces: 'workspace', groups: 'group' };

// The spec part of each template: the required fields with example values to edit.
const SPECS = {
  Organization: ['displayName: My organization'],
  Tenant: ['displayName: My tenant'],
  Workspace: ['displayName: My workspace', 'namespaceSelectors:', '  - "*/my-namespace"'],
  Group: ['displayName: My group', 'type: TRAFFIC   # TRAFFIC, SECURITY or GATEWAY'],
  Cluster: ['displayName: My cluster', 'network: net1', 'locality:', '  region: eu-west-1', '  zone: eu-west-1a'],
  ServiceRoute: [
    'service: my-namespace/my-service',
    'subsets:',
    '  - name: stable',
    '    labels: {version: v1}',
    '    weight: 90',
    '  - name: canary',
    '    labels: {version: v2}',
    '    weight: 10',
  ],
  TrafficSetting: ['timeout: 5s', 'retries:', '  attempts: 2', '  perTryTimeout: 2s'],
  SecuritySetting: ['mtlsMode: STRICT'],
  IngressGateway: [
    'workloadSelector: {istio: ingressgateway}',
    'servers:',
    '  - name: http',
    '    port: 80',
    '    protocol: HTTP',
    '    hosts: ["shop.example.com"]',
    'routes:',
    '  - name: shop',
    '    host: shop.example.com',
    '    service: my-namespace/my-service',
  ],
  EgressGateway: [
    'workloadNamespace: my-egress',
    'workloadSelector: {istio: egressgateway}',
    'service: istio-egressgateway',
    'allow:',
    '  - name: my-workspace',
    '    fromWorkspaces: [organizations/my-org/tenants/my-tenant/workspaces/my-workspace]',
    '    hosts: [api.example.com]',
  ],
  GitSource: [
    'url: https://git.example.com/team/mesh-config.git',
    'ref: main',
    'paths: [config]',
    'interval: 1m',
    'prune: false   # docs/gitops.md: bind the source\'s principal before its first sync',
  ],
  RevisionRollout: [
    'clusters: ["*"]',
    'fromRevision: stable',
    'toRevision: canary',
    'stages:',
    '  - name: first',
    '    namespaces: ["my-namespace"]',
    '    pause: 300s',
  ],
  WasmExtension: [
    'url: oci://registry.example.com/wasm/my-filter:1.0.0',
    'sha256: 0000000000000000000000000000000000000000000000000000000000000000   # the module\'s digest',
    'phase: AUTHN   # AUTHN, AUTHZ or STATS',
    'allowedTenants: [my-tenant]',
  ],
  ApiDefinition: [
    'gateway: organizations/my-org/tenants/my-tenant/workspaces/my-ws/groups/my-group/ingressgateways/my-gateway',
    'openapi: |',
    '  openapi: 3.0.3',
    '  info: {title: My API, version: "1.0"}',
    '  servers: [{url: "https://api.example.com/v1"}]',
    '  x-trestle-service: my-namespace/my-service',
    '  paths:',
    '    /items/{id}:',
    '      get: {responses: {"200": {description: OK}}}',
  ],
};

/** The kinds that can be created under parentFqn ('' = root), in KINDS order. */
export function creatableKinds(parentFqn) {
  const parent = parseFqn(parentFqn);
  const collection = parent.segments.length === 0 ? '' : parent.segments[parent.segments.length - 1].collection;
  return Object.entries(KINDS)
    .filter(([, k]) => k.parent === collection)
    .map(([kind]) => kind);
}

/** A YAML document for a new `kind` under parentFqn, named `name`; throws for a kind not allowed there. */
export function templateFor(kind, parentFqn, name = 'new-name') {
  if (!creatableKinds(parentFqn).includes(kind)) {
    throw new Error(`a ${kind} cannot be created under ${parentFqn || 'the root'}`);
  }
  const lines = ['apiVersion: trestle.dev/v1', `kind: ${kind}`, 'metadata:', `  name: ${name}`];
  for (const s of parseFqn(parentFqn).segments) lines.push(`  ${PARENT_KEY[s.collection]}: ${s.name}`);
  lines.push('  description: ""', 'spec:');
  for (const l of SPECS[kind]) lines.push(`  ${l}`);
  return `${lines.join('\n')}\n`;
}
