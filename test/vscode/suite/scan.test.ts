// Scan Workspace on the fixture tree: the index, Problems, CodeLens, hovers, and re-analysis of an edited file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { SourceIndex } from '../../../src/engine/sourceIndex';
import {
  allDiagnostics,
  clearResults,
  codeLenses,
  diagnosticsOf,
  extensionApi,
  fixture,
  hoverText,
  positionOf,
  ruleLines,
  ruleOf,
  waitFor,
} from './helpers';

describe('Scan Workspace', () => {
  let index: SourceIndex;

  before(async () => {
    await clearResults();
    index = (await vscode.commands.executeCommand<SourceIndex | undefined>('autoloadLens.scanWorkspace'))!;
    assert.ok(index, 'scanWorkspace returned no index');
  });

  it('publishes the index through the API, parsed by a tree-sitter backend', async () => {
    const api = await extensionApi();
    assert.equal(api.index?.callSites.length, index.callSites.length);
    assert.ok(api.parserBackend === 'native' || api.parserBackend === 'wasm', `parser backend ${api.parserBackend}`);
  });

  it('finds every request call site of the fixture, with its alias pattern and how it waits', () => {
    const sites = index.callSites
      .map((s) => `${s.file}:${s.line} ${s.callee} ${s.pattern ?? '?'}${s.wait ? '' : ' nowait'}`)
      .sort();
    assert.deepEqual(sites, [
      'crypto/api.c:14 request_module crypto-*',
      'crypto/api.c:17 request_module crypto-*-all',
      'crypto/api.c:26 crypto_larval_lookup crypto-*',
      'drivers/misc/autoload_demo.c:15 request_module demo-backend',
      'drivers/misc/autoload_demo.c:23 request_module autoload-demo-variant-*-with-a-suffix-too-long-for-module-name-len',
      'drivers/misc/autoload_demo.c:29 request_module demo-helper-that-nobody-declares',
      'fs/filesystems.c:15 request_module fs-*',
      'fs/nls_base.c:10 try_then_request_module nls_*',
      'net/netfilter/nf_tables_api.c:19 request_module *',
      'net/netfilter/nf_tables_api.c:31 nft_request_module nft-expr-*-*',
      'net/netfilter/nfnetlink.c:15 request_module_nowait nfnetlink-subsys-* nowait',
      'net/socket.c:14 request_module net-pf-*',
    ]);
  });

  it('expands the MODULE_ALIAS* declarations with the macros the tree defines, as depmod would write them', () => {
    const aliases = index.aliases.map((a) => `${a.file}:${a.line} ${a.macro} ${a.value ?? `(${a.reason})`}`).sort();
    assert.deepEqual(aliases, [
      'crypto/aes_generic.c:6 MODULE_ALIAS_CRYPTO aes',
      'crypto/aes_generic.c:6 MODULE_ALIAS_CRYPTO crypto-aes',
      'crypto/aes_generic.c:7 MODULE_ALIAS_CRYPTO aes-generic',
      'crypto/aes_generic.c:7 MODULE_ALIAS_CRYPTO crypto-aes-generic',
      'drivers/misc/demo_backend.c:5 MODULE_ALIAS demo-backend',
      'fs/ext4_super.c:5 MODULE_ALIAS_FS fs-ext4',
      'fs/ext4_super.c:6 MODULE_ALIAS_FS fs-ext3',
      'fs/ext4_super.c:7 MODULE_ALIAS ext3',
      'net/ipv6/af_inet6.c:6 MODULE_ALIAS_NETPROTO net-pf-10',
      'net/netfilter/nf_conntrack_netlink.c:6 MODULE_ALIAS ip_conntrack_netlink',
      'net/netfilter/nf_conntrack_netlink.c:7 MODULE_ALIAS_NFNL_SUBSYS nfnetlink-subsys-1',
      'net/netfilter/nf_conntrack_netlink.c:8 MODULE_ALIAS_NFNL_SUBSYS nfnetlink-subsys-2',
      'net/netfilter/nft_fib_ipv4.c:7 MODULE_ALIAS_NFT_AF_EXPR nft-expr-2-fib',
    ]);
  });

  it('puts the deliberate mistakes in Problems, with the rule id as code and a link to its explanation', () => {
    const demo = diagnosticsOf('drivers/misc/autoload_demo.c');
    assert.deepEqual(ruleLines(demo), [
      'unchecked-zero-return@15',
      'name-too-long@23',
      'undocumented-alias@23',
      'unchecked-zero-return@29',
    ]);
    for (const d of demo) {
      const code = d.code as { value: string; target: vscode.Uri };
      assert.ok(
        code.target.toString().endsWith(`#${ruleOf(d)}`),
        `${code.target.toString()} does not point at ${ruleOf(d)}`,
      );
      assert.match(d.message, /\S/);
    }
    assert.equal(
      demo[1].severity,
      vscode.DiagnosticSeverity.Error,
      'name-too-long is an error: the kernel refuses the name',
    );
  });

  it('flags the kernel shapes the rules cover: crypto-*-all (no declaration), return values nobody looks behind', () => {
    const of = (rel: string) => ruleLines(diagnosticsOf(rel));
    assert.deepEqual(of('crypto/api.c'), ['undocumented-alias@17']);
    // nls_* is documented by module file names (fs/nls_base.c here, nls_utf8.c & co. in a kernel tree), and
    // try_then_request_module looks again by itself.
    assert.deepEqual(of('fs/nls_base.c'), []);
    assert.deepEqual(of('net/netfilter/nfnetlink.c'), ['unchecked-zero-return@15']);
    assert.deepEqual(of('net/netfilter/nf_tables_api.c'), ['unchecked-zero-return@19']);
  });

  it("takes fs-*, net-pf-*, nfnetlink-subsys-* and nft-expr-*-* as documented by the aliases the tree's macros expand to", () => {
    for (const rel of [
      'fs/filesystems.c',
      'net/socket.c',
      'net/netfilter/nfnetlink.c',
      'net/netfilter/nf_tables_api.c',
    ]) {
      assert.deepEqual(
        ruleLines(diagnosticsOf(rel)).filter((r) => r.startsWith('undocumented-alias')),
        [],
        rel,
      );
    }
  });

  it('does not flag __sock_create, which looks the family up again (rcu_dereference after rcu_access_pointer, as in net/socket.c)', () => {
    assert.deepEqual(ruleLines(diagnosticsOf('net/socket.c')), []);
  });

  it('flags nothing in files without request call sites', () => {
    const flagged = new Set([
      'crypto/api.c',
      'drivers/misc/autoload_demo.c',
      'net/netfilter/nfnetlink.c',
      'net/netfilter/nf_tables_api.c',
    ]);
    assert.deepEqual(
      [...allDiagnostics().keys()].filter((f) => !flagged.has(f)),
      [],
    );
  });

  it('shows a CodeLens above each call site, saying no trace was replayed yet', async () => {
    const lenses = await codeLenses('fs/filesystems.c');
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line + 1, l.command?.title]),
      [[15, 'requests fs-* · no trace replayed']],
    );
    const nowait = await codeLenses('net/netfilter/nfnetlink.c');
    assert.deepEqual(
      nowait.map((l) => l.command?.title),
      ['requests nfnetlink-subsys-* (nowait) · no trace replayed'],
    );
  });

  it('hovers a call site with its pattern and the declarations that document it', async () => {
    const uri = fixture('fs/filesystems.c');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      await positionOf(uri, 15, 'request_module'),
    );
    const text = hoverText(hovers);
    assert.match(text, /pattern: ` fs-\* `/);
    assert.match(text, /Declarations that document it\*\* \(2\)/);
    assert.match(text, /` fs-ext4 ` — ` MODULE_ALIAS_FS ` at \[fs\/ext4\\_super\\\.c:5\]/);
    assert.match(text, /` fs-ext3 ` — ` MODULE_ALIAS_FS ` at \[fs\/ext4\\_super\\\.c:6\]/);
  });

  it('re-analyses an edited file before it is saved, and the disk copy stays untouched', async () => {
    const uri = fixture('drivers/misc/autoload_demo.c');
    const onDisk = readFileSync(uri.fsPath, 'utf8');
    const api = await extensionApi();
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(29, 0), '\trequest_module("demo-added-by-the-test");\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      const added = await waitFor('the edited file to be re-analysed', () =>
        api.index?.callSites.find(
          (s) => s.file === 'drivers/misc/autoload_demo.c' && s.name === 'demo-added-by-the-test',
        ),
      );
      assert.equal(added.line, 30);
      assert.deepEqual(ruleLines(diagnosticsOf('drivers/misc/autoload_demo.c')), [
        'unchecked-zero-return@15',
        'name-too-long@23',
        'undocumented-alias@23',
        'unchecked-zero-return@29',
        'unchecked-zero-return@30',
      ]);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    await waitFor('the reverted file to be re-analysed', () =>
      api.index?.callSites.some((s) => s.name === 'demo-added-by-the-test') === false ? true : undefined,
    );
    assert.equal(readFileSync(uri.fsPath, 'utf8'), onDisk);
  });
});
