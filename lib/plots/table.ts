/**
 * Small tables for notebooks: a markdown table (tslab.display.markdown renders it; GitHub and
 * nbconvert too) from a header and rows of strings and numbers.
 */

/** A number with a fixed number of decimals; −0 prints as 0. */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A markdown table; numbers get `digits` decimals (right-aligned), text is escaped. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  digits = 4,
): string {
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new Error(`markdownTable: row ${i} has ${r.length} cells, the header ${header.length}`);
  });
  const cell = (c: string | number) =>
    typeof c === 'number' ? formatNumber(c, digits) : c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const numeric = header.map((_h, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number'));
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
