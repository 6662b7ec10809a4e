/** Free-form evidence is printed with its keys sorted, every key kept as data (`__proto__` too: it was lost). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sortKeys } from '../../../src/engine/render/jsonWriter';

test('keys sorted at every level, a key named __proto__ printed like any other', () => {
  const value = JSON.parse('{"b":1,"__proto__":{"y":2,"x":[{"d":3,"c":4}]},"a":null}') as unknown;
  assert.equal(JSON.stringify(sortKeys(value)), '{"__proto__":{"x":[{"c":4,"d":3}],"y":2},"a":null,"b":1}');
});
