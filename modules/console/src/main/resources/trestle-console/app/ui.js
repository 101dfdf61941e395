// Shared view pieces: links that route in the page, tables with paging, error boxes.
import { html, useEffect, useState } from '../vendor/htm-3.1.1/standalone.module.js';
import { changeRows } from './lib/diff.js';

let navigateHook = () => {};
export function setNavigate(fn) {
  navigateHook = fn;
}

export function navigate(url, { replace = false } = {}) {
  navigateHook(url, replace);
}

/** An <a> routed in the page (ctrl/middle click still open a new tab). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${onClick} ...${rest}>${children}</a>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert" data-test="error">${error.message ?? String(error)}</div>`;
}

export function Loading() {
  return html`<p class="muted" data-test="loading">Loading…</p>`;
}

/** Runs an async loader when deps change; returns {data, error, loading, reload}. */
export function useLoad(loader, deps) {
  const [state, setState] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/**
 * Records a performance mark named `name` the first time `ready` holds after a render (once per
 * page load): the browser tests read these marks to report when a page first showed its data.
 */
export function useRenderedMark(name, ready) {
  useEffect(() => {
    if (ready && performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
  }, [name, ready]);
}

/**
 * A table of many rows rendered a page at a time (pageSize rows), with a filter box and pager,
 * so 10,000 rows cost one page of DOM.
 */
export function PagedTable({ columns, rows, pageSize = 100, filterText, test }) {
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const shown = filter && filterText ? rows.filter((r) => filterText(r).toLowerCase().includes(filter.toLowerCase())) : rows;
  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const current = Math.min(page, pages - 1);
  const slice = shown.slice(current * pageSize, (current + 1) * pageSize);
  return html`<div class="paged" data-test=${test}>
    ${filterText &&
    html`<input class="filter" placeholder="Filter…" value=${filter} onInput=${(e) => {
      setFilter(e.target.value);
      setPage(0);
    }} />`}
    <table>
      <thead><tr>${columns.map((c) => html`<th>${c.title}</th>`)}</tr></thead>
      <tbody>
        ${slice.map((r) => html`<tr>${columns.map((c) => html`<td class=${c.cls ?? ''}>${c.cell(r)}</td>`)}</tr>`)}
      </tbody>
    </table>
    ${shown.length === 0 && html`<p class="muted">Nothing to show.</p>`}
    <div class="pager">
      <button disabled=${current === 0} onClick=${() => setPage(current - 1)}>‹ Previous</button>
      <span data-test="pager-info">${shown.length === 0 ? 0 : current * pageSize + 1}–${Math.min(shown.length, (current + 1) * pageSize)} of ${shown.length}</span>
      <button disabled=${current >= pages - 1} onClick=${() => setPage(current + 1)}>Next ›</button>
    </div>
  </div>`;
}

export function Badge({ value }) {
  const cls = { HEALTHY: 'ok', APPLIED: 'ok', ACCEPTED: 'ok', UNHEALTHY: 'bad', FAILED: 'bad', REFUSED: 'bad', PENDING: 'warn' }[value] ?? 'neutral';
  return html`<span class=${`badge ${cls}`}>${value}</span>`;
}

/** Field changes (path, before, after) as a table. */
export function ChangeTable({ changes, test }) {
  const rows = changeRows(changes);
  if (rows.length === 0) return html`<p class="muted" data-test=${test}>No field changes.</p>`;
  return html`<table class="changes" data-test=${test}>
    <thead><tr><th>Path</th><th>Before</th><th>After</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr class=${r.kind}><td>${r.path}</td><td class="before">${r.before}</td><td class="after">${r.after}</td></tr>`)}</tbody>
  </table>`;
}
