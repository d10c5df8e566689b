import { describe, expect, it } from 'vitest';
import { discard, empty, fail, local, patch, receive, retry, write, type ConversationState, type Message } from './messageStore';

const message = (seq: number, clientMessageId = `c${seq}`, changes: Partial<Message> = {}): Message => ({
  id: `m${seq}`, conversationId: 'a_b', seq, clientMessageId, senderId: 'a', recipientId: 'b',
  text: `text ${seq}`, image: null, createdAt: '2026-11-28T10:00:00.000Z', editedAt: null, deleted: false,
  replyTo: null, reactions: [], mentions: [], event: null, ...changes,
});

const texts = (state: ConversationState) => [
  ...state.confirmed.map((m) => m.text),
  ...state.local.map((m) => `${m.status}:${m.text}`),
];

describe('a message the user writes', () => {
  it('shows at once as pending, then once as the server copy whichever of ack and push comes first', () => {
    for (const order of [['ack', 'push'], ['push', 'ack'], ['ack', 'ack'], ['push', 'push']]) {
      let state = write(empty, { clientMessageId: 'c1', text: 'text 1', mediaId: null });
      expect(texts(state)).toEqual(['pending:text 1']);
      for (const _ of order) state = receive(state, message(1));
      expect(texts(state)).toEqual(['text 1']);
    }
  });

  it('fails, then a retry reuses the clientMessageId, so the server copy replaces it once', () => {
    let state = write(empty, { clientMessageId: 'c1', text: 'text 1', mediaId: null });
    state = fail(state, 'c1');
    expect(texts(state)).toEqual(['failed:text 1']);
    state = retry(state, 'c1');
    expect(local(state, 'c1')?.status).toBe('pending');
    // The first attempt had reached the server after all: the retry's answer is the same message.
    state = receive(state, message(1), message(1));
    expect(texts(state)).toEqual(['text 1']);
  });

  it('can be discarded when it failed', () => {
    const state = discard(fail(write(empty, { clientMessageId: 'c1', text: 'x', mediaId: null }), 'c1'), 'c1');
    expect(state.local).toEqual([]);
  });
});

describe('the reconciliation of the sender\'s own message', () => {
  it('changes the state once: the second copy (push after the answer) returns the very same state', () => {
    const written = write(empty, { clientMessageId: 'c1', text: 'text 1', mediaId: null });
    const answered = receive(written, message(1));
    expect(receive(answered, message(1))).toBe(answered);
  });
});

describe('server copies', () => {
  it('are kept once each, ordered by seq, whatever order they arrive in', () => {
    const state = receive(empty, message(3), message(1), message(2), message(3), message(1));
    expect(state.confirmed.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('are replaced by an edit or a delete, never by an older copy', () => {
    const edited = message(1, 'c1', { text: 'edited', editedAt: '2026-11-28T10:01:00.000Z' });
    const deleted = message(1, 'c1', { text: null, deleted: true, editedAt: '2026-11-28T10:01:00.000Z' });
    let state = receive(empty, message(1), edited);
    expect(texts(state)).toEqual(['edited']);
    state = receive(state, message(1)); // a stale copy from a late history page
    expect(texts(state)).toEqual(['edited']);
    state = receive(state, deleted, edited);
    expect(state.confirmed[0].deleted).toBe(true);
  });
});

describe('the catch-up point', () => {
  it('stops below a gap, so a push still in flight is fetched rather than skipped', () => {
    let state = receive(empty, message(1), message(2));
    expect(state.caughtUpTo).toBe(2);
    state = receive(state, message(4)); // 3 is still travelling through the other replica
    expect(state.caughtUpTo).toBe(2);
    state = receive(state, message(3));
    expect(state.caughtUpTo).toBe(4);
  });

  it('starts from the first seq loaded when history begins mid-conversation', () => {
    const state = receive(empty, message(51), message(52), message(53));
    expect(state.caughtUpTo).toBe(53);
  });

  it('keeps the refusal reason with a failed message and clears it on retry', () => {
    let state = fail(write(empty, { clientMessageId: 'c1', text: 'x', mediaId: null }), 'c1', 'Text is too long.');
    expect(local(state, 'c1')).toMatchObject({ status: 'failed', error: 'Text is too long.' });
    state = retry(state, 'c1');
    expect(local(state, 'c1')).toMatchObject({ status: 'pending', error: undefined });
  });

  it('remembers an uploaded image id, so a retry does not upload again', () => {
    let state = write(empty, { clientMessageId: 'c1', text: null, mediaId: null, preview: { url: 'blob:1', width: 4, height: 3, progress: 0 } });
    state = patch(state, 'c1', { mediaId: 'media-1' });
    state = retry(fail(state, 'c1'), 'c1');
    expect(local(state, 'c1')).toMatchObject({ status: 'pending', mediaId: 'media-1' });
    expect(local(receive(state, message(1, 'c1')), 'c1')).toBeUndefined();
  });
});
