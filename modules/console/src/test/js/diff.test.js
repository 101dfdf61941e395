import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeLines, changeRows, showValue } from '../../main/resources/trestle-console/app/lib/diff.js';

test('a changed weight renders as before -> after', () => {
  assert.deepEqual(changeLines([{ path: 'spec.subsets[0].weight', before: '90', after: '50' }]), [
    'spec.subsets[0].weight: 90 -> 50',
  ]);
});

test('added, removed and created changes are told apart', () => {
  const rows = changeRows([
    { path: 'metadata.description', after: '"new"' },
    { path: 'metadata.labels.team', before: '"x"' },
    { path: '', after: '{"spec":{}}' },
  ]);
  assert.deepEqual(rows.map((r) => r.kind), ['added', 'removed', 'created']);
  assert.equal(rows[0].before, '(none)');
  assert.equal(rows[0].after, 'new');
  assert.equal(rows[2].path, '(whole resource)');
});

test('values are JSON text, shown without string quotes; hostile text stays text', () => {
  assert.equal(showValue('"<img src=x onerror=alert(1)>"'), '<img src=x onerror=alert(1)>');
  assert.equal(showValue('{"a":1}'), '{"a":1}');
  assert.equal(showValue('not json'), 'not json');
  assert.equal(showValue(''), '(none)');
});
