import { describe, expect, it } from 'vitest';
import { Outbox, type DeliveryOutcome, type OutboxEntry } from './outbox';

/** A connection the test opens and closes, and a server that answers each send when told to. */
function harness() {
  let online = true;
  const sent: string[] = [];
  const inFlight: { entry: OutboxEntry; answer: (outcome: DeliveryOutcome) => void }[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const outbox = new Outbox(
    (entry) => new Promise<DeliveryOutcome>((resolve) => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      sent.push(entry.clientMessageId);
      inFlight.push({ entry, answer: (outcome) => { concurrent--; resolve(outcome); } });
    }),
    () => online,
  );
  const answerNext = async (outcome: DeliveryOutcome = 'sent') => {
    inFlight.shift()!.answer(outcome);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return {
    outbox, sent, inFlight, answerNext,
    get maxConcurrent() { return maxConcurrent; },
    setOnline: (value: boolean) => { online = value; },
  };
}

const entry = (key: string, clientMessageId: string): OutboxEntry => ({ key, clientMessageId });

describe('the outbox', () => {
  it('sends in the order written, across conversations, one at a time', async () => {
    const h = harness();
    h.outbox.add(entry('ann', 'c1'));
    h.outbox.add(entry('bob', 'c2'));
    h.outbox.add(entry('ann', 'c3'));
    expect(h.sent).toEqual(['c1']); // the second waits for the first's answer
    await h.answerNext();
    await h.answerNext();
    await h.answerNext();
    expect(h.sent).toEqual(['c1', 'c2', 'c3']);
    expect(h.maxConcurrent).toBe(1);
    expect(h.outbox.waiting).toEqual([]);
  });

  it('keeps a send the network lost first, and sends it again before the rest on the next connection', async () => {
    const h = harness();
    h.outbox.add(entry('ann', 'c1'));
    h.outbox.add(entry('ann', 'c2'));
    h.setOnline(false);
    await h.answerNext('offline');
    expect(h.outbox.waiting.map((e) => e.clientMessageId)).toEqual(['c1', 'c2']);

    h.setOnline(true);
    void h.outbox.flush();
    await h.answerNext();
    await h.answerNext();
    expect(h.sent).toEqual(['c1', 'c1', 'c2']);
    expect(h.outbox.waiting).toEqual([]);
  });

  it('holds everything while offline and sends nothing', async () => {
    const h = harness();
    h.setOnline(false);
    h.outbox.add(entry('ann', 'c1'));
    await h.outbox.flush();
    expect(h.sent).toEqual([]);
    expect(h.outbox.waiting).toHaveLength(1);
  });

  it('sends a message written during a send right after it', async () => {
    const h = harness();
    h.outbox.add(entry('ann', 'c1'));
    h.outbox.add(entry('ann', 'c2'));
    await h.answerNext();
    h.outbox.add(entry('ann', 'c3'));
    await h.answerNext();
    await h.answerNext();
    expect(h.sent).toEqual(['c1', 'c2', 'c3']);
  });
});
