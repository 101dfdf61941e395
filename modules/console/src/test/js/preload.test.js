import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const ROOT = new URL('../../main/resources/trestle-console/', import.meta.url);

test('index.html preloads every module of the console (and nothing else)', () => {
  const html = readFileSync(new URL('index.html', ROOT), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/ui\/([^"]+)">/g)].map((m) => m[1]).sort();
  const modules = ['app/api.js', 'app/ui.js', 'vendor/htm-3.1.1/standalone.module.js'];
  for (const dir of ['app/lib', 'app/pages']) {
    for (const f of readdirSync(new URL(`${dir}/`, ROOT))) if (f.endsWith('.js')) modules.push(`${dir}/${f}`);
  }
  assert.deepEqual(preloaded, modules.sort());
});
