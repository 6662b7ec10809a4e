// A trace whose names and call-site symbols carry HTML: the extension must keep them as data and show them as text.
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { Report } from '../../../src/engine/reportStream/index';
import { diagnosticsOf, fixture, positionOf, ruleLines, scanAndReplay } from './helpers';

const TRACE = 'traces/hostile-trace.txt';
const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';

describe('hostile trace', () => {
  let report: Report;

  before(async () => {
    report = await scanAndReplay(TRACE);
  });

  it('reads the names exactly as the kernel wrote them', () => {
    assert.deepEqual(
      report.requests.map((r) => [r.line, r.name, r.callSite?.symbol]),
      [
        [13, SCRIPT, 'get_fs_type'],
        [14, SCRIPT, 'get_fs_type'],
        [15, IMG, '</script><script>alert(2)</script>'],
        [16, IMG, '<svg/onload=alert(3)>'],
        [17, 'fs-ext4', 'get_fs_type'],
        [19, 'fs-"quoted\'&amp;', 'get_fs_type'],
      ],
    );
  });

  it('reports the duplicates and undocumented names on their lines, with the names in plain-text messages', () => {
    const list = diagnosticsOf(TRACE);
    assert.deepEqual(ruleLines(list), [
      'undocumented-alias@13',
      'duplicate-request@14',
      'undocumented-alias@15',
      'duplicate-request@16',
      'undocumented-alias@19',
    ]);
    assert.ok(list[0].message.includes(SCRIPT), list[0].message);
    assert.ok(list[2].message.includes(IMG), list[2].message);
  });

  it('hovers show the names in code spans of Markdown that allows no HTML and runs no commands', async () => {
    const uri = fixture(TRACE);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      await positionOf(uri, 15, 'img'),
    );
    const md = hovers.flatMap((h) => h.contents);
    assert.ok(md.length > 0, 'no hover on the hostile line');
    assert.ok(
      md.every((c) => c instanceof vscode.MarkdownString),
      'hover contents are MarkdownStrings',
    );
    const text = md.map((c) => c.value).join('\n');
    assert.ok(text.includes(`\` ${IMG} \``), text);
    assert.ok(text.includes('` </script><script>alert(2)</script> `'), text);
    for (const c of md) {
      assert.notEqual(c.supportHtml, true);
      assert.notEqual(c.isTrusted, true);
    }
  });

  it('outlines the names as they are, and links only the call sites that exist in source', async () => {
    const uri = fixture(TRACE);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      uri,
    );
    assert.deepEqual(
      symbols.map((s) => s.name),
      [SCRIPT, IMG, 'fs-ext4', 'fs-"quoted\'&amp;'],
    );
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    assert.deepEqual(
      links.map((l) => [
        l.range.start.line + 1,
        vscode.workspace.asRelativePath(l.target!.with({ fragment: '' }), false),
      ]),
      // get_fs_type's request_module("fs-%.*s", ...) cannot make the <script> names of lines 13-14: only fs-* lines link.
      [
        [17, 'fs/filesystems.c'],
        [19, 'fs/filesystems.c'],
      ],
    );
  });
});
