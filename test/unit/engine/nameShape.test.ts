/** Names a shape can print, as the kernel's vsnprintf prints each conversion. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderFormat } from '../../../src/analysis/format';
import {
  type NameConversion,
  type NamePiece,
  shapeMatches,
  shapePattern,
  shapeText,
} from '../../../src/engine/nameShape';

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

test('a format of many %s and a long name that does not fit are matched in time linear in the name', () => {
  const shape = renderFormat(`${'a%s'.repeat(200)}b`, []).shape;
  assert.equal(shapeMatches(shape, 'a'.repeat(20_000)), false);
  assert.equal(shapeMatches(shape, `${'a'.repeat(20_000)}b`), true);
  assert.equal(shapeMatches(shape, `${'a'.repeat(199)}b`), false);
  assert.equal(shapeMatches(shape, `${'a'.repeat(200)}b`), true);
});

test('a literal is found wherever it overlaps itself after a %s', () => {
  assert.equal(can('%saab', 'aaab'), true);
  assert.equal(can('%sabab', 'abaabab'), true);
  assert.equal(can('%sabab', 'ababa'), false);
  assert.equal(can('x%.2sabab', 'xababab'), true);
  assert.equal(can('x%.1sabab', 'xaaabab'), false);
});

/**
 * The regular expression of what vsnprintf prints for a shape, as the linker matched names before (JavaScript's
 * backtracking engine: exponential on some shapes, exact on the small ones below): the oracle of the property.
 */
function oracle(shape: readonly NamePiece[]): RegExp {
  const digits: Record<string, string> = { d: '0-9', i: '0-9', u: '0-9', x: '0-9a-f', X: '0-9A-F', o: '0-7' };
  const piece = (p: NamePiece): string => {
    if (typeof p === 'string') return p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    const set = digits[p.conversion];
    if (set === undefined) {
      if (p.conversion === 'c') return p.width !== null && p.width > 1 ? ' *[\\s\\S] *' : '[\\s\\S]';
      return p.conversion === 's' && p.precision !== null && p.width === null
        ? `[\\s\\S]{0,${p.precision}}`
        : '[\\s\\S]*';
    }
    const signed = p.conversion === 'd' || p.conversion === 'i';
    const sign = !signed ? '' : p.flags.includes('+') ? '[-+]' : p.flags.includes(' ') ? '[- ]' : '-?';
    const alt = { o: '0?', x: '(?:0x)?', X: '(?:0X)?' }[p.conversion as 'o' | 'x' | 'X'] ?? '';
    const prefix = p.flags.includes('#') ? alt : '';
    const zeroPadded = p.flags.includes('0') && !p.flags.includes('-') && p.width !== null && p.width > 1;
    const least = Math.max(1, p.precision ?? 1, zeroPadded && !signed && prefix === '' ? (p.width as number) : 1);
    const body = `${sign}${prefix}[${set}]{${least},}`;
    if (p.width === null || zeroPadded) return body;
    return p.flags.includes('-') ? `${body} *` : ` *${body}`;
  };
  return new RegExp(`^${shape.map(piece).join('')}$`);
}

test('property: a shape matches exactly the names its regular expression matches', () => {
  const letters = fc.constantFrom('a', 'b', '0', '1', 'f', 'F', 'x', 'X', '-', '+', ' ');
  const literal = fc.string({ unit: letters, minLength: 1, maxLength: 3 });
  const conversion: fc.Arbitrary<NameConversion> = fc.record({
    conversion: fc.constantFrom('d', 'i', 'u', 'x', 'X', 'o', 'c', 's', 'p'),
    flags: fc.subarray(['-', '+', ' ', '#', '0']).map((f) => f.join('')),
    width: fc.option(fc.integer({ min: 0, max: 4 })),
    precision: fc.option(fc.integer({ min: 0, max: 4 })),
  });
  const shape = fc.array(fc.oneof(literal, conversion), { maxLength: 5 });
  fc.assert(
    fc.property(shape, fc.string({ unit: letters, maxLength: 12 }), (s, name) => {
      assert.equal(shapeMatches(s, name), oracle(s).test(name), `${JSON.stringify(s)} on '${name}'`);
    }),
    { seed: 20261203, numRuns: 20_000 },
  );
});
