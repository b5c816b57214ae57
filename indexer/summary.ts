/** The index summary printed by the indexer and logged by the server at start-up. */
import type { SnapshotBody } from '../snapshot/body.js';
import type { BuildResult } from './build.js';

/**
 * `io`: what the CLI spent around the build, reading a records file and writing the snapshot. With it the time line's
 * total is the whole span from the first byte read to the snapshot written (what bench/scale.ts times as a build),
 * not the build stages alone.
 */
export function formatSummary({ body, timings }: { body: Pick<SnapshotBody, 'records' | 'sources' | 'warnings'> } & Partial<Pick<BuildResult, 'timings'>>, io: { readMs?: number; writeMs?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`${body.records.length} records from ${body.sources.filter((s) => s.records > 0).length} of ${body.sources.length} files`);
  for (const s of body.sources) {
    lines.push(`  ${s.file}: ${s.records} records${s.format ? ` (${s.format}, ${s.encoding})` : ''}${s.title ? ` — ${s.title}` : ''}`);
  }
  if (body.warnings.length) {
    lines.push(`${body.warnings.length} warning(s):`);
    for (const w of body.warnings) lines.push(`  ${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
  } else {
    lines.push('no warnings');
  }
  if (timings) {
    const ms = (n: number) => `${Math.round(n)} ms`;
    const read = io.readMs ?? 0;
    const write = io.writeMs ?? 0;
    lines.push(`time: ${ms(read + timings.total + write)} (${read ? `read records ${ms(read)}, ` : ''}parse ${ms(timings.parse)}${timings.links ? `, copy links ${ms(timings.links)}` : ''}, jieba dictionary load ${ms(timings.jiebaLoad)}, analyse ${ms(timings.analyse)}, index ${ms(timings.index)}${timings.pack ? `, records packed while counting ${ms(timings.pack)}` : ''}, similar ${ms(timings.similar)}${timings.counts || timings.words || timings.bits ? `; the index's tail (on large corpora in the index worker, beside similar): facet counts of common words ${ms(timings.counts)}, stored words ${ms(timings.words)}, record maps and block starts ${ms(timings.bits)}` : ''}${write ? `, write snapshot ${ms(write)}` : ''})`);
  }
  return lines.join('\n');
}
