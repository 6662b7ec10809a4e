/** Resolve Alias…: what a requested name resolves to (as `modprobe -R` answers) and which declarations document it. */
import * as vscode from 'vscode';
import { AliasCatalog } from '../engine/modules/aliasDeclarations';
import type { Resolution } from '../engine/resolution';
import { escapeControl } from '../engine/escape';
import type { AliasDeclaration } from '../engine/sourceIndex';
import { loadLayers } from './engine';
import type { Services } from './services';
import { readSettings } from './settings';
import { showEngineError } from './engineErrors';
import { plural } from './text';

export interface AliasAnswer {
  name: string;
  /** Null when no modules directory is set. */
  resolution: Resolution | null;
  /** MODULE_ALIAS* declarations in the scanned sources that document the name. */
  declarations: AliasDeclaration[];
}

/** The lines `modprobe -R NAME` prints: the module names, or its "not found" message. */
export function modprobeStyle(name: string, resolution: Resolution): string {
  if (resolution.modules.length === 0) return `modprobe: FATAL: Module ${name} not found.`;
  return resolution.modules.join('\n');
}

export async function resolveAliasCommand(s: Services, nameArg?: unknown): Promise<AliasAnswer | undefined> {
  const name =
    typeof nameArg === 'string' && nameArg !== ''
      ? nameArg
      : await vscode.window.showInputBox({
          title: 'Autoload Lens: resolve a requested name',
          prompt: 'A name as request_module() asks for it',
          placeHolder: 'fs-ext4, net-pf-10, crypto-aes, char-major-10-200…',
          validateInput: (v) =>
            v.trim() === '' ? 'Type a name' : /\s/.test(v.trim()) ? 'A module name has no spaces' : undefined,
        });
  if (name === undefined) return undefined;
  const wanted = name.trim();
  const index = s.results.index;
  const declarations = index === undefined ? [] : AliasCatalog.of(index).declarations(wanted);
  const dir = readSettings(s.context.workspaceState).modulesDirectory;
  let resolution: Resolution | null = null;
  if (dir !== undefined) {
    const db = await loadLayers().openModuleDb(dir);
    if (!db.ok) {
      showEngineError(s, db.error);
      return undefined;
    }
    resolution = db.value.resolve(wanted);
  }
  present(s, { name: wanted, resolution, declarations }, dir);
  return { name: wanted, resolution, declarations };
}

function present(s: Services, answer: AliasAnswer, dir: string | undefined): void {
  const { name, resolution, declarations } = answer;
  s.log.info(`resolve ${name}${dir ? ` against ${dir}` : ' (no modules directory set)'}`);
  if (resolution !== null) {
    s.log.info(`modprobe -R ${name}:`);
    for (const line of modprobeStyle(name, resolution).split('\n')) s.log.info(line);
    s.log.info(
      `resolution: ${resolution.kind}${resolution.patterns.length > 0 ? `, matched ${resolution.patterns.join(', ')}` : ''}`,
    );
  }
  for (const d of declarations) s.log.info(`declared by ${d.macro} at ${d.file}:${d.line} → ${d.value ?? ''}`);
  if (s.results.index === undefined)
    s.log.info('no scan yet: scan the workspace to see the MODULE_ALIAS declarations that document it');

  const resolved =
    resolution === null
      ? 'not resolved (no modules directory)'
      : resolution.modules.length === 0
        ? `not found (${resolution.kind})`
        : `→ ${resolution.modules.join(', ')} (${resolution.kind}${resolution.patterns.length > 0 ? ` via ${resolution.patterns.join(', ')}` : ''})`;
  const declared =
    s.results.index === undefined
      ? ''
      : declarations.length === 0
        ? '; no MODULE_ALIAS declaration in the sources documents it'
        : `; documented by ${plural(declarations.length, 'declaration')}`;
  const actions = [
    ...(declarations.length > 0 ? ['Go to Declaration'] : []),
    ...(resolution === null ? ['Select Modules Directory…'] : []),
    'Show Log',
  ];
  void vscode.window
    .showInformationMessage(escapeControl(`Autoload Lens: ${name} ${resolved}${declared}.`), ...actions)
    .then(async (choice) => {
      if (choice === 'Show Log') s.log.show(true);
      else if (choice === 'Select Modules Directory…')
        await vscode.commands.executeCommand('autoloadLens.selectModulesDirectory');
      else if (choice === 'Go to Declaration') await goToDeclaration(s, declarations);
    });
}

async function goToDeclaration(s: Services, declarations: AliasDeclaration[]): Promise<void> {
  const items = declarations.map((d) => ({
    label: escapeControl(`${d.macro} → ${d.value ?? ''}`),
    description: escapeControl(`${d.file}:${d.line}`),
    d,
  }));
  const picked =
    items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: 'MODULE_ALIAS declarations' });
  const uri = picked && s.results.sourceUri(picked.d.file);
  if (picked === undefined || uri === undefined) return;
  const at = new vscode.Position(picked.d.line - 1, Math.max(0, picked.d.column - 1));
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, at) });
}
