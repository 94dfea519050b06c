// The results table: one row per scenario, written as Markdown (with the rows behind every violation and mismatch
// below it) and as JSON beside it, and printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScenarioResult } from './run.ts';

const seconds = (ms: number | undefined) => (ms === undefined ? 'none' : `${(ms / 1000).toFixed(1)} s`);

function errorsCell(result: ScenarioResult): string {
  const kinds = Object.entries(result.errorsByKind).sort((a, b) => b[1] - a[1]);
  const text = kinds.map(([kind, n]) => `${kind} ×${n}`).join(', ') || 'none';
  return result.gaveUp ? `${text}; ${result.gaveUp} gave up` : text;
}

export function markdown(results: ScenarioResult[], note: string): string {
  const lines = [
    '# Eventix fault harness: results',
    '',
    note,
    '',
    '| scenario | bookings in flight | client-visible errors (retries included) | invariant violations | told ≠ outcome, untold | told ≠ outcome, notified | first booking after fault | recovery bound | met |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const v = r.verdict;
    lines.push(
      `| ${r.scenario} | ${r.bookingsInFlight} | ${errorsCell(r)} | ${v.violations.length + v.staleOutbox.length} | ${v.clients.untold.length} | ${v.clients.notified.length} | ${seconds(r.firstBookingAfterFaultMs)} | ${seconds(r.recoveryBoundMs)} | ${r.recoveredWithinBound ? 'yes' : 'no'} |`,
    );
  }
  lines.push('', '## Details', '');
  for (const r of results) {
    const v = r.verdict;
    lines.push(`### ${r.scenario}`, '', r.description, '');
    if (r.error) lines.push(`- harness: ${r.error}`);
    lines.push(`- settled: ${v.settled.settled ? 'yes' : 'no'} in ${seconds(v.settled.tookMs)}`);
    if (r.probeFailures.length) lines.push(`- the probe booking after the fault was first answered: ${r.probeFailures.join('; ')}`);
    for (const violation of v.violations) lines.push(`- violation ${violation.invariant}: ${violation.detail}`);
    for (const row of v.staleOutbox)
      lines.push(`- outbox: ${row.service} ${row.routingKey} ${row.id} waited ${seconds(row.ageMs)} after the fault was over`);
    for (const m of v.clients.untold)
      lines.push(`- client told ${m.told}, booking ${m.bookingId} (${m.plan}) ended ${m.ended}, no later notification`);
    for (const m of v.clients.notified) lines.push(`- told ${m.told}, booking ${m.bookingId} (${m.plan}) ended ${m.ended}; notified`);
    for (const b of v.clients.unknownBookings)
      lines.push(`- client never learnt of booking ${b.bookingId} (customer ${b.customerId}), which ended ${b.ended}`);
    const dead = Object.entries(v.deadLetters).filter(([, d]) => d.depth > 0);
    lines.push(`- dead-letter queues: ${dead.length ? '' : 'empty'}`);
    for (const [queue, d] of dead) {
      const shown = d.messages.map((m) => `${m.type ?? m.routingKey ?? '?'} ${m.messageId ?? '(no id)'} (${m.reason ?? '?'})`);
      lines.push(`  - ${queue}: ${d.depth}: ${shown.join('; ')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Writes `<path>` (Markdown) and the JSON beside it; `print` also prints the table. */
export function writeReport(path: string, results: ScenarioResult[], note: string, print: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = markdown(results, note);
  writeFileSync(path, `${text}\n`);
  writeFileSync(path.replace(/\.md$/, '.json'), `${JSON.stringify({ note, results }, null, 2)}\n`);
  if (!print) return;
  console.log(text.split('\n## Details')[0]);
  console.log(`(details in ${path})`);
}
