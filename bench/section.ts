// What a scenario hands back: a titled table of figures and notes, for the console and BENCHMARKS.md.

export interface Section {
  /** The `## ` heading it owns in BENCHMARKS.md. */
  heading: string;
  intro: string;
  columns: string[];
  rows: string[][];
  notes: string[];
}

export function renderTable(columns: string[], rows: string[][]): string {
  const lines = [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export function renderSection(section: Section): string {
  const parts = [`## ${section.heading}`, '', section.intro];
  if (section.rows.length > 0) parts.push('', renderTable(section.columns, section.rows));
  if (section.notes.length > 0) parts.push('', ...section.notes.map((n) => `- ${n}`));
  return `${parts.join('\n')}\n`;
}

/** The console form: the same table, padded. */
export function printSection(section: Section): string {
  const widths = section.columns.map((c, i) => Math.max(c.length, ...section.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  if (section.rows.length === 0) return [`\n== ${section.heading}`, section.intro, ...section.notes.map((n) => `  * ${n}`)].join('\n');
  return [`\n== ${section.heading}`, line(section.columns), ...section.rows.map(line), ...section.notes.map((n) => `  * ${n}`)].join('\n');
}
