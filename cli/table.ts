/** A plain-text table: a header, a rule, one line per row, columns padded. */
export function table(header: string[], rows: string[][], maxWidth = 110): string {
  const cells = rows.map((r) => r.map((c) => (c.length > maxWidth ? `${c.slice(0, maxWidth - 3)}...` : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export const shortDigest = (digest: string) => digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
