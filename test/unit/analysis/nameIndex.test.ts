import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FileNames, fileNames, HashFilter, hashName, mayHold, NameStore } from '../../../src/analysis/nameIndex';

const names = (text: string, header = false) => fileNames(Buffer.from(text, 'latin1'), header);
const holds = (n: FileNames, calls: string[], defines: string[] = []) =>
  mayHold(n, new HashFilter(calls.map(hashName)), new HashFilter(defines.map(hashName)));
/** The call names of a file among `candidates` (the index holds hashes, so it is asked name by name). */
const callNames = (n: FileNames, candidates: string[]) => candidates.filter((c) => holds({ ...n, opaque: false }, [c]));

describe('name index of the first scan pass', () => {
  it('holds every name written before a "(", across blanks, newlines and line continuations, and nothing else', () => {
    const n = names(
      [
        'static int probe(void)',
        '{',
        '\tint (*fn)(int) = other;',
        '\tif (get_fs_type ("ext4"))',
        '\t\treturn sock_create_kern',
        '\t\t\t(net, 1);',
        '#define WRAP(x) dvb_attach \\',
        '\t(x)',
        '\treturn a / (b + used_later);',
        '}',
      ].join('\n'),
    );
    const all = [
      'probe',
      'if',
      'get_fs_type',
      'sock_create_kern',
      'WRAP',
      'dvb_attach',
      'fn',
      'other',
      'used_later',
      'net',
      'b',
      'ext4',
      'int',
    ];
    assert.deepEqual(callNames(n, all), [
      'probe',
      'if',
      'get_fs_type',
      'sock_create_kern',
      'WRAP',
      'dvb_attach',
      'int',
    ]);
    assert.equal(n.opaque, false);
    assert.equal(n.defines.length, 0);
  });

  it('reads a name across a block comment before its arguments, and marks the file opaque only when a comment leaves it uncertain', () => {
    const across = names('x = get_fs_type /* the type */ ("ext4");\ny = sock_create /* a */ /* b */\n\t(1);');
    assert.deepEqual(callNames(across, ['get_fs_type', 'sock_create', 'the', 'type', 'a', 'b']), [
      'get_fs_type',
      'sock_create',
    ]);
    assert.equal(across.opaque, false);
    assert.equal(names('x = get_fs_type // the type\n\t("ext4");').opaque, true);
    assert.equal(names('x = get_fs_type // a path a/b/\n\t("ext4");').opaque, true);
    // The `/*` before `(` may be inside the comment that the first `/*` opens, or inside a string: not decidable here.
    assert.equal(names('/* outer /* inner */ (1);').opaque, true);
    assert.equal(names('s = "/*"; f /* c */ (1);').opaque, true);
    assert.equal(names('x = a / (b);\n/* note */\ny = f(1);').opaque, false);
    assert.equal(holds(names('x = f // c\n (1);'), ['not_there']), true);
  });

  it('100,000 comment ends before a "(": each is matched to its opening without searching the file backwards again (70 s)', () => {
    // No opening anywhere: the first one leaves the name before it uncertain.
    assert.equal(names('a */('.repeat(100_000)).opaque, true);
    // One opening at the start: each `a */(` is taken as the end of that comment, with no name before it; the call
    // after them is read.
    const closed = names(`/* c */\n${'a */('.repeat(100_000)}\nx = get_fs_type(1);`);
    assert.equal(closed.opaque, false);
    assert.deepEqual(callNames(closed, ['get_fs_type', 'a', 'c', 'x']), ['get_fs_type']);
    // Two marks looked up out of order: the opening before an opening, the end before it.
    const nested = names(`f /* a */ (1);\n/* b /* c */ (2);\n${'g (3);'.repeat(3)}`);
    assert.equal(nested.opaque, true);
  });

  it('indexes the names a header #defines, and only in headers', () => {
    const text = '#define PF_INET6 10\n# define  NET_ALIAS(x) x\n#ifdef define_me\n#undef OTHER\nint define_not;\n';
    const h = names(text, true);
    assert.equal(holds(h, [], ['PF_INET6']), true);
    assert.equal(holds(h, [], ['NET_ALIAS']), true);
    assert.equal(holds(h, [], ['OTHER']), false);
    assert.equal(holds(h, [], ['define_me']), false);
    assert.equal(holds(names(text, false), [], ['PF_INET6']), false);
  });

  it('answers a pass by any of its names, file by file from the store of the thread that read them', () => {
    const a = names('void f(void) { load_nls(x); }');
    const b = names('#define PF_X 3\n', true);
    assert.equal(holds(a, ['dev_load', 'load_nls']), true);
    assert.equal(holds(a, ['dev_load']), false);
    assert.equal(holds(a, []), false);
    const store = new NameStore();
    store.add('fs/nls.c', a);
    store.add('include/x.h', b);
    store.add('opaque.c', names('x = f // c\n (1);'));
    assert.deepEqual(store.holding(['load_nls'], []), ['fs/nls.c', 'opaque.c']);
    assert.deepEqual(store.holding(['dev_load'], ['PF_X']), ['include/x.h', 'opaque.c']);
    assert.deepEqual(store.holding(['f'], []), ['fs/nls.c', 'opaque.c']);
    assert.deepEqual(store.holding(['g'], ['PF_Y']), ['opaque.c']);
  });
});
