import { clock, closedLine, countCells, duration, failureLine, metaLine, percent, top } from './format-text.js';
import type { Counts, ScenarioReport } from './report.js';
import { chartSvg, esc } from './report-chart.js';

function countsRow(label: string, c: Counts, extra: string[] = []): string {
  const cells = countCells(c).map((v) => `<td class="num">${esc(String(v))}</td>`);
  return `<tr><th scope="row">${esc(label)}</th>${cells.join('')}${extra.map((e) => `<td>${esc(e)}</td>`).join('')}</tr>`;
}

const HEAD =
  '<th scope="col">requests</th><th scope="col">first route</th><th scope="col">first closed</th><th scope="col">degraded</th><th scope="col">referred</th><th scope="col">uncertain</th><th scope="col">open alternative</th>';

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
  // Shown as host and path, not as links: the page names no outside address (it stays
  // self-contained, and a printed copy reads the same); the JSON report has the full URLs.
  const sources = s.sources.map((x) => `<li><cite>${esc(x.replace(/^https?:\/\//, ''))}</cite></li>`).join('\n');
  const closed = Object.entries(report.closed ?? {});
  const statuses = Object.entries(report.channels)
    .filter(([ch, list]) => list.length > 1 || closed.some(([c]) => c === ch))
    .map(([ch, list]) => {
      const changes = list.map((x) => `${at(x.at, true)} ${x.status}`).join(' → ');
      const spans = report.closed?.[ch];
      const shut = spans?.length ? `; closed ${closedLine(spans, at)} (opening hours)` : '';
      return `<li><strong>${esc(ch)}</strong>: ${esc(changes)}${esc(shut)}</li>`;
    })
    .join('\n');
  /** A table that scrolls inside its own box on a narrow screen, never the page. */
  const table = (label: string, head: string, rows: string) =>
    `<div class="scroll" role="region" aria-label="${esc(label)}" tabindex="0">\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>\n</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${s.title} — secours simulate`)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1000px; padding: 0 1rem; color: #222; overflow-wrap: anywhere; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
figure { margin: 1rem 0; }
figure svg { display: block; width: 100%; max-width: 720px; height: auto; }
/* Drawn wide, the chart's text would be large: smaller units keep it near the body's size. */
@media (min-width: 700px) { figure svg text { font-size: 8px; } }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left; overflow-wrap: normal; }
th, td.num { white-space: nowrap; } td:not(.num) { min-width: 20em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; } .note { background: #f3f3f3; border-left: 4px solid #999; padding: .5rem .8rem; }
</style>
</head>
<body>
<h1>${esc(s.title)}</h1>
<p class="meta">${esc(metaLine(report, at))}</p>
${s.description ? `<p>${esc(s.description)}</p>` : ''}
<figure>
${chartSvg(report)}
<figcaption>Numbered lines: the events of the timeline below. Hover a band or a bar for its times and counts.</figcaption>
</figure>
${closed.length ? `<p class="note">Closed is not a failure: ${esc(closed.map(([ch, spans]) => `${ch} ${closedLine(spans, at)}`).join('; '))} (opening hours). People served elsewhere then count as “first closed”, not as degraded.</p>` : ''}
<h2>Timeline</h2>
<ol>
${marks}
</ol>
<h2>Overall</h2>
<p>${esc(`${a.requests} requests: ${a.servedFirstRoute} served on the first route (${percent(a.servedFirstRoute, a.requests)}), ${a.servedFirstClosed} served elsewhere while the first route was closed, ${a.servedDegraded} served degraded, ${a.referred} referred, ${a.uncertain} uncertain. Given at least one open alternative: ${a.withOpenAlternative} of the ${notServed} people not served (${percent(a.withOpenAlternative, notServed)}).`)}</p>
<h2>Failures</h2>
<ul>
${failures || '<li>none</li>'}
</ul>
<h2>Channel status</h2>
<ul>
${statuses || '<li>every channel operational and open throughout</li>'}
</ul>
<h2>Per operation</h2>
${table('Per operation', `<th scope="col">operation</th>${HEAD}<th scope="col">served by</th><th scope="col">offered</th>`, ops)}
<h2>Per bucket</h2>
${table('Per bucket', `<th scope="col">time</th>${HEAD}`, buckets)}
${sources ? `<h2>Sources</h2>\n<ul>\n${sources}\n</ul>` : ''}
<p class="meta">Generated by secours simulate from the scenario and the seed alone: the same seed gives the same page. ${esc(duration(Date.parse(s.end) - Date.parse(s.start)))} of virtual time.</p>
</body>
</html>
`;
}
