import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Message } from '../api/types';
import { SendTraces, messageShown } from './sendTraces';
import { parseTraceparent, sampleRatio, startSpan, startTracing, stopTracing, traceparentOf } from './tracing';

/** What the provider exported, kept after it shuts down (stopping tracing exports what has ended). */
class Collected implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: { code: number }) => void) {
    this.spans.push(...spans);
    done({ code: 0 });
  }
  async shutdown() {}
}

let exporter: Collected;
let override: string | null;

async function finished() {
  await stopTracing();
  return exporter.spans;
}

beforeEach(() => {
  exporter = new Collected();
  override = null;
  vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'chat.telemetry.sampleRatio' ? override : null) });
});

afterEach(async () => {
  await stopTracing();
  vi.unstubAllGlobals();
});

describe('traceparent', () => {
  it('reads a W3C traceparent and refuses anything else', () => {
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true,
    });
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')?.traceFlags).toBe(0);
    for (const bad of ['', 'junk', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
      '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01']) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it('is none while tracing is off, and says "not sampled" for a span sampled out', () => {
    expect(traceparentOf(startSpan('off'))).toBeUndefined();
    startTracing(1, exporter);
    const sampled = startSpan('on');
    expect(traceparentOf(sampled)).toBe(`00-${sampled.spanContext().traceId}-${sampled.spanContext().spanId}-01`);
  });

  it('a ratio of 0 still decides, so the cluster is told not to record', async () => {
    override = '0';
    startTracing(1, exporter);
    const span = startSpan('sampled out');
    expect(traceparentOf(span)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    span.end();
    expect(await finished()).toHaveLength(0);
  });

  it('the server ratio holds unless this browser overrides it with a number in [0, 1]', () => {
    expect(sampleRatio(0.25, null)).toBe(0.25);
    expect(sampleRatio(0.25, '1')).toBe(1);
    expect(sampleRatio(0.25, '7')).toBe(1);
    expect(sampleRatio(0.25, 'lots')).toBe(0.25);
    expect(sampleRatio(0.25, ' ')).toBe(0.25);
  });

  it('a server ratio of 0 (its relay cannot forward) traces nothing', () => {
    startTracing(0, exporter);
    expect(traceparentOf(startSpan('nothing'))).toBeUndefined();
  });
});

describe('SendTraces', () => {
  const message = { id: 'm1', conversationId: 'c1', seq: 7, clientMessageId: 'cm1' } as Message;

  it('one trace from the click to the acknowledgement, each step a child of the send', async () => {
    startTracing(1, exporter);
    const sends = new SendTraces();
    sends.written('cm1', 'direct');
    const upload = sends.step('cm1', 'upload image');
    const invoke = sends.step('cm1', 'hub invoke');
    sends.acknowledged(message);

    const spans = await finished();
    const root = spans.find((s) => s.name === 'send message')!;
    expect(spans.map((s) => s.name).sort()).toEqual(['hub invoke', 'outbox wait', 'send message', 'upload image']);
    for (const step of spans.filter((s) => s !== root)) {
      expect(step.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(step.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    }
    expect(root.attributes).toMatchObject({ 'chat.message.id': 'm1', 'chat.message.seq': 7, 'chat.conversation.id': 'c1', 'chat.conversation.kind': 'direct' });
    const [uploadSpan, invokeSpan] = ['upload image', 'hub invoke'].map((name) => spans.find((s) => s.name === name)!);
    expect(upload).toBe(`00-${uploadSpan.spanContext().traceId}-${uploadSpan.spanContext().spanId}-01`);
    expect(invoke).toContain(invokeSpan.spanContext().spanId);
  });

  it('a failed send ends as an error; an unknown one is ignored', async () => {
    startTracing(1, exporter);
    const sends = new SendTraces();
    sends.written('cm2', 'group');
    sends.failed('cm2', 'Blocked');
    expect(sends.step('never-written', 'hub invoke')).toBeUndefined();
    sends.acknowledged({ ...message, clientMessageId: 'never-written' });
    const spans = await finished();
    expect(spans.map((s) => [s.name, s.status.code, s.status.message])).toEqual([['outbox wait', 2, 'Blocked'], ['send message', 2, 'Blocked']]);
  });

  it('a pushed message joins the trace it came with; one without is not traced', async () => {
    startTracing(1, exporter);
    const sender = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    messageShown({ ...message, traceparent: sender }, false);
    messageShown({ ...message, id: 'm2', traceparent: null }, false);
    const spans = await finished();
    expect(spans).toHaveLength(1);
    expect(spans[0].name).toBe('message shown');
    expect(spans[0].spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(spans[0].parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(spans[0].attributes['chat.message.outcome']).toBe('unread');
  });

  it('the cluster\'s "not sampled" holds for the recipient too', async () => {
    startTracing(1, exporter);
    messageShown({ ...message, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' }, false);
    expect(await finished()).toHaveLength(0);
  });
});
