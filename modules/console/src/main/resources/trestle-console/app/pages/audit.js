// Audit: every filter the API has, paging by the server's page tokens, each change's diff inline.
import { html, useEffect, useState } from '../../vendor/htm-3.1.1/standalone.module.js';
import { api } from '../api.js';
import { enumLabel, timestamp } from '../lib/format.js';
import { BASE, resourceUrl, withQuery } from '../lib/route.js';
import { ChangeTable, ErrorBox, Link, Loading, PagedTable, navigate, useRenderedMark } from '../ui.js';

const FILTERS = [
  ['resource', 'Resource FQN'],
  ['principal', 'Principal'],
  ['kind', 'Kind'],
  ['operation', 'Operation'],
  ['outcome', 'Outcome'],
  ['since', 'Since (RFC 3339)'],
  ['until', 'Until'],
  ['text', 'Text'],
];
const OPERATIONS = ['', 'create', 'update', 'delete', 'apply', 'edge_connect', 'edge_disconnect', 'health', 'nack'];

/**
 * The log as the filters select it: a first page of 100 rows shown at once, then pages of 1,000
 * read behind it until `limit` rows (at most 10,000) or the end; the server's page token continues
 * later ("Load older entries").
 */
function useAudit(query) {
  const [state, setState] = useState({ loading: true });
  const key = JSON.stringify(query);
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    (async () => {
      const limit = Math.min(Number(query.limit ?? 1000), 10000);
      const rows = [];
      let pageToken = query.pageToken ?? '';
      let notice = '';
      let pageSize = 100;
      do {
        const page = await api(withQuery('/api/v1/audit', { ...query, limit: undefined, pageToken, pageSize: Math.min(pageSize, limit - rows.length) }));
        rows.push(...(page.entries ?? []));
        pageToken = page.nextPageToken ?? '';
        if (page.scanBudgetExhausted) notice = `The server scanned ${page.rowsExamined} rows without filling the page; load more to continue.`;
        const complete = !pageToken || rows.length >= limit;
        if (live) setState({ data: { rows: rows.slice(), nextPageToken: pageToken, notice, complete }, loading: false });
        pageSize = 1000;
      } while (live && pageToken && rows.length < limit);
    })().catch((error) => live && setState((s) => ({ ...s, loading: false, error })));
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

export function AuditPage({ query }) {
  const q = query ?? {};
  const [form, setForm] = useState(q);
  const { data, error, loading } = useAudit(q);
  useRenderedMark('trestle:audit-rows', !!data);
  useRenderedMark('trestle:audit-complete', !!data?.complete);
  const submit = (e) => {
    e.preventDefault();
    navigate(withQuery(`${BASE}/audit`, form));
  };
  const field = (name, label) =>
    name === 'outcome'
      ? html`<label>${label}<select name=${name} data-test="filter-outcome" value=${form.outcome ?? ''} onChange=${(e) => setForm({ ...form, outcome: e.target.value })}>
          <option value="">any</option><option value="accepted">accepted</option><option value="refused">refused</option>
        </select></label>`
      : name === 'operation'
        ? html`<label>${label}<select name=${name} value=${form.operation ?? ''} onChange=${(e) => setForm({ ...form, operation: e.target.value })}>
            ${OPERATIONS.map((o) => html`<option value=${o}>${o || 'any'}</option>`)}
          </select></label>`
        : html`<label>${label}<input name=${name} data-test=${`filter-${name}`} value=${form[name] ?? ''} onInput=${(e) => setForm({ ...form, [name]: e.target.value })} /></label>`;
  return html`<h1>Audit</h1>
    <form class="filters" onSubmit=${submit} data-test="audit-filters">
      ${FILTERS.map(([n, l]) => field(n, l))}
      <label class="check"><input type="checkbox" checked=${form.recursive === 'true'} onChange=${(e) => setForm({ ...form, recursive: e.target.checked ? 'true' : '' })} /> with descendants</label>
      <button type="submit" class="primary" data-test="audit-search">Search</button>
    </form>
    <${ErrorBox} error=${error} />
    ${loading && html`<${Loading} />`}
    ${data && !data.complete && html`<p class="muted" data-test="audit-loading">Loaded ${data.rows.length} entries; more are on their way (the table grows as they arrive).</p>`}
    ${data?.notice && html`<p class="notice">${data.notice}</p>`}
    ${data &&
    html`<${PagedTable}
      test="audit-table"
      rows=${data.rows}
      pageSize=${100}
      columns=${[
        { title: 'Time', cell: (r) => timestamp(r.time) },
        { title: 'Principal', cell: (r) => r.principal },
        { title: 'Operation', cell: (r) => enumLabel(r.operation, '') },
        { title: 'Outcome', cell: (r) => html`<span data-test="audit-outcome">${enumLabel(r.outcome, '')}</span>` },
        { title: 'Kind', cell: (r) => r.kind ?? '' },
        { title: 'Resource', cls: 'wrap', cell: (r) => (r.fqn ? html`<${Link} href=${resourceUrl(r.fqn, r.version)}>${r.fqn}<//>` : '') },
        { title: 'Version', cell: (r) => String(r.version ?? '') },
        {
          title: 'Message / changes',
          cls: 'wrap',
          cell: (r) =>
            html`<div data-test="audit-message">${r.message ?? ''}</div>${(r.changes ?? []).length > 0 && html`<details><summary>${r.changes.length} change(s)</summary><${ChangeTable} changes=${r.changes} /></details>`}`,
        },
      ]}
    />
    ${data.complete && data.nextPageToken && html`<button data-test="audit-more" onClick=${() => navigate(withQuery(`${BASE}/audit`, { ...q, pageToken: data.nextPageToken }))}>Load older entries</button>`}`}`;
}
