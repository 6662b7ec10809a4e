// One linker: every request of the real 2-CPU boot links to the same call sites in the editor as in the CLI's JSON,
// over the same sources (the fixture workspace) and the same modules directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { RequestRecord } from '../../../src/engine/report';
import type { Report } from '../../../src/engine/reportStream/index';
import { EXTENSION_ID, fixture, scanAndReplay, workspaceRoot } from './helpers';

const TRACE = 'traces/trace.txt';

/** JSON with object keys sorted: equal values print equal whatever order their keys were written in. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

/** What a request's link says, in one comparable shape. */
const linkOf = (cs: RequestRecord['callSite'] | null) =>
  cs === null
    ? 'null'
    : canonical({
        symbol: cs.symbol,
        module: cs.module,
        link: cs.link,
        locations: cs.locations,
        origins: cs.origins,
        fits: cs.fits,
      });

describe('Links in the editor and the CLI', () => {
  let editor: Report;
  let cli: { requests: Array<{ index: number; callSite: RequestRecord['callSite'] | null }> };

  before(async () => {
    editor = await scanAndReplay(TRACE);
    const repo = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const out = execFileSync(
      process.execPath,
      [
        path.join(repo, 'dist', 'cli.js'),
        'replay',
        fixture(TRACE).fsPath,
        '--modules',
        fixture('modules').fsPath,
        '--src',
        workspaceRoot().fsPath,
        '--format',
        'json',
        '--fail-on',
        'never',
        '--no-cache',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    );
    cli = JSON.parse(out);
  });

  it('links every request to the same call sites, the same way', () => {
    assert.equal(editor.requests.length, 264);
    assert.equal(cli.requests.length, 264);
    const differ = editor.requests.filter((r, i) => linkOf(r.callSite) !== linkOf(cli.requests[i].callSite));
    assert.deepEqual(
      differ.map((r) => `${r.line} ${r.name}`),
      [],
    );
    // Not vacuous: the fixture's sources link most of the boot, and through more than one kind of path.
    const kinds = new Set(editor.requests.map((r) => r.callSite?.link));
    assert.ok(kinds.has('direct') && kinds.has('inlined') && kinds.has('stale'), [...kinds].join(', '));
  });
});
