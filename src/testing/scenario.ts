/**
 * A scenario is data: a catalogue (or a preset's name), a timeline of what breaks and what an
 * operator declares, and a traffic model. JSON in, validated with zod (its shape in
 * scenario-schema.ts), then checked as a whole here, every problem reported with its path.
 */
import type { BreakerOptions } from '../breaker/options.js';
import { type AnyCatalog, isTimeZone, parseCatalog } from '../catalog.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Locale } from '../i18n/text.js';
import { type OutageInput, parseOutage } from '../outages.js';
import { fromJsonText, parseWith, unsafeObjects } from '../validate.js';
import { MAX_CALLS, MAX_SPAN_DAYS, PRESETS, type ScenarioEvent, scenarioSchema } from './scenario-schema.js';

export type { ScenarioEvent, ScenarioInput } from './scenario-schema.js';

/** A validated scenario, with its catalogue resolved and its times in epoch ms. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly sources: readonly string[];
  readonly catalog: AnyCatalog;
  /** The preset's name, or `custom`. */
  readonly catalogName: string;
  readonly start: number;
  readonly end: number;
  readonly timeZone: string;
  readonly bucketMs: number;
  readonly seed: number;
  readonly breaker: BreakerOptions;
  readonly automated: readonly string[];
  readonly latencyMs: number;
  readonly probes: readonly string[];
  readonly probe: { readonly intervalMs?: number; readonly timeoutMs?: number };
  readonly timeline: readonly (ScenarioEvent & { readonly time: number })[];
  readonly traffic: {
    readonly perMinute: Readonly<Record<string, number>>;
    readonly exclude: readonly string[];
    readonly profiles: readonly {
      readonly name: string;
      readonly share: number;
      readonly exclude: readonly string[];
    }[];
    readonly amounts: Readonly<Record<string, number>>;
    readonly locale: Locale;
  };
}

/**
 * Breakers for simulated traffic: people arrive seconds or minutes apart, not thousands a
 * second, so the statistics window is long and three failures in it are enough to open.
 */
const SCENARIO_BREAKER: BreakerOptions = {
  timeout: 10_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 3,
  resetTimeout: 10 * 60_000,
  rollingCountTimeout: 30 * 60_000,
  rollingCountBuckets: 6,
};

/** Validates a scenario (an object, or JSON text) against its schema and its catalogue. */
export function parseScenario(input: unknown): Scenario {
  const value = fromJsonText(input, 'scenario');
  const unsafe = unsafeObjects(value);
  const parsed = parseWith(scenarioSchema, value);
  if (!parsed.data || unsafe.length) throw new ConfigError('scenario', [...unsafe, ...parsed.issues]);
  const s = parsed.data;
  const issues: ConfigIssue[] = [];

  let catalog: AnyCatalog | undefined;
  let catalogName = 'custom';
  if (typeof s.catalog === 'string') {
    catalog = Object.hasOwn(PRESETS, s.catalog) ? PRESETS[s.catalog] : undefined;
    catalogName = s.catalog;
    if (!catalog) {
      issues.push({
        path: 'catalog',
        message: `unknown preset \`${s.catalog}\`; presets: ${Object.keys(PRESETS).join(', ')}`,
      });
    }
  } else {
    try {
      catalog = parseCatalog(s.catalog);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const i of error.issues) issues.push({ path: i.path ? `catalog.${i.path}` : 'catalog', message: i.message });
    }
  }
  const start = Date.parse(s.start);
  const end = Date.parse(s.end);
  if (end <= start) issues.push({ path: 'end', message: 'must be after `start`' });
  // A replay runs every minute and every call of the span in virtual time: past these bounds it
  // would not finish, and its memory would grow all along (a span of 8,000 years passed 3 GB).
  const minutes = (end - start) / 60_000;
  if (minutes > MAX_SPAN_DAYS * 1440) {
    issues.push({ path: 'end', message: `must be at most ${MAX_SPAN_DAYS} days after \`start\`` });
  } else if (end > start) {
    const perMinute = Object.values(s.traffic.perMinute).reduce((sum, n) => sum + n, 0);
    if (perMinute * minutes > MAX_CALLS) {
      issues.push({
        path: 'traffic.perMinute',
        message: `about ${Math.round(perMinute * minutes)} calls over the span; at most ${MAX_CALLS} can be replayed`,
      });
    }
  }
  const timeZone = s.timeZone ?? 'Europe/Paris';
  if (!isTimeZone(timeZone)) issues.push({ path: 'timeZone', message: `unknown IANA time zone \`${timeZone}\`` });
  if (!catalog) throw new ConfigError('scenario', issues);

  const channels = Object.keys(catalog.channels);
  const operations = catalog.operations as Record<string, { routes: readonly { channel: string }[] }>;
  const channelIssue = (path: string, ch: string) => {
    if (!Object.hasOwn(catalog.channels, ch)) {
      issues.push({ path, message: `unknown channel \`${ch}\`; known channels: ${channels.join(', ')}` });
      return false;
    }
    return true;
  };
  const automated =
    s.automated ??
    channels.filter((ch) => {
      const kind = (catalog.channels[ch] as { kind: string }).kind;
      return kind === 'digital' || kind === 'self-service';
    });
  s.automated?.forEach((ch, i) => {
    channelIssue(`automated[${i}]`, ch);
  });
  s.probes?.forEach((ch, i) => {
    if (channelIssue(`probes[${i}]`, ch) && !automated.includes(ch)) {
      issues.push({
        path: `probes[${i}]`,
        message: `\`${ch}\` has no simulated backend to probe (add it to \`automated\`)`,
      });
    }
  });

  const timeline = s.timeline.map((e, i) => {
    const time = Date.parse(e.at);
    if (time < start || time > end)
      issues.push({ path: `timeline[${i}].at`, message: 'must be between `start` and `end`' });
    if (e.do === 'declare-outage') {
      try {
        // Checked as the router will check it, at the moment it is declared.
        parseOutage(catalog, { from: e.at, ...(e.outage as object) } as OutageInput, time);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const x of error.issues) {
          issues.push({ path: `timeline[${i}].outage${x.path ? `.${x.path}` : ''}`, message: x.message });
        }
      }
    } else if (e.do !== 'end-outage') {
      if (channelIssue(`timeline[${i}].channel`, e.channel)) {
        if (!automated.includes(e.channel)) {
          issues.push({
            path: `timeline[${i}].channel`,
            message: `\`${e.channel}\` has no simulated backend (add it to \`automated\`, or declare an outage instead)`,
          });
        }
        if (e.operation !== undefined) {
          const op = Object.hasOwn(operations, e.operation) ? operations[e.operation] : undefined;
          if (!op) issues.push({ path: `timeline[${i}].operation`, message: `unknown operation \`${e.operation}\`` });
          else if (!op.routes.some((r) => r.channel === e.channel)) {
            issues.push({
              path: `timeline[${i}].channel`,
              message: `\`${e.operation}\` has no route on \`${e.channel}\``,
            });
          }
        }
      }
    }
    return Object.freeze({ ...e, time });
  });
  // Stable: events at the same instant keep the order they were written in.
  timeline.sort((a, b) => a.time - b.time);

  for (const op of Object.keys(s.traffic.perMinute)) {
    if (!Object.hasOwn(operations, op)) {
      issues.push({
        path: `traffic.perMinute.${op}`,
        message: `unknown operation \`${op}\`; known operations: ${Object.keys(operations).join(', ')}`,
      });
    }
  }
  for (const op of Object.keys(s.traffic.amounts ?? {})) {
    if (!Object.hasOwn(operations, op))
      issues.push({ path: `traffic.amounts.${op}`, message: `unknown operation \`${op}\`` });
  }
  s.traffic.exclude?.forEach((ch, i) => {
    channelIssue(`traffic.exclude[${i}]`, ch);
  });
  let shares = 0;
  s.traffic.profiles?.forEach((p, i) => {
    shares += p.share;
    p.exclude.forEach((ch, j) => {
      channelIssue(`traffic.profiles[${i}].exclude[${j}]`, ch);
    });
  });
  if (shares > 1 + 1e-9) issues.push({ path: 'traffic.profiles', message: `shares add up to ${shares}, more than 1` });
  if (issues.length) throw new ConfigError('scenario', issues);

  return Object.freeze({
    name: s.name,
    title: s.title,
    description: s.description,
    sources: Object.freeze(s.sources ?? []),
    catalog,
    catalogName,
    start,
    end,
    timeZone,
    bucketMs: (s.bucketMinutes ?? 60) * 60_000,
    seed: s.seed ?? 1,
    breaker: { ...SCENARIO_BREAKER, ...(s.breaker as BreakerOptions | undefined) },
    automated: Object.freeze(automated),
    latencyMs: s.latencyMs ?? 300,
    probes: Object.freeze([...new Set(s.probes ?? [])]),
    probe: Object.freeze({ ...(s.probe ?? {}) }),
    timeline: Object.freeze(timeline),
    traffic: Object.freeze({
      perMinute: Object.freeze({ ...s.traffic.perMinute }),
      exclude: Object.freeze(s.traffic.exclude ?? []),
      profiles: Object.freeze(s.traffic.profiles ?? []),
      amounts: Object.freeze({ ...(s.traffic.amounts ?? {}) }),
      locale: s.traffic.locale ?? 'en',
    }),
  });
}
