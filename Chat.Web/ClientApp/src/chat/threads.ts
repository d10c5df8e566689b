import { rest, type HistoryQuery } from '../api/rest';
import type { Message } from '../api/types';
import { conversationRef, type ConversationKey } from './conversationKeys';
import * as messages from './messageStore';
import type { ChatStore, Thread } from './state';

const pageSize = 50;
const catchUpPageSize = 200;

/**
 * The open conversations (by key: a pair's peer id or a group's "g:" id): their history (newest page first, older pages on demand, catch-up
 * after a reconnect) and the user's own messages not confirmed yet, with the files of images
 * still to upload.
 */
export class Threads {
  private readonly files = new Map<string, File>();

  constructor(private readonly store: ChatStore) {}

  get = (key: string): Thread | undefined => this.store.getState().threads[key];

  isOpen(key: string) {
    return this.get(key) !== undefined;
  }

  async open(key: string) {
    const existing = this.get(key);
    if (existing && existing.status !== 'error') return;
    this.put(key, { messages: messages.empty, status: 'loading', hasOlder: false, loadingOlder: false });
    try {
      const page = await history(key, { limit: pageSize });
      this.update(key, (t) => ({ ...t, messages: messages.receive(t.messages, ...page.items), status: 'ready', hasOlder: page.hasMore }));
    } catch (error) {
      this.update(key, (t) => ({ ...t, status: 'error' }));
      throw error;
    }
  }

  async loadOlder(key: string) {
    const thread = this.get(key);
    const first = thread?.messages.confirmed[0];
    if (!thread || thread.status !== 'ready' || !thread.hasOlder || thread.loadingOlder || !first) return;
    this.update(key, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await history(key, { before: first.seq, limit: pageSize });
      this.update(key, (t) => ({ ...t, messages: messages.receive(t.messages, ...page.items), hasOlder: page.hasMore, loadingOlder: false }));
    } catch (error) {
      this.update(key, (t) => ({ ...t, loadingOlder: false }));
      throw error;
    }
  }

  /** Older pages until the message with this seq is loaded (or the beginning is reached). */
  async loadUntil(key: string, seq: number) {
    for (;;) {
      const thread = this.get(key);
      if (!thread || thread.status !== 'ready' || !thread.hasOlder) return;
      const first = thread.messages.confirmed[0];
      if (first && first.seq <= seq) return;
      await this.loadOlder(key);
      if (this.get(key)?.messages.confirmed[0] === first) return; // nothing came (a load in flight elsewhere)
    }
  }

  /** Everything after the safe catch-up point of every open conversation (after a reconnect). */
  async catchUpAll() {
    await Promise.all(Object.keys(this.store.getState().threads).map((key) => this.catchUp(key)));
  }

  private async catchUp(key: string) {
    for (;;) {
      const thread = this.get(key);
      if (thread?.status !== 'ready') return;
      const after = thread.messages.caughtUpTo;
      const page = after === 0
        ? await history(key, { limit: pageSize })
        : await history(key, { after, limit: catchUpPageSize });
      this.update(key, (t) => ({ ...t, messages: messages.receive(t.messages, ...page.items) }));
      if (!page.hasMore || after === 0 || this.get(key)!.messages.caughtUpTo <= after) return;
    }
  }

  /** A server copy arrived (answer, push, edit): kept once in seq order; false when it changed nothing here. */
  received(key: string, message: Message): boolean {
    const thread = this.get(key);
    if (!thread) return false;
    const next = messages.receive(thread.messages, message);
    if (next === thread.messages) return false;
    this.put(key, { ...thread, messages: next });
    return true;
  }

  /** The user wrote a message: shown at once, pending, under its clientMessageId. */
  async write(key: string, clientMessageId: string, text: string | null, file?: File, replyTo?: Message['replyTo'], mentions?: string[]) {
    let preview: messages.LocalMessage['preview'];
    if (file) {
      const url = URL.createObjectURL(file);
      preview = { url, ...(await imageSize(url)), progress: 0 };
      this.files.set(clientMessageId, file);
    }
    this.update(key, (t) => ({ ...t, messages: messages.write(t.messages, { clientMessageId, text, mediaId: null, preview, replyTo, mentions }) }));
  }

  local(key: string, clientMessageId: string) {
    const thread = this.get(key);
    return thread && messages.local(thread.messages, clientMessageId);
  }

  file(clientMessageId: string) {
    return this.files.get(clientMessageId);
  }

  patchLocal(key: string, clientMessageId: string, changes: Partial<messages.LocalMessage>) {
    this.update(key, (t) => ({ ...t, messages: messages.patch(t.messages, clientMessageId, changes) }));
  }

  fail(key: string, clientMessageId: string, reason: string) {
    this.update(key, (t) => ({ ...t, messages: messages.fail(t.messages, clientMessageId, reason) }));
  }

  retry(key: string, clientMessageId: string) {
    this.update(key, (t) => ({ ...t, messages: messages.retry(t.messages, clientMessageId) }));
  }

  discard(key: string, clientMessageId: string) {
    this.release(key, clientMessageId);
    this.update(key, (t) => ({ ...t, messages: messages.discard(t.messages, clientMessageId) }));
  }

  /** The local copy is done with (confirmed or discarded): drop its file, free its preview. */
  release(key: string, clientMessageId: string) {
    const preview = this.local(key, clientMessageId)?.preview;
    if (preview) URL.revokeObjectURL(preview.url);
    this.files.delete(clientMessageId);
  }

  dispose() {
    for (const thread of Object.values(this.store.getState().threads)) {
      for (const m of thread.messages.local) if (m.preview) URL.revokeObjectURL(m.preview.url);
    }
  }

  private put(key: string, thread: Thread) {
    this.store.set((s) => ({ threads: { ...s.threads, [key]: thread } }));
  }

  private update(key: string, change: (thread: Thread) => Thread) {
    const thread = this.get(key) ?? { messages: messages.empty, status: 'ready', hasOlder: false, loadingOlder: false };
    this.put(key, change(thread));
  }
}

function history(key: ConversationKey, query: HistoryQuery) {
  return rest.conversations.history(conversationRef(key), query);
}

/** The picture's size, so its place in the conversation is laid out before it loads. */
function imageSize(url: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => resolve({ width: 320, height: 240 }); // not decodable here: the server will say why
    image.src = url;
  });
}
