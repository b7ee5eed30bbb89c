// What probes change in a replay: each failure's detection and recovery, with and without them.
import { duration } from './format-text.js';
import type { FailureReport, ScenarioReport } from './report.js';

const after = (ms: number | undefined) => (ms === undefined ? 'never' : duration(ms));

/**
 * One line per failure: detected after (with probes / without), served again after (with /
 * without). The two reports are of the same scenario and seed, so their failures pair up.
 */
export function formatProbeComparison(
  withProbes: ScenarioReport,
  without: ScenarioReport,
  probes: readonly string[],
): string {
  const lines = [`Probes on ${probes.join(', ')}: detection and recovery, with probes / without`];
  withProbes.failures.forEach((f: FailureReport, i) => {
    const w = without.failures[i];
    const recovery =
      f.until === undefined ? '' : `; served again after ${after(f.recoverAfterMs)} / ${after(w?.recoverAfterMs)}`;
    lines.push(`  ${f.target}: detected after ${after(f.detectAfterMs)} / ${after(w?.detectAfterMs)}${recovery}`);
  });
  const u = (r: ScenarioReport) => r.all.uncertain;
  lines.push(`  uncertain outcomes: ${u(withProbes)} / ${u(without)}`);
  return `${lines.join('\n')}\n`;
}
