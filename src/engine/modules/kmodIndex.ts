/**
 * kmod's binary index format, the `.bin` files depmod writes beside its text files and the only ones modprobe reads
 * (format version 2, libkmod-index.c). All integers are big-endian u32. A 12-byte header: magic 0xB007F457, version
 * (major in the high half), root node reference. A node reference carries in its high nibble the parts the node has
 * (prefix, children, values) and the node's byte offset in the rest (0: no node). A node is, in this order and each
 * part only when flagged: its prefix (NUL-terminated: the key characters the trie compresses into it); the first and
 * last child characters (one byte each) and one node reference per character between them; the value count and the
 * values, each a priority and a NUL-terminated string, stored by ascending priority. A key is the concatenation, from
 * the root, of each node's prefix and the character that leads to the next node.
 *
 * The whole trie is read at once into its entries, the form the module database indexes. Nothing here throws: a
 * damaged file is an error value that names the byte where reading failed.
 */
import { err, ok, type Result } from '../result';

export interface IndexValue {
  value: string;
  priority: number;
}

export interface IndexEntry {
  key: string;
  /** As stored: by ascending priority. */
  values: IndexValue[];
  /** Byte offset of the node that holds the key, for messages. */
  offset: number;
}

const MAGIC = 0xb007f457;
const VERSION_MAJOR = 2;
const HEADER_SIZE = 12;
const HAS_PREFIX = 0x80000000;
const HAS_VALUES = 0x40000000;
const HAS_CHILDREN = 0x20000000;
const OFFSET_MASK = 0x0fffffff;
/** A value takes at least its priority and its NUL. */
const MIN_VALUE_SIZE = 5;

const HINT =
  'the file is damaged or was not written by depmod: write it again with `depmod -b ROOT VERSION` (or `depmod -a` on the machine), or put the text file it stands in for beside it';

/** Every key of the index with its values, keys in ascending byte order (the trie's depth-first order). */
export function readKmodIndex(data: Uint8Array, file: string): Result<IndexEntry[]> {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const size = buf.length;
  const corrupt = (at: number, what: string): Result<IndexEntry[]> =>
    err({ code: 'corrupt-index', message: `not a readable kmod index: ${what} (byte ${at})`, file, hint: HINT });

  if (size < HEADER_SIZE) return corrupt(size, `the file has ${size} bytes, fewer than the ${HEADER_SIZE}-byte header`);
  const magic = buf.readUInt32BE(0);
  if (magic !== MAGIC) return corrupt(0, `magic 0x${hex(magic)} instead of 0x${hex(MAGIC)}`);
  const version = buf.readUInt32BE(4);
  if (version >>> 16 !== VERSION_MAJOR)
    return corrupt(4, `format version ${version >>> 16}.${version & 0xffff}; kmod reads version ${VERSION_MAJOR}`);

  const root = buf.readUInt32BE(8);
  // kmod takes a null root as an empty index.
  if ((root & OFFSET_MASK) === 0) return ok([]);
  // Strings are read from one latin1 copy of the file (a byte per character): slicing it is far cheaper than decoding
  // each prefix and value from the buffer.
  const chars = buf.toString('latin1');
  const entries: IndexEntry[] = [];
  // Each node is reached once in a trie; a second visit means a loop, which would never end.
  const visited = new Uint8Array(size);
  // Depth-first with an explicit stack (a damaged file can chain nodes deeper than the call stack goes): each item is
  // a node reference, the key up to the node, and where the reference was read.
  const stack: Array<{ ref: number; key: string; from: number }> = [{ ref: root, key: '', from: 8 }];
  while (stack.length > 0) {
    const { ref, key: above, from } = stack.pop()!;
    const at = ref & OFFSET_MASK;
    if (at < HEADER_SIZE || at >= size)
      return corrupt(from, `a node reference points at byte ${at}, outside the nodes (${HEADER_SIZE}..${size - 1})`);
    if (visited[at] === 1) return corrupt(from, `the node at byte ${at} is reached a second time: the trie loops`);
    visited[at] = 1;

    let p = at;
    let key = above;
    if ((ref & HAS_PREFIX) !== 0) {
      const end = chars.indexOf('\0', p);
      if (end < 0) return corrupt(p, 'a node prefix runs to the end of the file without its NUL');
      key += chars.slice(p, end);
      p = end + 1;
    }
    let first = 0;
    let childCount = 0;
    let childRefs = 0;
    if ((ref & HAS_CHILDREN) !== 0) {
      if (p + 2 > size) return corrupt(p, "the file ends inside a node's child range");
      first = buf[p];
      const last = buf[p + 1];
      if (first > last) return corrupt(p, `a node's child range runs backwards (${first} > ${last})`);
      childCount = last - first + 1;
      childRefs = p + 2;
      p = childRefs + 4 * childCount;
      if (p > size) return corrupt(childRefs, `the file ends inside a node's ${childCount} child references`);
    }
    if ((ref & HAS_VALUES) !== 0) {
      if (p + 4 > size) return corrupt(p, "the file ends before a node's value count");
      const count = buf.readUInt32BE(p);
      if (count > (size - p - 4) / MIN_VALUE_SIZE)
        return corrupt(p, `a node claims ${count} values, more than the rest of the file holds`);
      p += 4;
      const values: IndexValue[] = [];
      for (let i = 0; i < count; i++) {
        if (p + 4 > size) return corrupt(p, "the file ends inside a value's priority");
        const priority = buf.readUInt32BE(p);
        const end = chars.indexOf('\0', p + 4);
        if (end < 0) return corrupt(p + 4, 'a value runs to the end of the file without its NUL');
        values.push({ value: chars.slice(p + 4, end), priority });
        p = end + 1;
      }
      // A node with no values holds no key, for kmod too.
      if (count > 0) entries.push({ key, values, offset: at });
    }
    // Pushed last to first, so children are visited in ascending character order.
    for (let i = childCount - 1; i >= 0; i--) {
      const refAt = childRefs + 4 * i;
      const child = buf.readUInt32BE(refAt);
      // Most slots of a child range are empty (0).
      if ((child & OFFSET_MASK) !== 0)
        stack.push({ ref: child, key: key + String.fromCharCode(first + i), from: refAt });
    }
  }
  return ok(entries);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
