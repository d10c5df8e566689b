import { api } from '../api/http';
import type { Message, MessagePage } from '../api/types';
import * as messages from './messageStore';
import type { ChatStore, Thread } from './state';

const pageSize = 50;
const catchUpPageSize = 200;

/**
 * The open conversations: their history (newest page first, older pages on demand, catch-up
 * after a reconnect) and the user's own messages not confirmed yet, with the files of images
 * still to upload.
 */
export class Threads {
  private readonly files = new Map<string, File>();

  constructor(private readonly store: ChatStore) {}

  get = (peerId: string): Thread | undefined => this.store.getState().threads[peerId];

  isOpen(peerId: string) {
    return this.get(peerId) !== undefined;
  }

  async open(peerId: string) {
    const existing = this.get(peerId);
    if (existing && existing.status !== 'error') return;
    this.put(peerId, { messages: messages.empty, status: 'loading', hasOlder: false, loadingOlder: false });
    try {
      const page = await history(peerId, { limit: pageSize });
      this.update(peerId, (t) => ({ ...t, messages: messages.receive(t.messages, ...page.items), status: 'ready', hasOlder: page.hasMore }));
    } catch (error) {
      this.update(peerId, (t) => ({ ...t, status: 'error' }));
      throw error;
    }
  }

  async loadOlder(peerId: string) {
    const thread = this.get(peerId);
    const first = thread?.messages.confirmed[0];
    if (!thread || thread.status !== 'ready' || !thread.hasOlder || thread.loadingOlder || !first) return;
    this.update(peerId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await history(peerId, { before: first.seq, limit: pageSize });
      this.update(peerId, (t) => ({ ...t, messages: messages.receive(t.messages, ...page.items), hasOlder: page.hasMore, loadingOlder: false }));
    } catch (error) {
      this.update(peerId, (t) => ({ ...t, loadingOlder: false }));
      throw error;
    }
  }

  /** Older pages until the message with this seq is loaded (or the beginning is reached). */
  async loadUntil(peerId: string, seq: number) {
    for (;;) {
      const thread = this.get(peerId);
      if (!thread || thread.status !== 'ready' || !thread.hasOlder) return;
      const first = thread.messages.confirmed[0];
      if (first && first.seq <= seq) return;
      await this.loadOlder(peerId);
      if (this.get(peerId)?.messages.confirmed[0] === first) return; // nothing came (a load in flight elsewhere)
    }
  }

  /** Everything after the safe catch-up point of every open conversation (after a reconnect). */
  async catchUpAll() {
    await Promise.all(Object.keys(this.store.getState().threads).map((peerId) => this.catchUp(peerId)));
  }

  private async catchUp(peerId: string) {
    for (;;) {
      const thread = this.get(peerId);
      if (thread?.status !== 'ready') return;
      const after = thread.messages.caughtUpTo;
      const page = after === 0
        ? await history(peerId, { limit: pageSize })
        : await history(peerId, { after, limit: catchUpPageSize });
      this.update(peerId, (t) => ({ ...t, messages: messages.receive(t.messages, ...page.items) }));
      if (!page.hasMore || after === 0 || this.get(peerId)!.messages.caughtUpTo <= after) return;
    }
  }

  /** A server copy arrived (answer, push, edit): kept once in seq order; false when it changed nothing here. */
  received(peerId: string, message: Message): boolean {
    const thread = this.get(peerId);
    if (!thread) return false;
    const next = messages.receive(thread.messages, message);
    if (next === thread.messages) return false;
    this.put(peerId, { ...thread, messages: next });
    return true;
  }

  /** The user wrote a message: shown at once, pending, under its clientMessageId. */
  async write(peerId: string, clientMessageId: string, text: string | null, file?: File, replyTo?: Message['replyTo']) {
    let preview: messages.LocalMessage['preview'];
    if (file) {
      const url = URL.createObjectURL(file);
      preview = { url, ...(await imageSize(url)), progress: 0 };
      this.files.set(clientMessageId, file);
    }
    this.update(peerId, (t) => ({ ...t, messages: messages.write(t.messages, { clientMessageId, text, mediaId: null, preview, replyTo }) }));
  }

  local(peerId: string, clientMessageId: string) {
    const thread = this.get(peerId);
    return thread && messages.local(thread.messages, clientMessageId);
  }

  file(clientMessageId: string) {
    return this.files.get(clientMessageId);
  }

  patchLocal(peerId: string, clientMessageId: string, changes: Partial<messages.LocalMessage>) {
    this.update(peerId, (t) => ({ ...t, messages: messages.patch(t.messages, clientMessageId, changes) }));
  }

  fail(peerId: string, clientMessageId: string, reason: string) {
    this.update(peerId, (t) => ({ ...t, messages: messages.fail(t.messages, clientMessageId, reason) }));
  }

  retry(peerId: string, clientMessageId: string) {
    this.update(peerId, (t) => ({ ...t, messages: messages.retry(t.messages, clientMessageId) }));
  }

  discard(peerId: string, clientMessageId: string) {
    this.release(peerId, clientMessageId);
    this.update(peerId, (t) => ({ ...t, messages: messages.discard(t.messages, clientMessageId) }));
  }

  /** The local copy is done with (confirmed or discarded): drop its file, free its preview. */
  release(peerId: string, clientMessageId: string) {
    const preview = this.local(peerId, clientMessageId)?.preview;
    if (preview) URL.revokeObjectURL(preview.url);
    this.files.delete(clientMessageId);
  }

  dispose() {
    for (const thread of Object.values(this.store.getState().threads)) {
      for (const m of thread.messages.local) if (m.preview) URL.revokeObjectURL(m.preview.url);
    }
  }

  private put(peerId: string, thread: Thread) {
    this.store.set((s) => ({ threads: { ...s.threads, [peerId]: thread } }));
  }

  private update(peerId: string, change: (thread: Thread) => Thread) {
    const thread = this.get(peerId) ?? { messages: messages.empty, status: 'ready', hasOlder: false, loadingOlder: false };
    this.put(peerId, change(thread));
  }
}

function history(peerId: string, query: Record<string, number>) {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return api<MessagePage>('GET', `/api/conversations/${encodeURIComponent(peerId)}/messages?${params}`);
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
