import type { ChannelStatus } from '../snapshot.js';
import { clock, countCells, duration, failureLine, metaLine, percent, top } from './format-text.js';
import type { Counts, ScenarioReport } from './report.js';

const STATUS_COLOURS: Record<ChannelStatus, string> = {
  operational: '#2e7d32',
  degraded_performance: '#f9a825',
  partial_outage: '#ef6c00',
  major_outage: '#c62828',
  under_maintenance: '#1565c0',
};

const OUTCOME_COLOURS = {
  servedFirstRoute: '#2e7d32',
  servedDegraded: '#8bc34a',
  referred: '#ffb300',
  uncertain: '#c62828',
} as const;

const OUTCOME_LABELS = {
  servedFirstRoute: 'served, first route',
  servedDegraded: 'served, degraded',
  referred: 'referred',
  uncertain: 'uncertain',
} as const;

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Rounded so that the same report prints the same bytes on every platform. */
const n = (x: number) => String(Math.round(x * 10) / 10);

/**
 * One SVG: above, each channel's status over time (a band per channel, coloured by status);
 * below, one stacked bar per time bucket (served on the first route, served degraded, referred,
 * uncertain); dashed lines and numbers mark the timeline's events.
 */
export function chartSvg(report: ScenarioReport): string {
  const at = clock(report);
  const start = Date.parse(report.scenario.start);
  const end = Date.parse(report.scenario.end);
  const channels = Object.keys(report.channels);
  const left = 150;
  const width = 960;
  const plot = width - left - 20;
  const rowH = 16;
  const top0 = 30;
  const bandsH = channels.length * rowH;
  const barsTop = top0 + bandsH + 30;
  const barsH = 160;
  const axisY = barsTop + barsH;
  const height = axisY + 80;
  const x = (t: number) => left + ((t - start) / (end - start)) * plot;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" font-size="11">`,
    `<title id="chart-title">${esc(`${report.scenario.title}: channel status over time, and outcomes per ${report.scenario.bucketMinutes}-minute bucket`)}</title>`,
    `<text x="${left}" y="18" font-weight="bold">Channel status</text>`,
  );
  channels.forEach((ch, i) => {
    const y = top0 + i * rowH;
    parts.push(`<text x="${left - 6}" y="${n(y + rowH - 4)}" text-anchor="end">${esc(ch)}</text>`);
    const list = report.channels[ch] ?? [];
    list.forEach((seg, k) => {
      const from = Math.max(start, Date.parse(seg.at));
      const next = list[k + 1];
      const to = next ? Date.parse(next.at) : end;
      if (to <= from) return;
      parts.push(
        `<rect x="${n(x(from))}" y="${y + 2}" width="${n(Math.max(0.5, x(to) - x(from)))}" height="${rowH - 4}" fill="${STATUS_COLOURS[seg.status]}"><title>${esc(`${ch}: ${seg.status} from ${at(seg.at, true)}${next ? ` to ${at(next.at, true)}` : ''}`)}</title></rect>`,
      );
    });
  });

  const max = Math.max(1, ...report.buckets.map((b) => b.all.requests));
  parts.push(`<text x="${left}" y="${barsTop - 8}" font-weight="bold">People per bucket (max ${max})</text>`);
  const keys = Object.keys(OUTCOME_COLOURS) as (keyof typeof OUTCOME_COLOURS)[];
  for (const b of report.buckets) {
    const x0 = x(Date.parse(b.start));
    const w = Math.max(1, x(Date.parse(b.end)) - x0 - 2);
    let y = axisY;
    for (const k of keys) {
      const count = b.all[k as keyof Counts] as number;
      if (!count) continue;
      const h = (count / max) * barsH;
      y -= h;
      parts.push(
        `<rect x="${n(x0 + 1)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${OUTCOME_COLOURS[k]}"><title>${esc(`${at(b.start)}–${at(b.end)}: ${count} ${OUTCOME_LABELS[k]} of ${b.all.requests}`)}</title></rect>`,
      );
    }
  }
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + plot}" y2="${axisY}" stroke="#333"/>`);
  // Ticks at bucket starts, thinned so labels do not overlap.
  const every = Math.max(1, Math.ceil((report.buckets.length * 60) / plot));
  report.buckets.forEach((b, i) => {
    if (i % every) return;
    const tx = x(Date.parse(b.start));
    parts.push(
      `<line x1="${n(tx)}" y1="${axisY}" x2="${n(tx)}" y2="${axisY + 4}" stroke="#333"/>`,
      `<text x="${n(tx)}" y="${axisY + 15}" text-anchor="middle">${esc(at(b.start))}</text>`,
    );
  });
  report.timeline.forEach((m, i) => {
    const mx = x(Date.parse(m.at));
    parts.push(
      `<line x1="${n(mx)}" y1="${top0 - 4}" x2="${n(mx)}" y2="${axisY}" stroke="#000" stroke-dasharray="3 3" opacity="0.6"><title>${esc(m.label)}</title></line>`,
      `<text x="${n(mx)}" y="${top0 - 6}" text-anchor="middle" font-weight="bold">${i + 1}</text>`,
    );
  });

  let lx = left;
  const ly = axisY + 40;
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) {
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${colour}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly}">${status}</text>`);
    lx += 14 + status.length * 6.5 + 12;
  }
  lx = left;
  for (const k of keys) {
    parts.push(`<rect x="${lx}" y="${ly + 9}" width="10" height="10" fill="${OUTCOME_COLOURS[k]}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly + 18}">${OUTCOME_LABELS[k]}</text>`);
    lx += 14 + OUTCOME_LABELS[k].length * 6.5 + 12;
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function countsRow(label: string, c: Counts, extra: string[] = []): string {
  const cells = countCells(c).map((v) => `<td class="num">${esc(String(v))}</td>`);
  return `<tr><th scope="row">${esc(label)}</th>${cells.join('')}${extra.map((e) => `<td>${esc(e)}</td>`).join('')}</tr>`;
}

const HEAD =
  '<th scope="col">requests</th><th scope="col">first route</th><th scope="col">degraded</th><th scope="col">referred</th><th scope="col">uncertain</th><th scope="col">open alternative</th>';

/** A self-contained page (no script, no outside resource): the chart, then the tables. */
export function formatHtml(report: ScenarioReport): string {
  const at = clock(report);
  const s = report.scenario;
  const a = report.all;
  const notServed = a.referred + a.uncertain;
  const ops = Object.entries(report.operations)
    .map(([op, c]) => countsRow(op, c, [top(c.servedBy) || '–', top(c.offered) || '–']))
    .join('\n');
  const buckets = report.buckets.map((b) => countsRow(`${at(b.start)}–${at(b.end)}`, b.all)).join('\n');
  const failures = report.failures.map((f) => `<li>${esc(failureLine(f, at))}</li>`).join('\n');
  const marks = report.timeline.map((m) => `<li>${esc(m.label)}</li>`).join('\n');
  const sources = s.sources.map((x) => `<li>${esc(x)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${s.title} — secours simulate`)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; } svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${esc(s.title)}</h1>
<p class="meta">${esc(metaLine(report, at))}</p>
${s.description ? `<p>${esc(s.description)}</p>` : ''}
<figure>
${chartSvg(report)}
<figcaption>Numbered lines: the events of the timeline below.</figcaption>
</figure>
<h2>Timeline</h2>
<ol>
${marks}
</ol>
<h2>Overall</h2>
<p>${esc(`${a.requests} requests: ${a.servedFirstRoute} served on the first route (${percent(a.servedFirstRoute, a.requests)}), ${a.servedDegraded} served degraded, ${a.referred} referred, ${a.uncertain} uncertain. Given at least one open alternative: ${a.withOpenAlternative} of the ${notServed} people not served (${percent(a.withOpenAlternative, notServed)}).`)}</p>
<h2>Failures</h2>
<ul>
${failures || '<li>none</li>'}
</ul>
<h2>Per operation</h2>
<table>
<thead><tr><th scope="col">operation</th>${HEAD}<th scope="col">served by</th><th scope="col">offered</th></tr></thead>
<tbody>
${ops}
</tbody>
</table>
<h2>Per bucket</h2>
<table>
<thead><tr><th scope="col">time</th>${HEAD}</tr></thead>
<tbody>
${buckets}
</tbody>
</table>
${sources ? `<h2>Sources</h2>\n<ul>\n${sources}\n</ul>` : ''}
<p class="meta">Generated by secours simulate from the scenario and the seed alone: the same seed gives the same page. ${esc(duration(Date.parse(s.end) - Date.parse(s.start)))} of virtual time.</p>
</body>
</html>
`;
}
