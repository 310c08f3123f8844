// Writes the scenarios' sections into BENCHMARKS.md, replacing only the sections this run
// produced; every other section (e.g. `## History`, hand-written analysis) stays as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { renderSection, type Section } from './section.js';

const TITLE = '# Benchmarks\n\nFigures from `flux-speed bench` (`npm run bench`; `--quick` for short runs). Figures, not pass/fail: see docs/scaling.md for what they mean for sizing.\n';

/** Splits markdown into its preamble and `## ` sections (heading → text including the heading). */
export function splitSections(text: string): { preamble: string; sections: { heading: string; body: string }[] } {
  const lines = text.split('\n');
  const sections: { heading: string; body: string }[] = [];
  const preamble: string[] = [];
  let current: { heading: string; lines: string[] } | undefined;
  let inFence = false;
  for (const line of lines) {
    if (line.startsWith('```')) inFence = !inFence;
    if (!inFence && line.startsWith('## ')) {
      if (current) sections.push({ heading: current.heading, body: current.lines.join('\n') });
      current = { heading: line.slice(3).trim(), lines: [line] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  if (current) sections.push({ heading: current.heading, body: current.lines.join('\n') });
  return { preamble: preamble.join('\n'), sections };
}

/** The new document: produced sections replace theirs in place, new ones go before `## History`. */
export function mergeSections(existing: string, produced: Section[]): string {
  const { preamble, sections } = splitSections(existing);
  const rendered = new Map(produced.map((s) => [s.heading, renderSection(s).trimEnd() + '\n']));
  const out = sections.map((s) => (rendered.has(s.heading) ? { heading: s.heading, body: rendered.get(s.heading)! } : s));
  const missing = produced.filter((s) => !sections.some((e) => e.heading === s.heading));
  const historyAt = out.findIndex((s) => s.heading === 'History');
  const insertAt = historyAt >= 0 ? historyAt : out.length;
  out.splice(insertAt, 0, ...missing.map((s) => ({ heading: s.heading, body: rendered.get(s.heading)! })));
  const head = preamble.trim() ? preamble.trimEnd() + '\n' : TITLE;
  return [head, ...out.map((s) => s.body.trimEnd() + '\n')].join('\n');
}

export function writeReport(file: string, produced: Section[]): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, mergeSections(existing, produced));
}
