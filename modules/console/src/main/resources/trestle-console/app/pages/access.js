// Access: who I am and what I may do where; principals with their tokens, roles, bindings.
import { html, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api, apiRaw } from '../api.js';
import { bindingChain } from '../lib/fqn.js';
import { timestamp } from '../lib/format.js';
import { resourceUrl, withQuery } from '../lib/route.js';
import { ErrorBox, Link } from '../ui.js';

const ROLES = ['admin', 'editor', 'creator', 'writer', 'reader'];

/** Where a binding comes from, as seen from `target`. */
function originLabel(node, target) {
  if (node === target) return 'this node';
  return node === '' ? 'inherited from the root' : html`inherited from <${Link} href=${resourceUrl(node)}>${node}<//>`;
}

export function AccessPage({ session }) {
  const [target, setTarget] = useState('');
  const [perms, setPerms] = useState(null);
  const [principalName, setPrincipalName] = useState(session.principal);
  const [principal, setPrincipal] = useState(null);
  const [bindings, setBindings] = useState(null);
  const [roles, setRoles] = useState(null);
  const [minted, setMinted] = useState(null);

  const check = async () => setPerms(await apiRaw('/api/v1/can-i', { method: 'POST', body: { fqns: [target || ''] } }));
  const lookup = async () => setPrincipal(await apiRaw(`/api/v1/iam/principals/${principalName}`));
  // The bindings on the node and on every node above it (they inherit down), each with its origin.
  const loadBindings = async () => {
    let chain;
    try {
      chain = bindingChain(target === '/' ? '' : target);
    } catch (e) {
      setBindings({ ok: false, error: e });
      return;
    }
    const answers = await Promise.all(chain.map((node) => apiRaw(withQuery('/api/v1/iam/bindings', { target: node })).then((r) => ({ node, r }))));
    setBindings({ ok: true, target: chain[chain.length - 1], answers });
  };
  const loadRoles = async () =>
    setRoles(await Promise.all(ROLES.map((r) => api(`/api/v1/iam/roles/${r}`).catch((e) => ({ name: r, error: e })))));
  const issue = async () => {
    setMinted(await apiRaw(`/api/v1/iam/principals/${principalName}/tokens`, { method: 'POST', body: { description: 'issued from the console' } }));
    lookup();
  };
  const revoke = async (id) => {
    await apiRaw(`/api/v1/iam/principals/${principalName}/tokens/${id}`, { method: 'DELETE' });
    lookup();
  };

  return html`<h1>Access</h1>
    <section>
      <h2>Who am I</h2>
      <p data-test="access-whoami">${session.principal} (authenticated by ${session.authenticatedBy}${session.oidc ? `: issuer ${session.oidc.issuer}, subject ${session.oidc.subject}, groups ${(session.oidc.groups ?? []).join(', ') || 'none'}` : ''})</p>
    </section>
    <section>
      <h2>Permissions and bindings on a node</h2>
      <input placeholder="FQN, empty = the root" value=${target} onInput=${(e) => setTarget(e.target.value)} data-test="access-target" />
      <button onClick=${check}>Check my permissions</button>
      <button onClick=${loadBindings}>Show bindings</button>
      ${perms && !perms.ok && html`<${ErrorBox} error=${perms.error} />`}
      ${perms?.ok && html`<p data-test="access-perms">${perms.body.results[0].error ?? (perms.body.results[0].permissions.join(', ') || 'no permissions')}</p>`}
      ${bindings && !bindings.ok && html`<${ErrorBox} error=${bindings.error} />`}
      ${bindings?.ok &&
      html`<table data-test="access-bindings"><thead><tr><th>Role</th><th>Subjects</th><th>From</th></tr></thead><tbody>
        ${bindings.answers.flatMap(({ node, r }) =>
          !r.ok
            ? [html`<tr class="muted"><td colspan="2">${r.error.message}</td><td>${originLabel(node, bindings.target)}</td></tr>`]
            : (r.body.bindings ?? []).map(
                (b) => html`<tr data-test="access-binding"><td>${b.role}</td><td>${(b.subjects ?? []).join(', ')}</td><td data-test="access-binding-origin">${originLabel(node, bindings.target)}</td></tr>`,
              ),
        )}
      </tbody></table><p class="muted">Bindings inherit down the tree: those on a node above apply here too.</p>`}
    </section>
    <section>
      <h2>Principal</h2>
      <input value=${principalName} onInput=${(e) => setPrincipalName(e.target.value)} data-test="access-principal" />
      <button onClick=${lookup}>Look up</button>
      ${principal && !principal.ok && html`<${ErrorBox} error=${principal.error} />`}
      ${principal?.ok &&
      html`<p>${principal.body.name} ${principal.body.displayName ? `(${principal.body.displayName})` : ''}, created ${timestamp(principal.body.createTime)} by ${principal.body.createdBy ?? ''}</p>
        <table><thead><tr><th>Token</th><th>Issued</th><th>By</th><th>State</th><th>Description</th><th></th></tr></thead><tbody>
          ${(principal.body.tokens ?? []).map(
            (t) => html`<tr><td>${t.id}</td><td>${timestamp(t.issueTime)}</td><td>${t.issuedBy}</td><td>${t.revoked ? 'revoked' : 'active'}</td><td>${t.description ?? ''}</td>
              <td>${!t.revoked && html`<button onClick=${() => revoke(t.id)}>Revoke</button>`}</td></tr>`,
          )}
        </tbody></table>
        <button onClick=${issue}>Issue a token</button>`}
      ${minted && !minted.ok && html`<${ErrorBox} error=${minted.error} />`}
      ${minted?.ok && html`<div class="notice">New token ${minted.body.tokenId} (shown once): <code class="secret">${minted.body.token}</code>
        <button onClick=${() => navigator.clipboard?.writeText(minted.body.token)}>Copy</button></div>`}
    </section>
    <section>
      <h2>Roles</h2>
      <button onClick=${loadRoles}>Show built-in roles</button>
      ${roles &&
      html`<table><thead><tr><th>Role</th><th>Permissions</th><th>Kinds</th></tr></thead><tbody>
        ${roles.map((r) => html`<tr><td>${r.name}</td><td>${r.error ? r.error.message : (r.permissions ?? []).map((p) => p.replace('PERMISSION_', '')).join(', ')}</td><td>${(r.kinds ?? []).join(', ') || '(all)'}</td></tr>`)}
      </tbody></table>`}
    </section>`;
}
