import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatError } from '../../../src/engine/result';

test('formatError names the file, the line and the fix', () => {
  assert.equal(
    formatError({ code: 'x', message: 'bad thing', file: 'a.txt', line: 3, hint: 'do y' }),
    'a.txt:3: bad thing\n  hint: do y',
  );
  assert.equal(formatError({ code: 'x', message: 'bad thing' }), 'bad thing');
});
