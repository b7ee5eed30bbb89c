// The real OpenTelemetry SDK, in memory: a MeterProvider read by a MetricReader we collect from
// (no export timer), a BasicTracerProvider with an InMemorySpanExporter behind a
// SimpleSpanProcessor, and the readable form of a trace the tests and the example script print.
import type { Attributes, HrTime } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader that exports nothing by itself: the test asks for a collection when it wants one. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Point {
  readonly attributes: Attributes;
  readonly value: DataPoint<unknown>['value'];
}

export interface OtelSdk {
  readonly meterProvider: MeterProvider;
  readonly tracerProvider: BasicTracerProvider;
  readonly exporter: InMemorySpanExporter;
  /** The data points of one metric at a collection now (empty when it has none). */
  points(name: string): Promise<Point[]>;
  /** Every metric name the collection holds. */
  names(): Promise<string[]>;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

export function otelSdk(extraProcessors: SpanProcessor[] = []): OtelSdk {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter), ...extraProcessors],
  });
  const collect = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`collection errors: ${errors.map(String).join(', ')}`);
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  };
  return {
    meterProvider,
    tracerProvider,
    exporter,
    async points(name) {
      const metric = (await collect()).find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
    },
    async names() {
      return (await collect()).map((m) => m.descriptor.name);
    },
    spans: () => exporter.getFinishedSpans(),
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

/** The value of the point whose attributes are exactly `attributes`, if there is one. */
export function valueAt(points: readonly Point[], attributes: Attributes): unknown {
  const key = JSON.stringify(Object.entries(attributes).sort());
  return points.find((p) => JSON.stringify(Object.entries(p.attributes).sort()) === key)?.value;
}

export const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
export const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

const ms = (t: HrTime) => t[0] * 1e3 + t[1] / 1e6;
const STATUS = ['UNSET', 'OK', 'ERROR'];

/**
 * Spans as a tree, one span a line (name and status), then its attributes and events; children
 * indented under their parent, in start order. No ids, times or durations: the text is the same
 * from run to run.
 */
export function describeTrace(spans: readonly ReadableSpan[]): string {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map(idOf));
  for (const span of [...spans].sort((a, b) => ms(a.startTime) - ms(b.startTime))) {
    // A parent outside the set (the caller's request span) reads as a root.
    const parent = ids.has(parentOf(span) ?? '') ? parentOf(span) : undefined;
    const siblings = byParent.get(parent);
    if (siblings) siblings.push(span);
    else byParent.set(parent, [span]);
  }
  const lines: string[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of byParent.get(parent) ?? []) {
      const pad = '  '.repeat(depth);
      const status =
        span.status.code === SpanStatusCode.UNSET
          ? 'UNSET'
          : `${STATUS[span.status.code]}${span.status.message ? ` "${span.status.message}"` : ''}`;
      lines.push(`${pad}${span.name}  [${status}]`);
      for (const [key, value] of Object.entries(span.attributes))
        lines.push(`${pad}    ${key} = ${JSON.stringify(value)}`);
      for (const event of span.events) {
        const type = event.attributes?.['exception.type'];
        const message = event.attributes?.['exception.message'];
        lines.push(`${pad}    event ${event.name}${type ? ` ${type}` : ''}${message ? `: ${message}` : ''}`);
      }
      visit(idOf(span), depth + 1);
    }
  };
  visit(undefined, 0);
  return lines.join('\n');
}
