import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnmatch } from '../../../src/engine/modules/fnmatch';
import { aliasNormalize, modnameFromPath, modnameNormalize } from '../../../src/engine/modules/names';

/**
 * [pattern, text, glibc's answer]. The answers are glibc 2.36's fnmatch(pattern, text, 0), taken by calling libc
 * through Python's ctypes on the Debian machine that runs kmod; fnmatch-vs-kmod.test.ts checks the subset that can
 * reach kmod (patterns that survive alias_normalize) through modprobe itself.
 */
const GLIBC_CASES: Array<[string, string, boolean]> = [
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['*c', 'abc', true],
  ['*', '', true],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['a??', 'ab', false],
  ['*a*b*', 'xaybz', true],
  ['*a*b', 'xaybz', false],
  ['a*b*c', 'aXbYbZc', true],
  ['**x', 'x', true],
  ['*?', '', false],
  ['*?', 'q', true],
  ['[abc]', 'b', true],
  ['[abc]', 'd', false],
  ['[a-c]x', 'bx', true],
  ['[a-c]x', 'dx', false],
  ['[!a-c]', 'd', true],
  ['[!a-c]', 'b', false],
  ['[^a-c]', 'd', true],
  ['[^a-c]', 'a', false],
  ['[]a]', ']', true],
  ['[]a]', 'a', true],
  ['[!]a]', ']', false],
  ['[!]a]', 'b', true],
  ['[a-]', '-', true],
  ['[-a]', '-', true],
  ['[a-]', 'b', false],
  ['[c-a]', 'b', false],
  ['[[:digit:]]', '7', true],
  ['[[:digit:]]', 'x', false],
  ['[[:alpha:][:digit:]]x', 'Qx', true],
  ['[[:upper:]]', 'a', false],
  ['[[:xdigit:]]', 'F', true],
  ['[[:xdigit:]]', 'g', false],
  ['[[:space:]]', ' ', true],
  ['[[:punct:]]', '_', true],
  ['[[:alnum:]]', '_', false],
  ['[[:bogus:]]', 'b', false],
  ['[[:bogus:]]', 'x', false],
  ['[[:toString:]]', 'x', false],
  ['[[:constructor:]]x', 'ax', false],
  ['[[:alpha:]', 'a', false],
  ['[[:alpha:]', '[:alpha:', false],
  ['[ab', '[ab', true],
  ['[ab', 'a', false],
  ['[', '[', true],
  ['a[', 'a[', true],
  ['x[!', 'x[!', true],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['a\\', 'a', false],
  ['a\\', 'a\\', false],
  ['\\a', 'a', true],
  ['[\\]]', ']', true],
  ['[\\!a]', '!', true],
  ['[a\\-c]', '-', true],
  ['[a\\-c]', 'b', false],
  ['[=a=]', 'a', true],
  ['[=a=]', 'b', false],
  ['[[=a=]b]', 'a', true],
  ['[[.a.]]', 'a', true],
  ['[[.a.]-c]', 'b', true],
  ['[[.ab.]]', 'a', false],
  ['usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*', 'usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00', true],
  ['mdio:0000000000100010010101100001????', 'mdio:00000000001000100101011000011234', true],
  ['*\n', 'x\n', true],
  ['a*', 'a\nb', true],
  ['[a-c]*', 'b\n', true],
  ['[[:cntrl:]]', '\n', true],
  ['[[:print:]]', '\n', false],
  ['[[:graph:]]', ' ', false],
  ['[[:blank:]]', '\t', true],
  ['[[:lower:]]', 'q', true],
];

test('fnmatch answers as glibc fnmatch(3) with flags 0', () => {
  const answers = GLIBC_CASES.map(([pattern, text]) => [pattern, text, fnmatch(pattern, text)]);
  assert.deepEqual(answers, GLIBC_CASES);
});

test('alias_normalize: `-` to `_` outside brackets, unmatched brackets rejected', () => {
  assert.equal(aliasNormalize('fs-ext4'), 'fs_ext4');
  assert.equal(aliasNormalize('x[-_]y-z'), 'x[-_]y_z');
  assert.equal(aliasNormalize('usb:v*p*d[0-1]*dc*'), 'usb:v*p*d[0-1]*dc*');
  assert.equal(aliasNormalize('a]b'), null);
  assert.equal(aliasNormalize('a[b'), null);
  assert.equal(aliasNormalize('[[:digit:]]'), null);
  assert.equal(aliasNormalize(''), '');
});

test('module names: modname_normalize and path_to_modname', () => {
  assert.equal(modnameNormalize('snd-hda-codec'), 'snd_hda_codec');
  assert.equal(modnameNormalize('snd-hda.ko'), 'snd_hda');
  assert.equal(modnameFromPath('kernel/arch/x86/crypto/libblake2s-x86_64.ko.xz'), 'libblake2s_x86_64');
  assert.equal(modnameFromPath('ext4.ko'), 'ext4');
});
