import type { ChannelStatus } from '../snapshot.js';
import { clock } from './format-text.js';
import type { ScenarioReport } from './report.js';

/** What a status band shows: the snapshot's status, or `closed` when an operational channel is shut. */
type Shown = ChannelStatus | 'closed';

/**
 * Two palettes that never share a colour: status in the Statuspage colours (green to red),
 * outcomes in Paul Tol's muted scheme (https://personal.sron.nl/~pault/#sec:qualitative).
 * Each also has its own pattern and a legend in words, so no meaning rests on colour alone.
 */
const STATUS: Record<Shown, { colour: string; pattern?: Pattern; label: string }> = {
  operational: { colour: '#2e7d32', label: 'operational' },
  degraded_performance: { colour: '#f9a825', pattern: 'stripes', label: 'degraded performance' },
  partial_outage: { colour: '#ef6c00', pattern: 'dots', label: 'partial outage' },
  major_outage: { colour: '#c62828', pattern: 'cross', label: 'major outage' },
  under_maintenance: { colour: '#1565c0', pattern: 'rows', label: 'under maintenance' },
  closed: { colour: '#9e9e9e', pattern: 'hatch', label: 'closed (opening hours)' },
};

export const OUTCOMES = {
  servedFirstRoute: { colour: '#332288', label: 'served, first route' },
  servedFirstClosed: { colour: '#e8e8e8', pattern: 'hatch', label: 'served, first route closed' },
  servedDegraded: { colour: '#88ccee', pattern: 'stripes', label: 'served, degraded' },
  referred: { colour: '#ddcc77', pattern: 'dots', label: 'referred' },
  uncertain: { colour: '#882255', pattern: 'cross', label: 'uncertain' },
} as const satisfies Record<string, { colour: string; pattern?: Pattern; label: string }>;

type Pattern = 'stripes' | 'dots' | 'cross' | 'rows' | 'hatch';

const PATTERNS: Record<Pattern, string> = {
  stripes: '<path d="M0 6L6 0" stroke="#000" stroke-opacity=".45" stroke-width="1.2"/>',
  dots: '<circle cx="3" cy="3" r="1.1" fill="#000" fill-opacity=".5"/>',
  cross: '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-opacity=".7" stroke-width="1"/>',
  rows: '<path d="M0 3H6" stroke="#fff" stroke-opacity=".7" stroke-width="1.2"/>',
  hatch: '<path d="M0 0L6 6" stroke="#000" stroke-opacity=".5" stroke-width="1.2"/>',
};

export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Rounded so that the same report prints the same bytes on every platform. */
const n = (x: number) => String(Math.round(x * 10) / 10);

/** A filled rectangle with a tooltip, and its pattern on top when it has one. */
function box(x: number, y: number, w: number, h: number, fill: { colour: string; pattern?: Pattern }, title: string) {
  const at = `x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"`;
  const base = `<rect ${at} fill="${fill.colour}"><title>${esc(title)}</title></rect>`;
  return fill.pattern ? `${base}\n<rect ${at} fill="url(#p-${fill.pattern})" pointer-events="none"/>` : base;
}

/** The band of one channel: its status changes, with `closed` where it was operational but shut. */
function bands(report: ScenarioReport, ch: string): { from: number; to: number; shown: Shown }[] {
  const start = Date.parse(report.scenario.start);
  const end = Date.parse(report.scenario.end);
  const changes = report.channels[ch] ?? [];
  const closed = (report.closed?.[ch] ?? []).map((s) => [Date.parse(s.from), Date.parse(s.to)] as const);
  const cuts = [
    ...new Set([start, end, ...changes.map((c) => Date.parse(c.at)), ...closed.flat()].filter((t) => t >= start)),
  ]
    .filter((t) => t <= end)
    .sort((a, b) => a - b);
  const out: { from: number; to: number; shown: Shown }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i] as number;
    const to = cuts[i + 1] as number;
    const status = changes.filter((c) => Date.parse(c.at) <= from).at(-1)?.status ?? 'operational';
    const shut = closed.some(([a, b]) => a <= from && to <= b);
    const shown: Shown = status === 'operational' && shut ? 'closed' : status;
    const last = out.at(-1);
    if (last?.shown === shown) last.to = to;
    else out.push({ from, to, shown });
  }
  return out;
}

/**
 * One SVG, drawn narrow (420 units) so that it scales down to a phone with labels still
 * readable; the page makes its text smaller where the chart is drawn wide. Above, each
 * channel's status over time; below, one stacked bar per time bucket; dashed lines and numbers
 * mark the timeline's events; a legend in words, with each colour's pattern.
 */
export function chartSvg(report: ScenarioReport): string {
  const at = clock(report);
  const start = Date.parse(report.scenario.start);
  const end = Date.parse(report.scenario.end);
  const channels = Object.keys(report.channels);
  const width = 420;
  const left = 112;
  const plot = width - left - 8;
  const rowH = 18;
  const top0 = 40;
  const barsTop = top0 + channels.length * rowH + 40;
  const barsH = 140;
  const axisY = barsTop + barsH;
  const legendTop = axisY + 48;
  const height = legendTop + 7 * 17 + 4;
  const x = (t: number) => left + ((t - start) / (end - start)) * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="chart-title">${esc(`${report.scenario.title}: channel status over time, and outcomes per ${report.scenario.bucketMinutes}-minute bucket`)}</title>`,
    `<defs>${Object.entries(PATTERNS)
      .map(([id, p]) => `<pattern id="p-${id}" width="6" height="6" patternUnits="userSpaceOnUse">${p}</pattern>`)
      .join('')}</defs>`,
    `<text x="0" y="16" font-weight="bold">Channel status</text>`,
  ];
  channels.forEach((ch, i) => {
    const y = top0 + i * rowH;
    parts.push(`<text x="${left - 6}" y="${n(y + rowH - 5)}" text-anchor="end">${esc(ch)}</text>`);
    for (const b of bands(report, ch)) {
      const what = b.shown === 'closed' ? 'closed (opening hours)' : b.shown;
      const title = `${ch}: ${what} from ${at(new Date(b.from).toISOString(), true)}${b.to < end ? ` to ${at(new Date(b.to).toISOString(), true)}` : ''}`;
      parts.push(box(x(b.from), y + 3, Math.max(0.5, x(b.to) - x(b.from)), rowH - 6, STATUS[b.shown], title));
    }
  });

  const max = Math.max(1, ...report.buckets.map((b) => b.all.requests));
  parts.push(`<text x="0" y="${barsTop - 12}" font-weight="bold">People per bucket (max ${max})</text>`);
  const keys = Object.keys(OUTCOMES) as (keyof typeof OUTCOMES)[];
  for (const b of report.buckets) {
    const x0 = x(Date.parse(b.start));
    const w = Math.max(0.5, x(Date.parse(b.end)) - x0 - 1);
    let y = axisY;
    for (const k of keys) {
      const count = b.all[k] ?? 0;
      if (!count) continue;
      const h = (count / max) * barsH;
      y -= h;
      parts.push(
        box(
          x0 + 0.5,
          y,
          w,
          h,
          OUTCOMES[k],
          `${at(b.start)}–${at(b.end)}: ${count} ${OUTCOMES[k].label} of ${b.all.requests}`,
        ),
      );
    }
  }
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + plot}" y2="${axisY}" stroke="#333"/>`);
  // Ticks at bucket starts, thinned so that labels (about 7 units a character) never overlap.
  const labelW = Math.max(...report.buckets.map((b) => at(b.start).length)) * 7 + 10;
  const every = Math.max(1, Math.ceil((report.buckets.length * labelW) / plot));
  report.buckets.forEach((b, i) => {
    if (i % every) return;
    const tx = x(Date.parse(b.start));
    parts.push(
      `<line x1="${n(tx)}" y1="${axisY}" x2="${n(tx)}" y2="${axisY + 4}" stroke="#333"/>`,
      `<text x="${n(tx)}" y="${axisY + 17}" text-anchor="middle">${esc(at(b.start))}</text>`,
    );
  });
  // Events too close in time to number apart share one label: "2–4".
  const groups: { x: number; first: number; last: number }[] = [];
  report.timeline.forEach((m, i) => {
    const mx = x(Date.parse(m.at));
    parts.push(
      `<line x1="${n(mx)}" y1="${top0 - 4}" x2="${n(mx)}" y2="${axisY}" stroke="#000" stroke-dasharray="3 3" opacity="0.6"><title>${esc(m.label)}</title></line>`,
    );
    const last = groups.at(-1);
    if (last && mx - last.x < 24) last.last = i + 1;
    else groups.push({ x: mx, first: i + 1, last: i + 1 });
  });
  for (const g of groups) {
    const label = g.first === g.last ? String(g.first) : `${g.first}–${g.last}`;
    parts.push(`<text x="${n(g.x)}" y="${top0 - 8}" text-anchor="middle" font-weight="bold">${label}</text>`);
  }

  // The legend: status on the left, outcomes on the right, one entry a line.
  const legend = (lx: number, heading: string, entries: { colour: string; pattern?: Pattern; label: string }[]) => {
    parts.push(`<text x="${lx}" y="${legendTop}" font-weight="bold">${heading}</text>`);
    entries.forEach((e, i) => {
      const ly = legendTop + 17 * (i + 1);
      parts.push(box(lx, ly - 10, 12, 12, e, e.label), `<text x="${lx + 17}" y="${ly}">${esc(e.label)}</text>`);
    });
  };
  legend(0, 'Status', Object.values(STATUS));
  legend(width / 2, 'Outcome', Object.values(OUTCOMES));
  parts.push('</svg>');
  return parts.join('\n');
}
