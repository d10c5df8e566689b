import { SpanKind, type Span } from '@opentelemetry/api';
import type { Message } from '../api/types';
import { endFailed, startSpan, traceparentOf } from './tracing';

/** The attribute names the server's spans use (MessageSender, MessageWriter). */
export const attributes = {
  conversationId: 'chat.conversation.id',
  conversationKind: 'chat.conversation.kind',
  messageId: 'chat.message.id',
  messageSeq: 'chat.message.seq',
  outcome: 'chat.message.outcome',
} as const;

/**
 * Each of my sends as one trace, from the click to the server's acknowledgement: a root
 * "send message" span whose children are its steps, in turn ("outbox wait" while it queues or
 * the connection is down, "upload image", "hub invoke"). A step's traceparent goes with its
 * request (a header on the upload, a field of the hub call), so the cluster's spans join the
 * trace under it.
 */
export class SendTraces {
  private readonly sends = new Map<string, { root: Span; step: Span }>();

  /** The user pressed send: the message waits in the outbox. */
  written(clientMessageId: string, kind: 'direct' | 'group') {
    const root = startSpan('send message', { attributes: { [attributes.conversationKind]: kind } });
    this.sends.set(clientMessageId, { root, step: startSpan('outbox wait', { parent: root }) });
  }

  /** The next step begins (the one before ends); its traceparent, when the send is sampled. */
  step(clientMessageId: string, name: 'upload image' | 'hub invoke' | 'outbox wait'): string | undefined {
    const send = this.sends.get(clientMessageId);
    if (!send) return undefined;
    send.step.end();
    send.step = startSpan(name, { parent: send.root, kind: name === 'outbox wait' ? SpanKind.INTERNAL : SpanKind.CLIENT });
    return traceparentOf(send.step);
  }

  acknowledged(message: Message) {
    const send = this.take(message.clientMessageId);
    if (!send) return;
    send.root.setAttributes({
      [attributes.conversationId]: message.conversationId,
      [attributes.messageId]: message.id,
      [attributes.messageSeq]: message.seq,
    });
    send.step.end();
    send.root.end();
  }

  failed(clientMessageId: string, reason: string) {
    const send = this.take(clientMessageId);
    if (!send) return;
    endFailed(send.step, reason);
    endFailed(send.root, reason);
  }

  private take(clientMessageId: string) {
    const send = this.sends.get(clientMessageId);
    this.sends.delete(clientMessageId);
    return send;
  }
}

/**
 * A message pushed to me, in its sender's trace (the traceparent it came with): "message shown"
 * from its arrival to the next frame painted when it lands in the open conversation, or at once
 * when it is only counted as unread (a hidden tab paints nothing).
 */
export function messageShown(message: Message, rendered: boolean) {
  if (!message.traceparent) return;
  const span = startSpan('message shown', {
    parent: message.traceparent,
    kind: SpanKind.CONSUMER,
    attributes: {
      [attributes.conversationId]: message.conversationId,
      [attributes.messageId]: message.id,
      [attributes.messageSeq]: message.seq,
      [attributes.outcome]: rendered ? 'rendered' : 'unread',
    },
  });
  if (rendered) requestAnimationFrame(() => span.end());
  else span.end();
}
