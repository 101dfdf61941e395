// FQNs and kinds (docs/api.md "Kinds and FQNs"). Pure: no DOM, no fetch (unit-tested by node --test).

/** kind → collection segment, parent collection ('' = root) and child collections. */
export const KINDS = {
  Organization: { collection: 'organizations', parent: '' },
  Tenant: { collection: 'tenants', parent: 'organizations' },
  Workspace: { collection: 'workspaces', parent: 'tenants' },
  Group: { collection: 'groups', parent: 'workspaces' },
  Cluster: { collection: 'clusters', parent: 'organizations' },
  ServiceRoute: { collection: 'serviceroutes', parent: 'groups' },
  TrafficSetting: { collection: 'trafficsettings', parent: 'groups' },
  SecuritySetting: { collection: 'securitysettings', parent: 'groups' },
  IngressGateway: { collection: 'ingressgateways', parent: 'groups' },
  EgressGateway: { collection: 'egressgateways', parent: 'groups' },
  GitSource: { collection: 'gitsources', parent: 'tenants' },
  RevisionRollout: { collection: 'revisionrollouts', parent: 'organizations' },
  WasmExtension: { collection: 'wasmextensions', parent: 'organizations' },
  ApiDefinition: { collection: 'apidefinitions', parent: 'groups' },
};

const BY_COLLECTION = Object.fromEntries(
  Object.entries(KINDS).map(([kind, k]) => [k.collection, { kind, ...k }]),
);

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Parses an FQN ("organizations/acme/tenants/payments"); leading/trailing "/" ignored, "" is the
 * root. Returns {segments: [{collection, name, kind}], kind, name, fqn} or throws Error saying why.
 */
export function parseFqn(text) {
  const trimmed = String(text ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return { segments: [], kind: '', name: '', fqn: '' };
  const parts = trimmed.split('/');
  if (parts.length % 2 !== 0) {
    throw new Error(`'${trimmed}' is a collection path, not an FQN (it must alternate collection and name)`);
  }
  const segments = [];
  let parentCollection = '';
  for (let i = 0; i < parts.length; i += 2) {
    const collection = parts[i];
    const name = parts[i + 1];
    const k = BY_COLLECTION[collection];
    if (!k) throw new Error(`unknown collection '${collection}'`);
    if (k.parent !== parentCollection) {
      throw new Error(`'${collection}' cannot follow ${parentCollection === '' ? 'the root' : `'${parentCollection}'`}`);
    }
    if (!LABEL.test(name)) throw new Error(`'${name}' is not a DNS-1123 label`);
    segments.push({ collection, name, kind: k.kind });
    parentCollection = collection;
  }
  const last = segments[segments.length - 1];
  return { segments, kind: last.kind, name: last.name, fqn: trimmed };
}

/** The FQN's ancestors from the root down, each {fqn, name, kind} (breadcrumbs). */
export function ancestry(text) {
  const { segments } = parseFqn(text);
  return segments.map((s, i) => ({
    fqn: segments.slice(0, i + 1).map((x) => `${x.collection}/${x.name}`).join('/'),
    name: s.name,
    kind: s.kind,
  }));
}

/** The collections that may hold children of a node of this kind ('' = root). */
export function childCollections(kind) {
  const collection = kind === '' ? '' : KINDS[kind]?.collection;
  return Object.values(KINDS)
    .filter((k) => k.parent === collection)
    .map((k) => k.collection);
}

export function parentFqn(text) {
  const parts = String(text).replace(/^\/+|\/+$/g, '').split('/');
  return parts.slice(0, Math.max(0, parts.length - 2)).join('/');
}

/** The kinds an apply can edit in the console (containers and leaves alike). */
export function kindOfCollection(collection) {
  return BY_COLLECTION[collection]?.kind ?? '';
}

/** Every collection that may hold descendants (at any depth) of a node of this kind, parents first. */
export function descendantCollections(kind) {
  const out = [];
  let level = childCollections(kind);
  while (level.length > 0) {
    out.push(...level);
    level = level.flatMap((c) => childCollections(kindOfCollection(c)));
  }
  return out;
}

/** The nodes whose bindings apply to fqn: the root (''), each ancestor, then fqn itself. */
export function bindingChain(text) {
  const { fqn } = parseFqn(text);
  return ['', ...(fqn ? ancestry(fqn).map((a) => a.fqn) : [])];
}
