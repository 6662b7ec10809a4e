/**
 * Builds a modules directory the way a kernel install does, so that Debian's own `depmod -b` writes the binary indexes
 * from the metadata of a real kernel.
 *
 * Why modules are written here: depmod reads what it indexes from the `.ko` files themselves — aliases from the
 * `.modinfo` section, exported symbols from `__ksymtab_strings`, dependencies from the undefined symbols of
 * `.symtab` — and the sample keeps only depmod's output, not the modules. So each module of modules.dep becomes a
 * minimal ELF64 relocatable object carrying exactly that: its modules.alias patterns as `alias=` records, its
 * modules.symbols names as exports, and one undefined symbol exported by each module modules.dep says it depends
 * on. Written directly (rather than by `gcc -c` and `objcopy --add-section` for each of 4,000 modules) it needs no
 * compiler and takes well under a second. modules.order lists the modules in modules.dep's order, which is the order
 * depmod numbers them in (the priority of their index values); modules.builtin and modules.builtin.modinfo are copied,
 * depmod reads them as they are.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface ModuleContent {
  modinfo: string[];
  exports: string[];
  imports: string[];
}

/** Writes `dir` (a lib/modules/VERSION directory) from the depmod text files in `metadata`; run depmod afterwards. */
export function writeModuleTree(metadata: string, dir: string): void {
  const read = (name: string): string[] =>
    readFileSync(join(metadata, name), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  const paths: string[] = [];
  const depsOf = new Map<string, string[]>();
  for (const line of read('modules.dep')) {
    const colon = line.indexOf(':');
    const path = line.slice(0, colon);
    paths.push(path);
    depsOf.set(
      path,
      line
        .slice(colon + 1)
        .split(' ')
        .filter((d) => d !== ''),
    );
  }
  const pathOf = new Map(paths.map((p) => [modname(p), p]));
  const content = new Map<string, ModuleContent>(paths.map((p) => [p, { modinfo: [], exports: [], imports: [] }]));
  const owner = (module: string): ModuleContent => {
    const c = content.get(pathOf.get(module) ?? '');
    if (c === undefined) throw new Error(`${module} is not in modules.dep`);
    return c;
  };
  // `alias PATTERN MODULE` lines (the files start with a comment).
  const aliasLines = (name: string): string[][] =>
    read(name)
      .filter((l) => l.startsWith('alias '))
      .map((l) => l.split(' '));
  for (const [, pattern, module] of aliasLines('modules.alias')) owner(module).modinfo.push(`alias=${pattern}`);
  for (const [, symbol, module] of aliasLines('modules.symbols'))
    owner(module).exports.push(symbol.slice('symbol:'.length));
  for (const [path, deps] of depsOf) {
    for (const dep of deps) {
      const symbol = content.get(dep)?.exports[0];
      if (symbol === undefined) throw new Error(`${path} depends on ${dep}, which exports nothing`);
      content.get(path)!.imports.push(symbol);
    }
  }
  for (const [path, c] of content) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), moduleElf(c));
  }
  writeFileSync(join(dir, 'modules.order'), paths.map((p) => `${p}\n`).join(''));
  for (const name of ['modules.builtin', 'modules.builtin.modinfo'])
    copyFileSync(join(metadata, name), join(dir, name));
}

/** kmod's name for a module path: the file name up to the first `.`, `-` as `_`. */
function modname(path: string): string {
  return path
    .slice(path.lastIndexOf('/') + 1)
    .split('.')[0]
    .replace(/-/g, '_');
}

const SECTION_HEADER_SIZE = 64;
const SYMBOL_SIZE = 24;
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;

/**
 * An ELF64 little-endian relocatable object (ET_REL, x86-64) with the sections depmod reads: `.modinfo`,
 * `__ksymtab_strings`, `.symtab` (the null symbol, then one undefined global per import) and their string tables.
 */
export function moduleElf(m: ModuleContent): Buffer {
  const strtab = ['', ...m.imports].join('\0') + '\0';
  const symtab = Buffer.alloc(SYMBOL_SIZE * (1 + m.imports.length));
  let nameAt = 1;
  m.imports.forEach((name, i) => {
    const at = SYMBOL_SIZE * (i + 1);
    symtab.writeUInt32LE(nameAt, at);
    symtab[at + 4] = 0x10; // STB_GLOBAL, STT_NOTYPE; st_shndx 0 = SHN_UNDEF
    nameAt += name.length + 1;
  });
  const sections: Array<{ name: string; type: number; data: Buffer; link?: number; info?: number; entsize?: number }> =
    [
      { name: '.modinfo', type: SHT_PROGBITS, data: strings(m.modinfo) },
      { name: '__ksymtab_strings', type: SHT_PROGBITS, data: strings(m.exports) },
      { name: '.symtab', type: SHT_SYMTAB, data: symtab, link: 4, info: 1, entsize: SYMBOL_SIZE },
      { name: '.strtab', type: SHT_STRTAB, data: Buffer.from(strtab, 'latin1') },
    ];
  const shstrtab = Buffer.from(['', ...sections.map((s) => s.name), '.shstrtab'].join('\0') + '\0', 'latin1');
  sections.push({ name: '.shstrtab', type: SHT_STRTAB, data: shstrtab });

  const header = Buffer.alloc(64);
  const bodies: Buffer[] = [];
  let offset = header.length;
  const placed = sections.map((s) => {
    const at = offset;
    bodies.push(s.data);
    offset += s.data.length;
    return at;
  });
  const shoff = offset + ((8 - (offset % 8)) % 8);
  const table = Buffer.alloc(SECTION_HEADER_SIZE * (sections.length + 1));
  let nameOffset = 1;
  sections.forEach((s, i) => {
    const at = SECTION_HEADER_SIZE * (i + 1);
    table.writeUInt32LE(nameOffset, at);
    table.writeUInt32LE(s.type, at + 4);
    table.writeBigUInt64LE(BigInt(placed[i]), at + 24);
    table.writeBigUInt64LE(BigInt(s.data.length), at + 32);
    table.writeUInt32LE(s.link ?? 0, at + 40);
    table.writeUInt32LE(s.info ?? 0, at + 44);
    table.writeBigUInt64LE(1n, at + 48);
    table.writeBigUInt64LE(BigInt(s.entsize ?? 0), at + 56);
    nameOffset += s.name.length + 1;
  });

  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2; // ELFCLASS64
  header[5] = 1; // ELFDATA2LSB
  header[6] = 1; // EV_CURRENT
  header.writeUInt16LE(1, 16); // ET_REL
  header.writeUInt16LE(62, 18); // EM_X86_64
  header.writeUInt32LE(1, 20);
  header.writeBigUInt64LE(BigInt(shoff), 40);
  header.writeUInt16LE(64, 52); // e_ehsize
  header.writeUInt16LE(SECTION_HEADER_SIZE, 58);
  header.writeUInt16LE(sections.length + 1, 60);
  header.writeUInt16LE(sections.length, 62); // .shstrtab is the last section
  return Buffer.concat([header, ...bodies, Buffer.alloc(shoff - offset), table]);
}

/** NUL-terminated strings, one after the other. */
function strings(list: string[]): Buffer {
  return Buffer.from(list.map((s) => `${s}\0`).join(''), 'latin1');
}
