import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AliasCatalog } from '../../../src/engine/modules/aliasDeclarations';
import type { AliasDeclaration } from '../../../src/engine/sourceIndex';

function decl(file: string, line: number, macro: string, value: string | null): AliasDeclaration {
  return { file, line, column: 1, macro, value, reason: value === null ? 'not expandable' : null, module: null };
}

const aliases: AliasDeclaration[] = [
  decl('fs/ext4/super.c', 7123, 'MODULE_ALIAS_FS', 'fs-ext4'),
  decl('fs/ext4/super.c', 7124, 'MODULE_ALIAS_FS', 'fs-ext3'),
  decl('net/ipv6/af_inet6.c', 1200, 'MODULE_ALIAS_NETPROTO', 'net-pf-10'),
  decl('drivers/tty/n_hdlc.c', 900, 'MODULE_ALIAS_LDISC', 'tty-ldisc-13'),
  decl('drivers/char/misc.c', 10, 'MODULE_ALIAS', 'char-major-10-*'),
  decl('drivers/net/foo.c', 3, 'MODULE_ALIAS', null),
  decl('net/netfilter/nft_masq.c', 150, 'MODULE_ALIAS_NFT_EXPR', 'nft-expr-masq'),
];

const where = (list: AliasDeclaration[]) => list.map((a) => `${a.file}:${a.line}`);
const catalog = new AliasCatalog(aliases, ['tcp_bbr', 'nls_cp850']);
const declarationsDocumenting = (list: AliasDeclaration[], name: string) =>
  new AliasCatalog(list, []).declarations(name);
const declarationsMatchingPattern = declarationsDocumenting;

describe('the declarations documenting a requested name', () => {
  it('finds the declaration of a concrete name', () => {
    assert.deepEqual(where(declarationsDocumenting(aliases, 'fs-ext4')), ['fs/ext4/super.c:7123']);
  });

  it('treats - and _ alike, as kmod normalises aliases', () => {
    assert.deepEqual(where(declarationsDocumenting(aliases, 'net_pf_10')), ['net/ipv6/af_inet6.c:1200']);
  });

  it('matches names against declared patterns, as modules.alias does', () => {
    assert.deepEqual(where(declarationsDocumenting(aliases, 'char-major-10-200')), ['drivers/char/misc.c:10']);
  });

  it('lists every declaration that documents a name, plain and pattern alike, in the order of the index', () => {
    const more = [
      ...aliases,
      decl('drivers/char/misc_demo.c', 4, 'MODULE_ALIAS_MISCDEV', 'char-major-10-200'),
      decl('fs/ext4/other.c', 2, 'MODULE_ALIAS_FS', 'fs_ext4'),
    ];
    assert.deepEqual(where(declarationsDocumenting(more, 'char-major-10-200')), [
      'drivers/char/misc.c:10',
      'drivers/char/misc_demo.c:4',
    ]);
    assert.deepEqual(where(declarationsDocumenting(more, 'fs-ext4')), ['fs/ext4/super.c:7123', 'fs/ext4/other.c:2']);
  });

  it('finds nothing for an undeclared name and ignores declarations that could not be expanded', () => {
    assert.deepEqual(declarationsDocumenting(aliases, 'fs-hfs'), []);
    assert.deepEqual(declarationsDocumenting(aliases, 'fs-ext'), []);
  });
});

describe("the declarations a call site's name pattern can request", () => {
  it('lists the declarations a call site pattern can request', () => {
    assert.deepEqual(where(declarationsMatchingPattern(aliases, 'fs-*')), [
      'fs/ext4/super.c:7123',
      'fs/ext4/super.c:7124',
    ]);
    assert.deepEqual(where(declarationsMatchingPattern(aliases, 'nft-expr-*')), ['net/netfilter/nft_masq.c:150']);
  });

  it('takes a concrete name as a pattern that matches only itself', () => {
    assert.deepEqual(where(declarationsMatchingPattern(aliases, 'tty-ldisc-13')), ['drivers/tty/n_hdlc.c:900']);
    assert.deepEqual(declarationsMatchingPattern(aliases, 'tty-ldisc-1'), []);
  });
});

describe('whether the sources document a name or a pattern: one rule for the scan, the replay and the editor', () => {
  it('folds - and _ in patterns as in names (net-pf-* is documented by MODULE_ALIAS("net_pf_10"))', () => {
    const underscored = new AliasCatalog([decl('net/x.c', 1, 'MODULE_ALIAS', 'net_pf_10')], []);
    assert.equal(underscored.documents('net-pf-*'), true);
    assert.equal(underscored.documents('net-pf-10'), true);
    assert.equal(underscored.documents('net-pf-1'), false);
  });

  it('counts a module name: a request by plain module name finds the module, and tcp_%s finds tcp_bbr', () => {
    assert.equal(catalog.documents('tcp_*'), true);
    assert.equal(catalog.documents('tcp-bbr'), true);
    assert.equal(catalog.documents('nls_cp850'), true);
    assert.equal(catalog.documents('nls_cp437'), false);
    assert.equal(catalog.documents('udp_*'), false);
  });

  it('takes declared patterns whose literal prefix agrees with a call site pattern, and matches them exactly for a name', () => {
    assert.equal(catalog.documents('char-major-10-*'), true);
    assert.equal(catalog.documents('char-major-*'), true);
    assert.equal(catalog.documents('char-major-10-200'), true);
    assert.equal(catalog.documents('char-major-11-200'), false);
  });
});
