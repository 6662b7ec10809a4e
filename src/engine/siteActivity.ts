/**
 * What one source call site did in a replayed trace: its requests, the names they asked for, the duplicates among
 * them and what they loaded. The editor's CodeLens and hover on a call site say this; the engine computes it once.
 */
import type { RequestRecord } from './report';

export interface NameActivity {
  name: string;
  /** Requests of this name from the call site, in trace order. */
  requests: RequestRecord[];
  /** How many of them dups.c took as duplicates of an earlier request. */
  duplicates: number;
}

export interface SiteActivity {
  requests: number;
  duplicates: number;
  /** Per requested name, in the order of each name's first request. */
  names: NameActivity[];
  /** Modules the call site's requests loaded, each once, in the order they first loaded. */
  loaded: string[];
}

/** `requests` are the trace requests linked to one call site, in trace order. */
export function siteActivity(requests: readonly RequestRecord[]): SiteActivity {
  const byName = new Map<string, NameActivity>();
  const loaded = new Set<string>();
  let duplicates = 0;
  for (const r of requests) {
    let n = byName.get(r.name);
    if (n === undefined) byName.set(r.name, (n = { name: r.name, requests: [], duplicates: 0 }));
    n.requests.push(r);
    if (r.duplicateOf !== null) {
      n.duplicates++;
      duplicates++;
    }
    for (const m of r.loadedModules) loaded.add(m);
  }
  return { requests: requests.length, duplicates, names: [...byName.values()], loaded: [...loaded] };
}

/** The first `max` items joined with `, `, and `+N` for the rest: `ext4, binfmt_misc +8`. */
export function listSome(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} +${items.length - max}` : shown;
}
