/** One message waiting to go out: which conversation, and its clientMessageId (the local copy holds the rest). */
export interface OutboxEntry {
  /** The conversation's key (conversationKeys.ts). */
  key: string;
  clientMessageId: string;
}

/**
 * 'sent': the server answered (stored it, or refused it for good); 'offline': the connection is
 * gone, so the entry stays first and goes again on the next flush, under the same
 * clientMessageId, which the server stores at most once.
 */
export type DeliveryOutcome = 'sent' | 'offline';

/**
 * The user's messages in the order written, across conversations, sent one at a time so they
 * arrive in that order. A send the network lost is not a failure: it waits for the next
 * connection (flush) and goes first.
 */
export class Outbox {
  private readonly queue: OutboxEntry[] = [];
  private flushing = false;

  constructor(
    private readonly deliver: (entry: OutboxEntry) => Promise<DeliveryOutcome>,
    private readonly canSend: () => boolean,
  ) {}

  /** What has not gone out yet, first to go first. */
  get waiting(): readonly OutboxEntry[] {
    return this.queue;
  }

  add(entry: OutboxEntry) {
    this.queue.push(entry);
    void this.flush();
  }

  /** Sends what waits, in order, while the connection allows; safe to call at any time. */
  async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0 && this.canSend()) {
        if ((await this.deliver(this.queue[0])) === 'offline') return;
        this.queue.shift();
      }
    } finally {
      this.flushing = false;
    }
  }
}
