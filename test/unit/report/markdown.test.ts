import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownCode, markdownText } from '../../../src/engine/render/markdown';

test('markdown cells: a name from a trace cannot end a table cell, start HTML or a link, or close its code span', () => {
  // A backtick inside: fenced with two; a pipe: escaped, as GFM tables require even inside code spans.
  assert.equal(markdownCode('a`b|c'), '``a`b\\|c``');
  // Starting with a backtick: padded so the fence is not read as longer.
  assert.equal(markdownCode('`x'), '`` `x ``');
  assert.equal(markdownText('<img src=x>|[a](b)'), '\\<img src=x\\>\\|\\[a\\]\\(b\\)');
  assert.equal(markdownText('get_fs_type'), 'get\\_fs\\_type');
});
