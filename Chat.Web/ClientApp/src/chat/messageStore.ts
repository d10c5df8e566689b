/**
 * The messages of one conversation as the client shows them: the server's copies ordered by
 * seq, then the user's own messages that the server has not confirmed yet (pending or failed),
 * in the order they were written. Pure data in, data out, so every arrival order can be tested;
 * an arrival that changes nothing returns the very same state.
 */

import type { Message, ReplyPreview } from '../api/types';

export type { Message };

export interface LocalMessage {
  clientMessageId: string;
  text: string | null;
  /** The message it replies to (shown quoted while it is on its way). */
  replyTo?: Message['replyTo'];
  /** The group members it mentions. */
  mentions?: string[];
  mediaId: string | null;
  status: 'pending' | 'failed';
  /** An image not uploaded yet: shown from the local file, at its size, with upload progress. */
  preview?: { url: string; width: number; height: number; progress: number };
  /** Why the server refused it (shown with Retry and Discard). */
  error?: string;
}

export interface ConversationState {
  /** Confirmed messages, ascending by seq, each once. */
  confirmed: Message[];
  /** Not yet confirmed, in the order written: the outbox (pending) and failures (failed). */
  local: LocalMessage[];
  /**
   * The seq to catch up from (`after=`): the highest seq such that every seq from the first
   * one loaded up to it is here. Pushes can arrive out of order across replicas, so the
   * highest seq seen is not safe: catching up after it could skip the one still in flight.
   */
  caughtUpTo: number;
}

export const empty: ConversationState = { confirmed: [], local: [], caughtUpTo: 0 };

/** The user wrote a message: it shows at once as pending, under its clientMessageId. */
export function write(state: ConversationState, local: Omit<LocalMessage, 'status'>): ConversationState {
  return { ...state, local: [...state.local, { ...local, status: 'pending' }] };
}

/**
 * A server copy arrived (the send's answer, a push, a history page or a catch-up, in any
 * order, any number of times): it replaces the pending message with its clientMessageId and
 * is kept once, in seq order; a later version of a message (edit, delete) replaces the earlier.
 */
export function receive(state: ConversationState, ...messages: Message[]): ConversationState {
  let confirmed = state.confirmed;
  for (const message of messages) {
    const index = confirmed.findIndex((m) => m.id === message.id);
    if (index >= 0) {
      if (isNewer(message, confirmed[index])) {
        confirmed = confirmed.map((m, i) => (i === index ? message : m));
        confirmed = requote(confirmed, message);
      }
    } else {
      confirmed = insertBySeq(confirmed, message);
    }
  }
  const confirmedIds = new Set(messages.map((m) => m.clientMessageId));
  const local = state.local.some((m) => confirmedIds.has(m.clientMessageId))
    ? state.local.filter((m) => !confirmedIds.has(m.clientMessageId))
    : state.local;
  // Nothing new (the push of a message the send's answer already brought): the same state,
  // so nothing downstream re-renders or re-sorts.
  if (confirmed === state.confirmed && local === state.local) return state;
  return { confirmed, local, caughtUpTo: contiguousEnd(confirmed, state.caughtUpTo) };
}

/** The send failed (network, server error): the message stays, marked failed, for Retry or Discard. */
export function fail(state: ConversationState, clientMessageId: string, error?: string): ConversationState {
  return patch(state, clientMessageId, { status: 'failed', error });
}

/** Retry keeps the clientMessageId, so a send that did reach the server is not stored twice. */
export function retry(state: ConversationState, clientMessageId: string): ConversationState {
  return patch(state, clientMessageId, { status: 'pending', error: undefined });
}

/** Progress on the way out: the uploaded image's id, the upload's progress. */
export function patch(state: ConversationState, clientMessageId: string, changes: Partial<LocalMessage>): ConversationState {
  return { ...state, local: state.local.map((m) => (m.clientMessageId === clientMessageId ? { ...m, ...changes } : m)) };
}

/** The user's own unconfirmed message, if it is still here (not confirmed, not discarded). */
export function local(state: ConversationState, clientMessageId: string): LocalMessage | undefined {
  return state.local.find((m) => m.clientMessageId === clientMessageId);
}

export function discard(state: ConversationState, clientMessageId: string): ConversationState {
  return { ...state, local: state.local.filter((m) => m.clientMessageId !== clientMessageId) };
}

function isNewer(candidate: Message, current: Message): boolean {
  if (candidate.deleted !== current.deleted) return candidate.deleted;
  if ((candidate.editedAt ?? '') !== (current.editedAt ?? '')) return (candidate.editedAt ?? '') > (current.editedAt ?? '');
  // Reactions carry no version: the copy that arrives last is the newer (pushes follow each change).
  return !sameReactions(candidate.reactions, current.reactions);
}

function sameReactions(a: Message['reactions'], b: Message['reactions']) {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((r, i) => r.emoji === y[i].emoji && r.count === y[i].count && r.mine === y[i].mine);
}

/** How a reply quotes a message (as the server's replyTo does): its text, whether it has a photo, or that it is gone. */
export function quoteOf(m: Message): ReplyPreview {
  return { id: m.id, seq: m.seq, senderId: m.senderId, text: m.deleted ? null : m.text, hasImage: !m.deleted && m.image !== null, deleted: m.deleted };
}

/** An original edited or deleted: the replies quoting it show it as it is now. */
function requote(confirmed: Message[], original: Message): Message[] {
  if (!confirmed.some((m) => m.replyTo?.id === original.id)) return confirmed;
  const quote = quoteOf(original);
  return confirmed.map((m) => (m.replyTo?.id === original.id ? { ...m, replyTo: quote } : m));
}

function insertBySeq(messages: Message[], message: Message): Message[] {
  let index = messages.length;
  while (index > 0 && messages[index - 1].seq > message.seq) index--;
  return [...messages.slice(0, index), message, ...messages.slice(index)];
}

// From the current catch-up point (or the first seq loaded), walk up while seqs are contiguous.
function contiguousEnd(messages: Message[], from: number): number {
  if (messages.length === 0) return from;
  let end = from === 0 ? messages[0].seq - 1 : from;
  for (const message of messages) {
    if (message.seq <= end) continue;
    if (message.seq !== end + 1) break;
    end = message.seq;
  }
  return end;
}
