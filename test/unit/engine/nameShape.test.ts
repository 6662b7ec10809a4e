/** Names a shape can print, as the kernel's vsnprintf prints each conversion. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFormat } from '../../../src/analysis/format';
import { shapeMatches, shapePattern, shapeText } from '../../../src/engine/nameShape';

const can = (format: string, name: string) => shapeMatches(renderFormat(format, []).shape, name);

test('%d prints digits with an optional sign, and nothing else', () => {
  assert.equal(can('char-major-%d', 'char-major-60'), true);
  assert.equal(can('char-major-%d', 'char-major--1'), true);
  assert.equal(can('char-major-%d', 'char-major-60-0'), false);
  assert.equal(can('char-major-%d', 'char-major-'), false);
  assert.equal(can('char-major-%d-%d', 'char-major-60-0'), true);
  assert.equal(can('char-major-%d-%d', 'char-major-60'), false);
  assert.equal(can('snd-card-%i', 'snd-card-x'), false);
});

test('%x and %X print lower- and upper-case hex digits, at least as many as a zero-padded width', () => {
  assert.equal(can('binfmt-%04x', 'binfmt-cafe'), true);
  assert.equal(can('binfmt-%04x', 'binfmt-CAFE'), false);
  assert.equal(can('binfmt-%04x', 'binfmt-af'), false);
  assert.equal(can('hdaudio:v%08Xr%08Xa%02X\n', 'hdaudio:v1AF40022r00100101a01\n'), true);
  assert.equal(can('hdaudio:v%08Xr%08Xa%02X\n', 'hdaudio:v1AF40022r00100101a01'), false);
  assert.equal(can('hdaudio:v%08Xr%08Xa%02X\n', 'hdaudio:v1AF4002r00100101a01\n'), false);
});

test('%s prints any text, with a precision at most that many characters; %c one character', () => {
  assert.equal(can('crypto-%s', 'crypto-sha256-all'), true);
  assert.equal(can('crypto-%s-all', 'crypto-sha256'), false);
  assert.equal(can('fs-%.*s', 'fs-ext4'), true);
  assert.equal(can('x-%.3s', 'x-abcd'), false);
  assert.equal(can('x-%.3s', 'x-abc'), true);
  assert.equal(can('tty-%c', 'tty-a'), true);
  assert.equal(can('tty-%c', 'tty-ab'), false);
});

test('known arguments print as text, and literal text that looks like a pattern is literal', () => {
  assert.equal(shapeMatches(renderFormat('net-pf-%d', [{ kind: 'integer', value: 10n }]).shape, 'net-pf-10'), true);
  assert.equal(shapeMatches(renderFormat('net-pf-%d', [{ kind: 'integer', value: 10n }]).shape, 'net-pf-1'), false);
  assert.equal(can('dmi:*[x]', 'dmi:*[x]'), true);
  assert.equal(can('dmi:*[x]', 'dmi:a[x]'), false);
});

test('a shape reads back as its format and as the fnmatch pattern modules.alias would use', () => {
  const shape = renderFormat('nft-expr-%u-%.*s', []).shape;
  assert.equal(shapeText(shape), 'nft-expr-%u-%s');
  assert.equal(shapePattern(shape), 'nft-expr-*-*');
  assert.equal(shapeText(renderFormat('100%% %d', []).shape), '100%% %d');
});
