import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rolloutSummary, someOf, stageRows, versionRows } from '../../main/resources/trestle-console/app/lib/rollouts.js';

// A RolloutStatusResponse entry as GET /api/v1/rollouts answers it (protobuf JSON).
const HALTED = {
  rollout: 'organizations/acme/revisionrollouts/istio-1-22',
  phase: 'ROLLOUT_HALTED',
  fromRevision: 'stable',
  toRevision: 'canary',
  restartWorkloads: true,
  currentStage: 2,
  haltReason: 'stage money failed verification: error ratio above 0.05',
  stages: [
    {
      index: 1,
      name: 'storefront',
      phase: 'STAGE_PASSED',
      pause: '20s',
      startedTime: '2026-12-08T01:00:00.120Z',
      labelledTime: '2026-12-08T01:00:03Z',
      pauseUntil: '2026-12-08T01:00:23Z',
      finishedTime: '2026-12-08T01:00:24Z',
      detail: 'error ratio 0.0000, p99 25ms over 1m (400 requests)',
      clusters: [{ cluster: 'eu', relabelled: 1, namespaces: [{ namespace: 'shop', wanted: 'canary', reported: 'canary' }] }],
    },
    {
      index: 2,
      name: 'money',
      phase: 'STAGE_REVERTED',
      pause: '1m',
      startedTime: '2026-12-08T01:00:24Z',
      labelledTime: '2026-12-08T01:00:26Z',
      pauseUntil: '2026-12-08T01:01:26Z',
      finishedTime: '2026-12-08T01:01:27Z',
      detail: 'stage money failed verification: error ratio above 0.05',
      clusters: [
        { cluster: 'eu', namespaces: [{ namespace: 'payments', wanted: 'stable', reported: 'canary' }, { namespace: 'pay-v2', wanted: 'stable' }] },
      ],
    },
    { index: 3, name: 'rest', phase: 'STAGE_SKIPPED', clusters: [] },
  ],
};

test('a rollout is summed up as the CLI prints it', () => {
  assert.equal(rolloutSummary(HALTED), 'HALTED at stage 2 of 3, stable -> canary, restarting workloads');
  assert.equal(rolloutSummary({ phase: 'ROLLOUT_PENDING', fromRevision: 'a', toRevision: 'b', stages: [{}] }), 'PENDING, a -> b');
});

test('one row per stage and cluster with relabelled counts, reported labels and UTC times', () => {
  const rows = stageRows(HALTED);
  assert.deepEqual(rows[0], {
    stage: '1 storefront',
    cluster: 'eu',
    phase: 'PASSED',
    relabelled: '1/1',
    namespaces: 'shop=canary',
    pause: '20s',
    started: '01:00:00',
    labelled: '01:00:03',
    finished: '01:00:24',
    detail: 'error ratio 0.0000, p99 25ms over 1m (400 requests)',
  });
  // a missing count is 0; a label not reported shows as "-"
  assert.equal(rows[1].relabelled, '0/2');
  assert.equal(rows[1].namespaces, 'payments=canary, pay-v2=-');
  assert.equal(rows[1].phase, 'REVERTED');
  // a stage without namespaces still has its row
  assert.deepEqual(
    { cluster: rows[2].cluster, relabelled: rows[2].relabelled, namespaces: rows[2].namespaces, pause: rows[2].pause, started: rows[2].started },
    { cluster: '-', relabelled: '0/0', namespaces: '(none labelled stable)', pause: '-', started: '-' },
  );
  assert.equal(rows.length, 3);
});

test('a running pause says until when', () => {
  const running = { ...HALTED, stages: [{ ...HALTED.stages[0], phase: 'STAGE_PAUSING', finishedTime: undefined }] };
  assert.equal(stageRows(running)[0].pause, '20s until 01:00:23');
});

test('the fleet view has a row per version and cluster, unknown versions named', () => {
  const fleet = {
    versions: [
      { version: '1.21.3', clusters: [{ cluster: 'organizations/acme/clusters/eu', revisions: ['1-21-3'], proxies: 3 }] },
      { version: '', clusters: [{ cluster: 'organizations/acme/clusters/eu' }] },
    ],
  };
  assert.deepEqual(versionRows(fleet), [
    { version: '1.21.3', cluster: 'organizations/acme/clusters/eu', istiod: '1-21-3', proxies: 3 },
    { version: 'unknown', cluster: 'organizations/acme/clusters/eu', istiod: '', proxies: 0 },
  ]);
  assert.deepEqual(versionRows(undefined), []);
});

test('long cluster lists are cut with a count', () => {
  assert.equal(someOf(['a', 'b'], 10), 'a, b');
  assert.equal(someOf(['a', 'b', 'c'], 2), 'a, b … and 1 more');
  assert.equal(someOf(undefined), '');
});
