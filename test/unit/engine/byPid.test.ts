/**
 * ByPid: values by pid, in pages for the kernel's pids (below 2^22) and in a Map for any other number a trace prints.
 * Each pid keeps its own value wherever it falls: pids sharing a page, at a page's edges, past the paged range,
 * negative, not integers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByPid } from '../../../src/engine/byPid';

const PIDS = [0, 1, 1023, 1024, 1025, 32767, 32768, 4194303, 4194304, 2 ** 32 + 5, 5, 2 ** 53, -1, 1.5];

test('each pid keeps its own value, paged or not', () => {
  const byPid = new ByPid<string>();
  for (const pid of PIDS) assert.equal(byPid.get(pid), undefined);
  for (const pid of PIDS) byPid.set(pid, `task ${pid}`);
  for (const pid of PIDS) assert.equal(byPid.get(pid), `task ${pid}`);
  assert.equal(byPid.get(2), undefined);
  assert.equal(byPid.get(4194305), undefined);
});

test('a pid set again or deleted changes only its own value', () => {
  const byPid = new ByPid<number>();
  for (const pid of PIDS) byPid.set(pid, 1);
  byPid.set(1024, 2);
  byPid.set(2 ** 32 + 5, 3);
  byPid.delete(1023);
  byPid.delete(4194304);
  byPid.delete(7);
  assert.deepEqual(
    PIDS.map((pid) => byPid.get(pid)),
    [1, 1, undefined, 2, 1, 1, 1, 1, undefined, 3, 1, 1, 1, 1],
  );
});

test('a page emptied and filled again holds its new values only', () => {
  const byPid = new ByPid<number>();
  for (let pid = 2048; pid < 2048 + 1024; pid++) byPid.set(pid, pid);
  for (let pid = 2048; pid < 2048 + 1024; pid++) byPid.delete(pid);
  for (let pid = 2048; pid < 2048 + 1024; pid++) assert.equal(byPid.get(pid), undefined);
  // A pid deleted twice counts once: its page still holds 3001.
  byPid.set(3000, 1);
  byPid.set(3001, 2);
  byPid.delete(3000);
  byPid.delete(3000);
  assert.equal(byPid.get(3000), undefined);
  assert.equal(byPid.get(3001), 2);
  assert.equal(byPid.get(2048), undefined);
});
