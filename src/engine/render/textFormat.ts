/** Plain-text layout helpers shared by the text renderers: columns, wrapping and optional ANSI colour. */
import type { Severity } from '../ruleCatalog';

/** Cuts `s` to `width` characters, marking the cut with `…`. */
export function truncate(s: string, width: number): string {
  if (s.length <= width) return s;
  if (width <= 1) return s.slice(0, width);
  return `${s.slice(0, width - 1)}…`;
}

/** Greedy word wrap; words longer than the width are kept whole on their own line. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (current.length === 0) current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current.length > 0) lines.push(current);
  return lines;
}

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align: Align;
  /** Upper bound on the column's width; longer cells are truncated. */
  max: number;
  /** Whether the column may give way when the line is too wide (default true; numbers should not). */
  shrink?: boolean;
}

/**
 * Widths for aligned columns separated by two spaces: each column as wide as its widest cell (capped at `max`).
 * When the line would exceed `width`, the widest shrinkable columns give way first (never below their header).
 */
export function columnWidths(columns: Column[], rows: string[][], indent: string, width = Infinity): number[] {
  const widths = columns.map((c, i) => {
    let w = c.header.length;
    for (const r of rows) w = Math.max(w, (r[i] ?? '').length);
    return Math.min(c.max, w);
  });
  const total = (): number => indent.length + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      const floor = Math.max(columns[i].header.length, 4);
      if (columns[i].shrink !== false && w > floor && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest] = widths[widest] - 1;
  }
  return widths;
}

/** One row padded to the column widths (trailing spaces kept, so callers can append). */
export function formatRow(columns: Column[], widths: number[], cells: string[], indent: string): string {
  return (
    indent +
    cells
      .map((cell, i) => {
        const w = widths[i];
        const t = truncate(cell, w);
        return columns[i].align === 'right' ? t.padStart(w) : t.padEnd(w);
      })
      .join('  ')
  );
}

/** A header line and the rows, laid out by columnWidths. */
export function table(columns: Column[], rows: string[][], indent: string, width = Infinity): string[] {
  const widths = columnWidths(columns, rows, indent, width);
  return [columns.map((c) => c.header), ...rows].map((cells) => formatRow(columns, widths, cells, indent).trimEnd());
}

/** ANSI styling that collapses to plain text when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  severity(sev: Severity, s: string): string;
}

const SEVERITY_COLOUR: Record<Severity, string> = { error: '31', warning: '33', info: '36' };

export function makeStyle(color: boolean): Style {
  if (!color) return { bold: (s) => s, dim: (s) => s, severity: (_sev, s) => s };
  return {
    bold: (s) => `\u001b[1m${s}\u001b[22m`,
    dim: (s) => `\u001b[2m${s}\u001b[22m`,
    severity: (sev, s) => `\u001b[${SEVERITY_COLOUR[sev]}m${s}\u001b[39m`,
  };
}

export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

/** Appends without spreading into a call, which overflows the stack for very long lists. */
export function append(out: string[], lines: readonly string[]): void {
  for (const l of lines) out.push(l);
}
