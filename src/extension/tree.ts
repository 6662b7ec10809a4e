/** The three views of the Autoload Lens container: call sites by alias family, findings by rule, requests by name. */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import { RULES, type RuleId } from '../engine/ruleCatalog';
import type { Results } from './results';
import { siteLabel } from './results';
import { plural } from './text';

interface Node {
  label: string;
  description?: string;
  tooltip?: string;
  icon?: vscode.ThemeIcon;
  /** Built when the group is expanded: a long trace has many requests per name. */
  children?: () => Node[];
  /** Where selecting the item goes. */
  location?: vscode.Location;
}

class NodeTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Node[] | undefined;

  constructor(
    private readonly results: Results,
    private readonly build: (results: Results) => Node[],
  ) {
    results.onDidChange(() => {
      this.roots = undefined;
      this.changed.fire();
    });
  }

  getChildren(node?: Node): Node[] {
    if (node !== undefined) return node.children?.() ?? [];
    this.roots ??= this.build(this.results);
    return this.roots;
  }

  /** Labels, descriptions and tooltips quote trace and source text: escaped here, for every view. */
  getTreeItem(node: Node): vscode.TreeItem {
    const state =
      node.children !== undefined ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(escapeControl(node.label), state);
    item.description = node.description === undefined ? undefined : escapeControl(node.description);
    item.tooltip = node.tooltip === undefined ? undefined : escapeControl(node.tooltip);
    item.iconPath = node.icon;
    if (node.location !== undefined) {
      const at = node.location.range.start;
      item.command = {
        title: 'Reveal',
        command: 'vscode.open',
        arguments: [node.location.uri, { selection: new vscode.Range(at, at) }],
      };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}

function callSiteNodes(results: Results): Node[] {
  const sites = results.index?.callSites ?? [];
  const families = groupBy(sites, (s) => s.family ?? '');
  return [...families]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([family, list]) => ({
      label: family === '' ? '(no literal prefix)' : `${family}*`,
      description: plural(list.length, 'call site'),
      icon: new vscode.ThemeIcon('symbol-namespace'),
      children: () =>
        list.map((site) => {
          const requests = results.report === undefined ? undefined : results.requestsFrom(site).length;
          return {
            label: siteLabel(site),
            description: `${site.file}:${site.line}${requests === undefined ? '' : ` · ${requests} in trace`}`,
            tooltip: `${site.kind === 'wrapper' ? `wrapper via ${site.via.join(' → ')}` : 'direct request'}; pattern ${site.pattern ?? 'unknown'}; return ${site.returnUse}`,
            icon: new vscode.ThemeIcon(site.kind === 'wrapper' ? 'symbol-method' : 'symbol-event'),
            ...locationOf(results.sourceLocation(site)),
          };
        }),
    }));
}

function locationOf(location: vscode.Location | undefined): { location?: vscode.Location } {
  return location === undefined ? {} : { location };
}

const SEVERITY_ICON = { error: 'error', warning: 'warning', info: 'info' } as const;

function findingNodes(results: Results): Node[] {
  const nodes: Array<{ rule: RuleId; node: Node }> = [];
  for (const f of results.index?.findings ?? []) {
    nodes.push({
      rule: f.rule,
      node: {
        label: f.message,
        description: `${f.location.file}:${f.location.line}`,
        tooltip: f.message,
        icon: new vscode.ThemeIcon(SEVERITY_ICON[f.severity]),
        ...locationOf(results.sourceLocation(f.location)),
      },
    });
  }
  const requests = results.report?.requests ?? [];
  // During a diff, the findings NEW added, as in Problems.
  for (const f of results.problemReport?.findings ?? []) {
    const line = requests[f.requests[0] ?? -1]?.line ?? f.traceLines[0];
    const location =
      line !== undefined
        ? results.traceLocation(line)
        : f.location !== null
          ? results.sourceLocation(f.location)
          : undefined;
    nodes.push({
      rule: f.rule,
      node: {
        label: f.message,
        description: f.name !== null ? f.name : line !== undefined ? `trace line ${line}` : '',
        tooltip: f.message,
        icon: new vscode.ThemeIcon(SEVERITY_ICON[f.severity]),
        ...locationOf(location),
      },
    });
  }
  const byRule = groupBy(nodes, (n) => n.rule);
  return (Object.keys(RULES) as RuleId[])
    .filter((rule) => byRule.has(rule))
    .map((rule) => ({
      label: RULES[rule].title,
      description: `${rule} · ${byRule.get(rule)!.length}`,
      tooltip: RULES[rule].description,
      icon: new vscode.ThemeIcon('list-tree'),
      children: () => byRule.get(rule)!.map((n) => n.node),
    }));
}

function requestNodes(results: Results): Node[] {
  const byName = groupBy(results.report?.requests ?? [], (r) => r.name);
  return [...byName].map(([name, list]) => {
    const res = list[0].resolution;
    const duplicates = list.filter((r) => r.duplicateOf !== null).length;
    return {
      label: name,
      description: `${list.length}× · ${res.modules.length > 0 ? res.modules.join(', ') : res.kind}${duplicates > 0 ? ` · ${plural(duplicates, 'duplicate')}` : ''}`,
      icon: new vscode.ThemeIcon(duplicates > 0 ? 'copy' : 'package'),
      children: () =>
        list.map((r) => ({
          label: `${r.time.toFixed(6)} s`,
          description: `${r.task}-${r.pid} · wait=${r.wait ? 1 : 0} · ${r.outcome}${r.duplicateOf !== null ? ' · duplicate' : ''}`,
          tooltip: `${r.callSite?.symbol ?? 'no call site'}${r.loadedModules.length > 0 ? `; loaded ${r.loadedModules.join(', ')}` : ''}`,
          icon: new vscode.ThemeIcon(r.wait ? 'arrow-right' : 'debug-step-over'),
          ...locationOf(results.traceLocation(r.line)),
        })),
    };
  });
}

/** What the Findings view's title adds: during a diff it holds only what the diff added (Compare with Trace…). */
function findingsDescription(results: Results): string | undefined {
  const base = results.diff?.base;
  return base === undefined ? undefined : escapeControl(`added since ${basename(base.fsPath)}`);
}

export function registerTrees(results: Results): vscode.Disposable[] {
  const views: Array<[string, (r: Results) => Node[], ((r: Results) => string | undefined)?]> = [
    ['autoloadLens.callSites', callSiteNodes],
    ['autoloadLens.findings', findingNodes, findingsDescription],
    ['autoloadLens.requests', requestNodes],
  ];
  return views.flatMap(([id, build, describe]) => {
    const provider = new NodeTree(results, build);
    const view = vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true });
    if (describe === undefined) return [provider, view];
    return [provider, view, results.onDidChange(() => (view.description = describe(results)))];
  });
}
