/** The one escaping of text shown to a person (terminal, editor, SARIF viewer), and its JSON-text counterpart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControl, escapeControlInJson, isShowable } from '../../../src/engine/escape';

test('C0, DEL and C1 controls become \\n, \\r, \\t or \\xHH', () => {
  assert.equal(escapeControl('a\nb\rc\td'), 'a\\nb\\rc\\td');
  assert.equal(escapeControl('\u0000\u0007\u001b[2J\u001f'), '\\x00\\x07\\x1b[2J\\x1f');
  assert.equal(escapeControl('\u007f\u0080\u0085\u009b31m\u009f'), '\\x7f\\x80\\x85\\x9b31m\\x9f');
});

test('bidi embeddings, overrides, isolates and marks, and the line and paragraph separators become \\uHHHH', () => {
  // U+202A LRE, U+202B RLE, U+202C PDF, U+202D LRO, U+202E RLO; U+2066 LRI ... U+2069 PDI.
  assert.equal(escapeControl('\u202a\u202b\u202c\u202d\u202e'), '\\u202a\\u202b\\u202c\\u202d\\u202e');
  assert.equal(escapeControl('\u2066\u2067\u2068\u2069'), '\\u2066\\u2067\\u2068\\u2069');
  // U+200E LRM, U+200F RLM, U+061C ALM; U+2028 LS, U+2029 PS.
  assert.equal(escapeControl('\u200e\u200f\u061c\u2028\u2029'), '\\u200e\\u200f\\u061c\\u2028\\u2029');
  // The Trojan Source shape: a name that reads as another once the override reverses the rest.
  assert.equal(escapeControl('fs-\u202e4txe'), 'fs-\\u202e4txe');
});

test('everything else is left alone: printable ASCII, backslashes, letters of any script, emoji, joiners', () => {
  const plain = 'fs-ext4 crypto-aes char-major-10-200 \\x1b é ß 中文 العربية 🙂 \u200d \u00a0';
  assert.equal(escapeControl(plain), plain);
  assert.equal(isShowable(plain), true);
});

test('isShowable is exactly "escapeControl changes nothing"', () => {
  for (let c = 0; c <= 0xffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = `a${String.fromCharCode(c)}b`;
    assert.equal(isShowable(s), escapeControl(s) === s, `U+${c.toString(16)}`);
  }
});

test('JSON text: the controls JSON.stringify leaves raw become \\u escapes, and the value parses back the same', () => {
  const value = { name: 'fs-\u202eevil\u001b[2J\u0085\u007f\u2028', task: 'evil\u0007', list: ['\u2066x\u2069'] };
  const raw = JSON.stringify(value, null, 2);
  assert.ok(raw.includes('\u202e'));
  const json = escapeControlInJson(raw);
  assert.equal(
    json,
    raw
      .replace('\u202e', '\\u202e')
      .replace('\u0085', '\\u0085')
      .replace('\u007f', '\\u007f')
      .replace('\u2028', '\\u2028')
      .replace('\u2066', '\\u2066')
      .replace('\u2069', '\\u2069'),
  );
  assert.deepEqual(JSON.parse(json), value);
  // Only the layout's line breaks are left: every line is showable.
  assert.deepEqual(
    json.split('\n').filter((l) => !isShowable(l)),
    [],
  );
});
