import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Span, type SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * What the user does, traced with OpenTelemetry's SDK and exported (OTLP/HTTP, protobuf) to
 * this origin's /api/telemetry/traces, which relays it to the cluster's OTLP endpoint: the
 * dashboard shows the browser's spans in the same traces as the cluster's. Nothing is traced
 * until start() has the server's sampling ratio; before that (and when the ratio is 0) every span
 * is a no-op. Contexts are passed explicitly (no zone.js): a span's parent is a span or a
 * traceparent.
 */

/** The service the relay accepts spans from (ClientTraceRelay.ServiceName on the server). */
export const serviceName = 'web-client';

/** A person asked to record every send (support: "my message took five seconds") can set this to 1. */
export const sampleRatioOverrideKey = 'chat.telemetry.sampleRatio';

let provider: TracerProvider | null = null;

/** The server's ratio, or this browser's override (a number in [0, 1]) when it has one. */
export function sampleRatio(serverRatio: number, override: string | null): number {
  const chosen = override === null || override.trim() === '' ? serverRatio : Number(override);
  return Number.isFinite(chosen) ? Math.min(1, Math.max(0, chosen)) : serverRatio;
}

/**
 * Starts tracing with the server's settings (once; later calls change nothing). A server ratio of
 * 0 means its relay cannot forward spans: nothing is traced. Otherwise even a ratio of 0 (this
 * browser's override) makes decisions, so a send it samples out tells the cluster not to record it either.
 */
export function startTracing(serverRatio: number, exporter?: SpanExporter) {
  if (provider || serverRatio <= 0) return;
  const ratio = sampleRatio(serverRatio, globalThis.localStorage?.getItem(sampleRatioOverrideKey) ?? null);
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    // A trace this browser starts is sampled at the ratio; one it joins (a message pushed with the
    // sender's trace) follows the decision already made.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [
      // Batches of at most 100 spans every 2 s (well inside the relay's per-session rate); a tab
      // that is hidden or closed sends what it holds at once (the browser processor's own flush).
      new BatchSpanProcessor({
        exporter: exporter ?? new OTLPTraceExporter({ url: new URL('/api/telemetry/traces', location.origin).href }),
        maxExportBatchSize: 100,
        scheduledDelayMillis: 2000,
      }),
    ],
  });
}

/** Exports what has ended and stops tracing: at sign-out (the relay takes spans from signed-in sessions only). */
export async function stopTracing() {
  const stopping = provider;
  provider = null;
  await stopping?.shutdown();
}

const noop = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.NONE });

/**
 * A span; a child of `parent` (a span of this page, or a traceparent from elsewhere) when given.
 * A no-op span while tracing is off.
 */
export function startSpan(
  name: string,
  options: { parent?: Span | string; attributes?: Attributes; kind?: SpanKind; startTime?: number } = {},
): Span {
  if (!provider) return noop;
  const parent = typeof options.parent === 'string' ? parseTraceparent(options.parent) : options.parent?.spanContext();
  const context = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  return provider
    .getTracer(serviceName)
    .startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, startTime: options.startTime }, context);
}

/** Ends a span as failed, with the reason. */
export function endFailed(span: Span, reason: string) {
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  span.end();
}

/**
 * The W3C traceparent of a span, sampled or not (a span sampled out says so downstream, and the
 * cluster then records nothing of it either); none while tracing is off.
 */
export function traceparentOf(span: Span): string | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (/^0+$/.test(traceId)) return undefined;
  return `00-${traceId}-${spanId}-0${traceFlags & TraceFlags.SAMPLED}`;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A W3C traceparent (version 00) as a remote span context; undefined for anything else, or all-zero ids. */
export function parseTraceparent(traceparent: string): SpanContext | undefined {
  const match = traceparentPattern.exec(traceparent.trim());
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16) & TraceFlags.SAMPLED, isRemote: true };
}
