/** The dups.c model on its own: which groups it reports, and in which order its window closes them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DupsModel, type DupsGroup, type DupsSlot } from '../../../src/engine/kernel/dupsModel';

function slot(name: string): DupsSlot<string> {
  return { name, anchoredGroup: null, unanchoredGroup: null };
}

function model() {
  const closed: DupsGroup<string>[] = [];
  // A first request completes within 5 s of being made (every test below keeps to that).
  const m = new DupsModel<string>(
    60,
    5,
    (g) => closed.push(g),
    () => [],
  );
  const shown = () => closed.map((g) => [g.name, g.anchored, g.first, g.repeats]);
  return { m, shown };
}

test('groups close in the order they were opened, not in the order their first repeat came', () => {
  const { m, shown } = model();
  const a = slot('fs-a');
  const b = slot('fs-b');
  assert.equal(m.request(a, true, 0, 'a1'), null);
  assert.equal(m.request(b, true, 1, 'b1'), null);
  assert.equal(m.request(b, true, 2, 'b2'), 'b1');
  assert.equal(m.request(a, true, 3, 'a2'), 'a1');
  m.complete(a, 'a1', 4);
  m.complete(b, 'b1', 5);
  m.sweep(64);
  assert.deepEqual(shown(), []);
  m.sweep(70);
  assert.deepEqual(shown(), [
    ['fs-a', true, 'a1', ['a2']],
    ['fs-b', true, 'b1', ['b2']],
  ]);
  // Closed by the sweep: the next request anchors a new entry.
  assert.equal(m.request(a, true, 71, 'a3'), null);
  m.flush();
  assert.equal(shown().length, 2);
});

test('a group without repeats is never reported; its window still ends it', () => {
  const { m, shown } = model();
  const c = slot('fs-c');
  assert.equal(m.request(c, true, 10, 'c1'), null);
  m.complete(c, 'c1', 11);
  // Within the window the entry converges a repeat; after it, the name anchors anew.
  assert.equal(m.request(c, true, 71, 'c2'), 'c1');
  assert.equal(m.request(c, true, 71, 'c3'), 'c1');
  assert.equal(m.request(c, true, 132, 'c4'), null);
  m.complete(c, 'c4', 132);
  m.flush();
  assert.deepEqual(shown(), [['fs-c', true, 'c1', ['c2', 'c3']]]);
});

test("nowait first requests: their repeats are reported unanchored, in the order of the groups' first requests", () => {
  const { m, shown } = model();
  const d = slot('fs-d');
  const e = slot('fs-e');
  assert.equal(m.request(d, false, 0, 'd1'), null);
  assert.equal(m.request(d, false, 1, 'd2'), null);
  assert.equal(m.request(d, true, 2, 'd3'), null);
  assert.equal(m.request(e, true, 3, 'e1'), null);
  assert.equal(m.request(e, true, 4, 'e2'), 'e1');
  assert.equal(m.request(d, true, 5, 'd4'), 'd3');
  m.flush();
  assert.deepEqual(shown(), [
    ['fs-d', false, 'd1', ['d2', 'd3']],
    ['fs-d', true, 'd3', ['d4']],
    ['fs-e', true, 'e1', ['e2']],
  ]);
});

test('a closed group is reported once no group opened before it can still gain a repeat, in opening order', () => {
  const { m, shown } = model();
  const a = slot('fs-a');
  const b = slot('fs-b');
  assert.equal(m.request(a, true, 0, 'a1'), null);
  assert.equal(m.request(b, true, 1, 'b1'), null);
  m.complete(b, 'b1', 1);
  assert.equal(m.request(b, true, 2, 'b2'), 'b1');
  m.complete(a, 'a1', 5);
  // fs-b's window ended at 61: closed, but fs-a, opened first, may gain a repeat until 65.
  m.sweep(62);
  assert.deepEqual(shown(), []);
  assert.equal(m.request(a, true, 63, 'a2'), 'a1');
  // At 66 a group opened at 1 or before has had its window end whenever its first request completed.
  m.sweep(66);
  assert.deepEqual(shown(), [['fs-a', true, 'a1', ['a2']]]);
  m.sweep(67);
  assert.deepEqual(shown(), [
    ['fs-a', true, 'a1', ['a2']],
    ['fs-b', true, 'b1', ['b2']],
  ]);
});
