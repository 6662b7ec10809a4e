import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readKmodIndex, type IndexEntry } from '../../../src/engine/modules/kmodIndex';

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const str = (s: string): Buffer => Buffer.from(`${s}\0`, 'latin1');
const PREFIX = 0x80000000;
const VALUES = 0x40000000;
const CHILDREN = 0x20000000;

/**
 * Keys `ab` (m1, priority 1), `abc` (x at 0, y at 2) and `b` (z at 5), laid out as depmod lays a trie out, children
 * before their parent and the root last:
 *   12: `abc`: values 2, (0, x), (2, y)
 *   28: `ab`: prefix `b`, children `c`..`c` (-> 12), values 1, (1, m1)
 *   47: `b`: values 1, (5, z)
 *   57: root: children `a`..`b` (-> 28, -> 47)
 */
function sample(): Buffer {
  return Buffer.concat([
    u32(0xb007f457),
    u32(0x00020001),
    u32(CHILDREN | 57),
    u32(2),
    u32(0),
    str('x'),
    u32(2),
    str('y'),
    str('b'),
    Buffer.from('cc', 'latin1'),
    u32(VALUES | 12),
    u32(1),
    u32(1),
    str('m1'),
    u32(1),
    u32(5),
    str('z'),
    Buffer.from('ab', 'latin1'),
    u32(PREFIX | CHILDREN | VALUES | 28),
    u32(VALUES | 47),
  ]);
}

function read(data: Buffer): IndexEntry[] | string {
  const r = readKmodIndex(data, 'modules.alias.bin');
  if (r.ok) return r.value;
  assert.equal(r.error.code, 'corrupt-index');
  assert.equal(r.error.file, 'modules.alias.bin');
  assert.match(r.error.hint ?? '', /depmod -b ROOT VERSION/);
  return r.error.message;
}

function patched(at: number, bytes: Buffer): Buffer {
  const data = sample();
  bytes.copy(data, at);
  return data;
}

test('an index reads into its keys, in byte order, with their values as stored', () => {
  assert.equal(sample().length, 67);
  assert.deepEqual(read(sample()), [
    { key: 'ab', values: [{ value: 'm1', priority: 1 }], offset: 28 },
    {
      key: 'abc',
      values: [
        { value: 'x', priority: 0 },
        { value: 'y', priority: 2 },
      ],
      offset: 12,
    },
    { key: 'b', values: [{ value: 'z', priority: 5 }], offset: 47 },
  ]);
  // A null root is an empty index (kmod finds nothing in it), as is a node without values.
  assert.deepEqual(read(patched(8, u32(0))), []);
  assert.deepEqual(read(Buffer.concat([u32(0xb007f457), u32(0x00020001), u32(12), Buffer.from([0])])), []);
});

test('a damaged index is an error value naming the byte where reading failed', () => {
  const data = sample();
  const error = (d: Buffer): string => {
    const r = read(d);
    assert.equal(typeof r, 'string', 'an error');
    return r as string;
  };
  assert.equal(
    error(data.subarray(0, 10)),
    'not a readable kmod index: the file has 10 bytes, fewer than the 12-byte header (byte 10)',
  );
  assert.equal(
    error(Buffer.from('alias fs-ext4 ext4\n')),
    'not a readable kmod index: magic 0x616c6961 instead of 0xb007f457 (byte 0)',
  );
  assert.equal(
    error(patched(4, u32(0x00010000))),
    'not a readable kmod index: format version 1.0; kmod reads version 2 (byte 4)',
  );
  // Cut short: the root (written last) is gone, or its child references are.
  assert.equal(
    error(data.subarray(0, 50)),
    'not a readable kmod index: a node reference points at byte 57, outside the nodes (12..49) (byte 8)',
  );
  assert.equal(
    error(data.subarray(0, 64)),
    "not a readable kmod index: the file ends inside a node's 2 child references (byte 59)",
  );
  // `ab`'s child reference pointed back at the root.
  assert.equal(
    error(patched(32, u32(CHILDREN | 57))),
    'not a readable kmod index: the node at byte 57 is reached a second time: the trie loops (byte 32)',
  );
  assert.equal(
    error(patched(57, Buffer.from('ba', 'latin1'))),
    "not a readable kmod index: a node's child range runs backwards (98 > 97) (byte 57)",
  );
  assert.equal(
    error(patched(47, u32(1000))),
    'not a readable kmod index: a node claims 1000 values, more than the rest of the file holds (byte 47)',
  );
  // A prefix flag on `b`, which has none: its empty prefix is read from the count's first byte, then the count from
  // the next four bytes, 0x00000100.
  assert.equal(
    error(patched(63, u32(PREFIX | VALUES | 47))),
    'not a readable kmod index: a node claims 256 values, more than the rest of the file holds (byte 48)',
  );
  const noCount = Buffer.concat([u32(0xb007f457), u32(0x00020001), u32(VALUES | 12), Buffer.from([0, 0])]);
  assert.equal(error(noCount), "not a readable kmod index: the file ends before a node's value count (byte 12)");
  const noNul = Buffer.concat([
    u32(0xb007f457),
    u32(0x00020001),
    u32(VALUES | 12),
    u32(1),
    u32(0),
    Buffer.from('abc', 'latin1'),
  ]);
  assert.equal(
    error(noNul),
    'not a readable kmod index: a value runs to the end of the file without its NUL (byte 20)',
  );
  const noPrefixNul = Buffer.concat([u32(0xb007f457), u32(0x00020001), u32(PREFIX | 12), Buffer.from('abc', 'latin1')]);
  assert.equal(
    error(noPrefixNul),
    'not a readable kmod index: a node prefix runs to the end of the file without its NUL (byte 12)',
  );
});
