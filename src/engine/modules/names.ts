/** Name normalisation exactly as libkmod does it (libkmod-util.c). */

/**
 * kmod's `alias_normalize`: `-` becomes `_` except inside `[...]`; a `]` outside a class or a `[` without its `]`
 * makes the alias invalid (null). Both the requested name and every modules.alias pattern go through it.
 */
export function aliasNormalize(alias: string): string | null {
  // Fast paths: most names and patterns have no class, and many no `-` at all.
  if (alias.indexOf('[') < 0 && alias.indexOf(']') < 0)
    return alias.indexOf('-') < 0 ? alias : alias.replace(/-/g, '_');
  let out = '';
  for (let i = 0; i < alias.length; i++) {
    const c = alias[i];
    if (c === '-') {
      out += '_';
    } else if (c === ']') {
      return null;
    } else if (c === '[') {
      const close = alias.indexOf(']', i + 1);
      if (close < 0) return null;
      out += alias.slice(i, close + 1);
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** kmod's `modname_normalize`: `-` becomes `_`, and the name ends at the first `.`. */
export function modnameNormalize(name: string): string {
  const dot = name.indexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  // Most names (every module_load of a trace) have no `-`: skip the regex for them.
  return base.indexOf('-') < 0 ? base : base.replace(/-/g, '_');
}

/** kmod's `path_to_modname`: `kernel/fs/ext4/ext4.ko.xz` → `ext4`. */
export function modnameFromPath(path: string): string {
  return modnameNormalize(path.slice(path.lastIndexOf('/') + 1));
}
