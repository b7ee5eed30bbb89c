import type { ClosedSpan, Counts, FailureReport, ScenarioReport } from './report.js';

/** Clock times in the scenario's zone; with the day when the scenario spans several days. */
export function clock(report: ScenarioReport): (iso: string, seconds?: boolean) => string {
  const { timeZone, start, end } = report.scenario;
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const oneDay = day.format(Date.parse(start)) === day.format(Date.parse(end) - 1);
  const withDay = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric' });
  const hm = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const hms = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (iso, seconds = false) => {
    const t = Date.parse(iso);
    const time = (seconds ? hms : hm).format(t);
    return oneDay ? time : `${withDay.format(t)} ${time}`;
  };
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)} %`;
}

export function duration(ms: number): string {
  // Truncated like the clock times printed next to it.
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function top(record: Record<string, number>, n = 4): string {
  const entries = Object.entries(record).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const shown = entries.slice(0, n).map(([k, v]) => `${k} ${v}`);
  if (entries.length > n) shown.push('…');
  return shown.join(', ');
}

/** The line under the title, the same in the text and the HTML report. */
export function metaLine(report: ScenarioReport, at: (iso: string) => string): string {
  const s = report.scenario;
  return `${s.name} · catalogue ${s.catalog} · ${at(s.start)} to ${at(s.end)} ${s.timeZone} (${s.start.slice(0, 10)}) · buckets of ${s.bucketMinutes} min · seed ${s.seed}`;
}

/** The seven numbers of a row of counts, the same in the text and the HTML tables. */
export function countCells(c: Counts): (string | number)[] {
  return [
    c.requests,
    c.servedFirstRoute,
    c.servedFirstClosed,
    c.servedDegraded,
    c.referred,
    c.uncertain,
    percent(c.withOpenAlternative, c.referred + c.uncertain),
  ];
}

export function failureLine(f: FailureReport, at: (iso: string, seconds?: boolean) => string): string {
  const what = f.kind === 'outage' ? `declared ${f.what}` : `chaos ${f.what}`;
  const parts = [
    `${f.target} (${what}; ${f.channels.join(', ')}) from ${at(f.from)}${f.until ? ` until ${at(f.until)}` : ', still on at the end'}`,
  ];
  parts.push(
    f.detectedAt !== undefined && f.detectAfterMs !== undefined
      ? `detected at ${at(f.detectedAt, true)} (after ${duration(f.detectAfterMs)})`
      : 'never seen as down by a request',
  );
  if (f.until) {
    parts.push(
      f.recoveredAt !== undefined && f.recoverAfterMs !== undefined
        ? `served again at ${at(f.recoveredAt, true)} (${duration(f.recoverAfterMs)} after it ended)`
        : 'not served again before the end',
    );
  }
  return parts.join('; ');
}

/** "08:00–09:00, 12:00–14:00": when a channel was simply closed. */
export function closedLine(spans: readonly ClosedSpan[], at: (iso: string) => string): string {
  return spans.map((x) => `${at(x.from)}–${at(x.to)}`).join(', ');
}

function row(cells: (string | number)[], widths: number[]): string {
  return cells
    .map((c, i) => (i === 0 ? String(c).padEnd(widths[i] as number) : String(c).padStart(widths[i] as number)))
    .join('  ')
    .trimEnd();
}

const HEAD = ['', 'requests', 'first route', 'first closed', 'degraded', 'referred', 'uncertain', 'open alt.'];

/** The report as plain text, for a terminal or a CI log. */
export function formatText(report: ScenarioReport): string {
  const at = clock(report);
  const s = report.scenario;
  const out: string[] = [];
  out.push(`secours simulate — ${s.title}`);
  out.push(metaLine(report, at));
  if (s.description) out.push('', s.description);

  out.push('', 'Timeline');
  for (const m of report.timeline) out.push(`  ${m.label}`);

  const a = report.all;
  const notServed = a.referred + a.uncertain;
  out.push('', 'Overall');
  out.push(
    `  ${a.requests} requests: ${a.servedFirstRoute} served on the first route (${percent(a.servedFirstRoute, a.requests)}), ${a.servedFirstClosed} served elsewhere while the first route was closed (${percent(a.servedFirstClosed, a.requests)}), ${a.servedDegraded} served degraded (${percent(a.servedDegraded, a.requests)}), ${a.referred} referred (${percent(a.referred, a.requests)}), ${a.uncertain} uncertain (${percent(a.uncertain, a.requests)})`,
  );
  out.push(
    `  given at least one open alternative: ${a.withOpenAlternative} of the ${notServed} people not served (${percent(a.withOpenAlternative, notServed)})`,
  );

  const opNames = Object.keys(report.operations);
  const w1 = Math.max(24, ...opNames.map((n) => n.length));
  const widths = [w1, 8, 11, 12, 8, 8, 9, 9];
  out.push('', 'Per operation');
  out.push(`  ${row(HEAD, widths)}`);
  for (const op of opNames) out.push(`  ${row([op, ...countCells(report.operations[op] as Counts)], widths)}`);
  for (const op of opNames) {
    const c = report.operations[op] as Counts;
    const served = top(c.servedBy);
    const offered = top(c.offered);
    out.push(`  ${op}: served by ${served || 'none'}; offered ${offered || 'nothing'}`);
  }

  out.push('', 'Per bucket (all operations)');
  out.push(`  ${row(['', ...HEAD.slice(1)], widths)}`);
  for (const b of report.buckets) out.push(`  ${row([`${at(b.start)}–${at(b.end)}`, ...countCells(b.all)], widths)}`);

  out.push('', 'Failures');
  if (report.failures.length === 0) out.push('  none');
  for (const f of report.failures) out.push(`  ${failureLine(f, at)}`);

  out.push('', 'Channel status changes');
  for (const [ch, list] of Object.entries(report.channels)) {
    if (list.length <= 1) continue;
    out.push(`  ${ch}: ${list.map((x) => `${at(x.at, true)} ${x.status}`).join(' → ')}`);
  }
  const closed = Object.entries(report.closed ?? {});
  if (closed.length) out.push('', 'Closed (opening hours, not a failure)');
  for (const [ch, spans] of closed) out.push(`  ${ch}: ${closedLine(spans, at)}`);
  return `${out.join('\n')}\n`;
}
