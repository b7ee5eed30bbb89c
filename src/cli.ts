#!/usr/bin/env node
/**
 * The `secours` command.
 *
 *   secours simulate <name|file.json> [--seed N] [--format text|json|html] [--out FILE]
 *   secours validate <catalogue.json | scenario.json> [--scenario]
 *
 * Exit codes: 0 done, 1 the input has problems (each printed with its path), 2 wrong usage or
 * a file that cannot be read or written.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCatalog } from './catalog.js';
import { ConfigError, issueLines } from './errors.js';
import { parseScenario } from './testing/scenario.js';
import { issueCount } from './validate.js';

const USAGE = `Usage:
  secours simulate <name|file.json> [--seed N] [--format text|json|html] [--out FILE]
      Replays a scenario in virtual time and prints its report (to FILE with --out).
      Named scenarios: counters-2018-04-09, transfers-2022-09-15, ddos-2025-12, laposte-fr-2024-02-06
  secours validate <catalogue.json | scenario.json> [--scenario]
      Checks a catalogue, or a scenario (told by --scenario, its $schema or its shape), and
      prints every problem with its path.
  secours --help
`;

class UsageError extends Error {}

function problems(what: string, error: ConfigError): string {
  const count = issueCount(error.issues);
  return `${what}: ${count} problem${count === 1 ? '' : 's'}\n${issueLines(error.issues)}\n`;
}

/**
 * Past this a file is no catalogue or scenario (they are bounded at 100,000 values): reading
 * stops there, so a pipe, a device or a log file given by mistake is never held whole.
 */
const MAX_FILE_MB = 32;

/**
 * The file's text, read once (a pipe such as `<(…)` cannot be read twice) and at most
 * `MAX_FILE_MB`. Bytes that are not UTF-8 are a problem of the file, not letters to replace
 * with U+FFFD (a Latin-1 "é" would reach people as "�"); a leading byte order mark is dropped,
 * as RFC 8259 §8.1 (https://www.rfc-editor.org/rfc/rfc8259#section-8.1) allows.
 */
function read(file: string): string {
  const cannot = (error: unknown) =>
    new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw cannot(error);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      size += n;
      if (size > MAX_FILE_MB * 1024 * 1024) {
        throw new ConfigError(file, [
          { path: '', message: `larger than ${MAX_FILE_MB} MB: no catalogue or scenario is that large` },
        ]);
      }
      chunks.push(chunk.subarray(0, n));
    }
  } catch (error) {
    throw error instanceof ConfigError ? error : cannot(error);
  } finally {
    closeSync(fd);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    throw new ConfigError(file, [{ path: '', message: 'not valid UTF-8: save the file as UTF-8' }]);
  }
}

/** A scenario file; a name that is no file may be a misspelt named scenario, so both are said. */
function readScenarioFile(source: string, testing: { scenarios: Record<string, unknown> }): string {
  try {
    return read(source);
  } catch (error) {
    if (!(error instanceof UsageError) || source.endsWith('.json')) throw error;
    const names = Object.keys(testing.scenarios).join(', ');
    throw new UsageError(`${error.message}, and no scenario is named \`${source}\` (named scenarios: ${names})`);
  }
}

function validate(args: string[]): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { scenario: { type: 'boolean' } },
  });
  const [file, extra] = positionals;
  if (!file || extra !== undefined) throw new UsageError('validate takes one catalogue or scenario file');
  try {
    const text = read(file);
    if (values.scenario || isScenarioText(text)) {
      const s = parseScenario(text);
      process.stdout.write(
        `✔ ${file}: scenario ${s.name}, catalogue ${s.catalogName}, ${s.timeline.length} events, ${Object.keys(s.traffic.perMinute).length} operations with traffic\n`,
      );
      return 0;
    }
    const catalog = parseCatalog(text);
    process.stdout.write(
      `✔ ${file}: ${Object.keys(catalog.channels).length} channels, ${Object.keys(catalog.operations).length} operations\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stdout.write(problems(file, error));
    return 1;
  }
}

/**
 * A scenario rather than a catalogue: its `$schema` names the scenario schema, or it has a
 * timeline or traffic and no channels. Text that is not JSON goes to the catalogue check, which
 * says why.
 */
function isScenarioText(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const schema = Object.hasOwn(value, '$schema') ? (value as { $schema: unknown }).$schema : undefined;
  if (typeof schema === 'string') return /scenario(\.schema)?\.json$/.test(schema);
  return (Object.hasOwn(value, 'timeline') || Object.hasOwn(value, 'traffic')) && !Object.hasOwn(value, 'channels');
}

/** A bar that redraws one line of a terminal. */
function progressBar(stream: NodeJS.WriteStream, title: string) {
  return {
    update(done: number, total: number) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(`\r${title} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    },
    end() {
      stream.write('\r\x1b[2K');
    },
  };
}

async function simulate(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
    },
  });
  const [source, extra] = positionals;
  if (!source || extra !== undefined) throw new UsageError('simulate takes one scenario: a name or a JSON file');
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'html') {
    throw new UsageError(`--format must be text, json or html, not ${JSON.stringify(format)}`);
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    if (!/^-?\d+$/.test(values.seed) || !Number.isSafeInteger(Number(values.seed))) {
      throw new UsageError(`--seed must be an integer, not ${JSON.stringify(values.seed)}`);
    }
    seed = Number(values.seed);
  }

  // Loaded here, not at the top: `validate` must work without the optional peer dependency.
  let testing: typeof import('./testing/index.js');
  try {
    testing = await import('./testing/index.js');
  } catch (error) {
    if (String((error as Error).message).includes('@sinonjs/fake-timers')) {
      throw new UsageError(
        'secours simulate needs @sinonjs/fake-timers (an optional peer dependency): npm install --save-dev @sinonjs/fake-timers',
      );
    }
    throw error;
  }
  const input = Object.hasOwn(testing.scenarios, source)
    ? testing.scenarios[source]
    : readScenarioFile(source, testing);
  let scenario: ReturnType<typeof testing.parseScenario>;
  try {
    scenario = testing.parseScenario(input);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stdout.write(problems(source, error));
    return 1;
  }
  const bar = process.stderr.isTTY ? progressBar(process.stderr, scenario.name) : undefined;
  const report = await testing.runScenario(scenario, {
    ...(seed === undefined ? {} : { seed }),
    ...(bar ? { onProgress: bar.update } : {}),
  });
  bar?.end();
  let text =
    format === 'json'
      ? testing.formatJson(report)
      : format === 'html'
        ? testing.formatHtml(report)
        : testing.formatText(report);
  if (format === 'text' && scenario.probes.length > 0) {
    // The same scenario and seed without its probes: what they change.
    const without = await testing.runScenario(scenario, { ...(seed === undefined ? {} : { seed }), probes: false });
    text += `\n${testing.formatProbeComparison(report, without, scenario.probes)}`;
  }
  if (values.out) {
    try {
      writeFileSync(values.out, text);
    } catch (error) {
      throw new UsageError(`cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    process.stderr.write(`${scenario.name}: ${format} report written to ${values.out}\n`);
  } else process.stdout.write(text);
  return 0;
}

/**
 * node's message for an unknown option ends with a hint to pass it after `--` as a positional
 * argument, which secours never takes: following it only trades one error for another.
 */
function usageMessage(error: Error): string {
  if ((error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return error.message;
  const option = /'([^']+)'/.exec(error.message)?.[1];
  return option ? `unknown option ${option}` : error.message;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'simulate') return await simulate(rest);
    if (command === 'validate') return validate(rest);
    if (command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
  } catch (error) {
    // parseArgs throws TypeErrors with a code for unknown options.
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    process.stderr.write(`secours: ${usageMessage(error as Error)}\n\n${USAGE}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`secours: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
