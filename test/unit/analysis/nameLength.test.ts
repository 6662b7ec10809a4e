import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFormat } from '../../../src/analysis/format';
import { nameTooLong } from '../../../src/analysis/rules';
import type { CallSiteInfo } from '../../../src/engine/sourceIndex';

function site(format: string, name: string | null): CallSiteInfo {
  return {
    file: 'a.c',
    line: 3,
    column: 2,
    callee: 'request_module',
    kind: 'direct',
    via: [],
    function: 'f',
    format,
    pattern: null,
    name,
    family: null,
    shapes: null,
    arguments: format === '' ? [] : [`"${format}"`],
    returnUse: 'discarded',
    assignedTested: null,
    wait: true,
    endLine: 3,
    endColumn: 40,
    tail: false,
    requestsHere: true,
    recheck: null,
    queue: null,
  };
}

test('a known integer counts as the digits it prints, an unknown one as its widest', () => {
  const known = renderFormat('foo-firmware-helper-for-the-very-long-named-device-family-%d', [
    { kind: 'integer', value: 12345n },
  ]);
  assert.deepEqual(
    [known.name, known.maxLength, known.minLength],
    ['foo-firmware-helper-for-the-very-long-named-device-family-12345', 63, 63],
  );
  // 'net-pf-' and '-proto-' are 14 bytes; a %d prints 1 to 11 ("-2147483648").
  const unknown = renderFormat('net-pf-%d-proto-%d', []);
  assert.deepEqual([unknown.pattern, unknown.maxLength, unknown.minLength], ['net-pf-*-proto-*', 36, 16]);
});

test('an unbounded %s has no longest name, but its fixed text is always there', () => {
  const r = renderFormat('fs-%s', []);
  assert.deepEqual([r.maxLength, r.minLength], [Infinity, 3]);
  const precise = renderFormat('fs-%.*s', []);
  assert.deepEqual([precise.maxLength, precise.minLength], [Infinity, 3]);
  const widthed = renderFormat('x-%8s', []);
  assert.deepEqual([widthed.maxLength, widthed.minLength], [Infinity, 10]);
});

test('name-too-long: the exact length of a constant name, a bounded format, and an unbounded one too long already', () => {
  const constant = renderFormat('foo-firmware-helper-for-the-very-long-named-device-family-%d', [
    { kind: 'integer', value: 12345n },
  ]);
  assert.match(
    nameTooLong(site('', constant.name), constant.maxLength, constant.minLength)!.message,
    / requests "foo-.*-12345", 63 bytes;/,
  );

  const fits = renderFormat('net-pf-%d-proto-%d', []);
  assert.equal(nameTooLong(site('net-pf-%d-proto-%d', null), fits.maxLength, fits.minLength), null);

  assert.equal(nameTooLong(site('fs-%s', null), Infinity, 3), null);
  const long = 'a-prefix-so-long-that-no-module-name-can-follow-it-any-more-%s';
  const r = renderFormat(long, []);
  const f = nameTooLong(site(long, null), r.maxLength, r.minLength)!;
  assert.equal(
    f.message.startsWith(`every name request_module("${long}") can request is at least 60 bytes long;`),
    true,
  );
  assert.equal(f.severity, 'error');
});
