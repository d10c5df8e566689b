import { HubConnectionState } from '@microsoft/signalr';
import { ApiError, api, upload } from '../api/http';
import { createLiveConnection, hubErrorMessage } from '../api/liveConnection';
import type {
  Contact, Conversation, Media, Message, MessagePage, Page, PresenceDelta, ReadUpTo, TypingEvent, User,
} from '../api/types';
import * as store from './messageStore';

export type Connectivity = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface Thread {
  messages: store.ConversationState;
  status: 'loading' | 'ready' | 'error';
  hasOlder: boolean;
  loadingOlder: boolean;
}

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

/** Read marks of one conversation; both only move forward. */
export interface Reads {
  mine: number;
  peer: number;
}

export interface Directory {
  query: string;
  items: Contact[] | null;
  next: string | null;
  loadingMore: boolean;
}

export interface ChatState {
  me: User;
  connectivity: Connectivity;
  /** Most recent activity first; null while the first load runs. */
  conversations: Conversation[] | null;
  directory: Directory;
  /** Every user seen (conversation peers, directory entries), for names and avatars. */
  contacts: Record<string, Contact>;
  /** Live presence by user id: loaded with contacts, then kept by PresenceChanged deltas. */
  presence: Record<string, Presence>;
  reads: Record<string, Reads>;
  /** Open conversations by peer id. */
  threads: Record<string, Thread>;
  /** Until when (epoch ms) each peer shows as typing. */
  typingUntil: Record<string, number>;
}

const pageSize = 50;
const typingShownFor = 4000;
const typingSentEvery = 2000;

/**
 * Everything the signed-in messenger knows and does, outside React: REST loads, the live
 * connection and its events, the outbox, catch-up after reconnects. React reads the state
 * through subscribe/getState (useSyncExternalStore); every change makes a new state object.
 */
export class ChatClient {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private readonly connection = createLiveConnection();
  /** Sends in the order written, across conversations; one at a time keeps that order. */
  private readonly outbox: { peerId: string; clientMessageId: string }[] = [];
  private readonly files = new Map<string, File>();
  private readonly conversationPeers = new Map<string, string>();
  private readonly typingSentAt: Record<string, number> = {};
  private readonly markingRead: Record<string, number> = {};
  private sending = false;
  private connecting = false;
  private disposed = false;
  private conversationsRefresh: ReturnType<typeof setTimeout> | undefined;

  constructor(me: User, private readonly onSignedOut: () => void) {
    this.state = {
      me,
      connectivity: 'connecting',
      conversations: null,
      directory: { query: '', items: null, next: null, loadingMore: false },
      contacts: {},
      presence: {},
      reads: {},
      threads: {},
      typingUntil: {},
    };
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = () => this.state;

  start() {
    const c = this.connection;
    c.on('MessageReceived', (m: Message) => this.onMessage(m, true));
    c.on('MessageUpdated', (m: Message) => this.onMessage(m, false));
    c.on('ReadUpTo', (e: ReadUpTo) => this.onReadUpTo(e));
    c.on('Typing', (e: TypingEvent) => this.onTyping(e));
    c.on('PresenceChanged', (deltas: PresenceDelta[]) => this.onPresence(deltas));
    c.onreconnecting(() => {
      this.set({ connectivity: 'reconnecting' });
      void this.checkSession();
    });
    c.onreconnected(() => void this.onConnected());
    c.onclose(() => {
      if (this.disposed) return;
      this.set({ connectivity: navigator.onLine ? 'reconnecting' : 'offline' });
      if (navigator.onLine) void this.connect();
    });
    window.addEventListener('online', this.onBrowserOnline);
    window.addEventListener('offline', this.onBrowserOffline);
    // Loaded now, so the sidebar fills even when the live connection cannot open; loaded again
    // once it is open (onConnected), which closes the gap in which a presence change or a
    // message could fall between this load and the subscription.
    void this.refreshConversations();
    void this.searchDirectory('');
    void this.connect();
  }

  dispose() {
    this.disposed = true;
    window.removeEventListener('online', this.onBrowserOnline);
    window.removeEventListener('offline', this.onBrowserOffline);
    clearTimeout(this.conversationsRefresh);
    for (const thread of Object.values(this.state.threads)) {
      for (const m of thread.messages.local) if (m.preview) URL.revokeObjectURL(m.preview.url);
    }
    void this.connection.stop();
  }

  // ---- Conversations and the directory

  async refreshConversations() {
    try {
      const conversations = await api<Conversation[]>('GET', '/api/conversations');
      for (const c of conversations) this.conversationPeers.set(c.id, c.peer.id);
      this.set((s) => ({
        conversations,
        contacts: withContacts(s.contacts, conversations.map((c) => c.peer)),
        presence: withPresence(s.presence, conversations.map((c) => c.peer)),
        reads: conversations.reduce((reads, c) => advanceReads(reads, c.peer.id, { mine: c.myReadSeq, peer: c.peerReadSeq }), s.reads),
      }));
    } catch (error) {
      this.onLoadError(error);
    }
  }

  async searchDirectory(query: string) {
    this.set({ directory: { query, items: null, next: null, loadingMore: false } });
    await this.loadDirectory(query, null);
  }

  async moreDirectory() {
    const { query, next, loadingMore } = this.state.directory;
    if (!next || loadingMore) return;
    this.set((s) => ({ directory: { ...s.directory, loadingMore: true } }));
    await this.loadDirectory(query, next);
  }

  private async loadDirectory(query: string, cursor: string | null) {
    const params = new URLSearchParams({ q: query, limit: '30' });
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await api<Page<Contact>>('GET', `/api/users?${params}`);
      this.set((s) => {
        if (s.directory.query !== query) return {}; // a newer search has started
        const items = cursor ? [...(s.directory.items ?? []), ...page.items] : page.items;
        return {
          directory: { query, items, next: page.next, loadingMore: false },
          contacts: withContacts(s.contacts, page.items),
          presence: withPresence(s.presence, page.items),
        };
      });
    } catch (error) {
      this.set((s) => ({ directory: { ...s.directory, items: s.directory.items ?? [], loadingMore: false } }));
      this.onLoadError(error);
    }
  }

  // ---- One conversation

  async openThread(peerId: string) {
    const existing = this.state.threads[peerId];
    if (existing && existing.status !== 'error') return;
    this.setThread(peerId, { messages: store.empty, status: 'loading', hasOlder: false, loadingOlder: false });
    try {
      // A peer opened by link: their name and presence come with the conversation list.
      if (!this.state.contacts[peerId]) await this.refreshConversations();
      const page = await this.history(peerId, { limit: pageSize });
      this.updateThread(peerId, (t) => ({ ...t, messages: store.receive(t.messages, ...page.items), status: 'ready', hasOlder: page.hasMore }));
    } catch (error) {
      this.updateThread(peerId, (t) => ({ ...t, status: 'error' }));
      this.onLoadError(error);
    }
  }

  async loadOlder(peerId: string) {
    const thread = this.state.threads[peerId];
    if (!thread || thread.status !== 'ready' || !thread.hasOlder || thread.loadingOlder) return;
    const first = thread.messages.confirmed[0];
    if (!first) return;
    this.updateThread(peerId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await this.history(peerId, { before: first.seq, limit: pageSize });
      this.updateThread(peerId, (t) => ({ ...t, messages: store.receive(t.messages, ...page.items), hasOlder: page.hasMore, loadingOlder: false }));
    } catch (error) {
      this.updateThread(peerId, (t) => ({ ...t, loadingOlder: false }));
      this.onLoadError(error);
    }
  }

  /** Shows a message at once (pending) and puts it in the outbox; images upload when it goes out. */
  async send(peerId: string, text: string | null, file?: File) {
    const clientMessageId = newId();
    let preview: store.LocalMessage['preview'];
    if (file) {
      const url = URL.createObjectURL(file);
      const size = await imageSize(url);
      preview = { url, ...size, progress: 0 };
      this.files.set(clientMessageId, file);
    }
    this.updateThread(peerId, (t) => ({ ...t, messages: store.write(t.messages, { clientMessageId, text, mediaId: null, preview }) }));
    this.outbox.push({ peerId, clientMessageId });
    void this.sendOutbox();
  }

  /** Sends again under the same clientMessageId: a send that did reach the server is not stored twice. */
  retry(peerId: string, clientMessageId: string) {
    this.updateThread(peerId, (t) => ({ ...t, messages: store.retry(t.messages, clientMessageId) }));
    this.outbox.push({ peerId, clientMessageId });
    void this.sendOutbox();
  }

  discard(peerId: string, clientMessageId: string) {
    this.release(peerId, clientMessageId);
    this.updateThread(peerId, (t) => ({ ...t, messages: store.discard(t.messages, clientMessageId) }));
  }

  async edit(message: Message, text: string) {
    const edited = await api<Message>('PATCH', `/api/messages/${encodeURIComponent(message.id)}`, { text });
    this.onMessage(edited, false);
  }

  async remove(message: Message) {
    await api<void>('DELETE', `/api/messages/${encodeURIComponent(message.id)}`);
    this.onMessage({ ...message, text: null, image: null, deleted: true }, false);
  }

  /** The user has seen the conversation up to its newest message. */
  markRead(peerId: string) {
    const confirmed = this.state.threads[peerId]?.messages.confirmed ?? [];
    const latest = confirmed.at(-1)?.seq ?? 0;
    const read = Math.max(this.state.reads[peerId]?.mine ?? 0, this.markingRead[peerId] ?? 0);
    if (latest <= read || this.connection.state !== HubConnectionState.Connected) return;
    this.markingRead[peerId] = latest;
    this.set((s) => ({
      reads: advanceReads(s.reads, peerId, { mine: latest, peer: 0 }),
      conversations: s.conversations?.map((c) => (c.peer.id === peerId && latest >= c.lastSeq ? { ...c, unreadCount: 0 } : c)) ?? null,
    }));
    this.connection.invoke('MarkRead', peerId, latest).catch(() => (this.markingRead[peerId] = 0));
  }

  typing(peerId: string) {
    const now = Date.now();
    if (now - (this.typingSentAt[peerId] ?? 0) < typingSentEvery || this.connection.state !== HubConnectionState.Connected) return;
    this.typingSentAt[peerId] = now;
    this.connection.invoke('Typing', peerId).catch(() => undefined);
  }

  // ---- Profile and session

  async updateProfile(fullName: string) {
    const me = await api<User>('PUT', '/api/users/me', { fullName });
    this.set({ me });
  }

  async updateAvatar(file: File) {
    const me = await upload<User>('PUT', '/api/users/me/avatar', file);
    this.set({ me });
  }

  async logOut(everywhere: boolean) {
    await api<void>('POST', everywhere ? '/api/auth/logout-all' : '/api/auth/logout');
    this.dispose();
    this.onSignedOut();
  }

  // ---- The live connection

  private readonly onBrowserOffline = () => {
    // The browser knows before the socket does: show it, hold sends in the outbox.
    this.set({ connectivity: 'offline' });
    void this.connection.stop();
  };

  private readonly onBrowserOnline = () => void this.connect();

  private async connect() {
    if (this.connecting || this.disposed) return;
    this.connecting = true;
    try {
      for (let attempt = 0; !this.disposed && navigator.onLine; attempt++) {
        if (this.connection.state !== HubConnectionState.Disconnected) return;
        try {
          await this.connection.start();
          await this.onConnected();
          return;
        } catch {
          if (await this.checkSession()) return;
          this.set({ connectivity: 'offline' });
          await delay(Math.min(10_000, 1000 * 2 ** attempt));
        }
      }
    } finally {
      this.connecting = false;
    }
  }

  /** After every (re)connect: catch up what was missed while away, then send the outbox. */
  private async onConnected() {
    this.set({ connectivity: 'online' });
    void this.refreshConversations();
    void this.loadDirectory(this.state.directory.query, null);
    await Promise.all(Object.keys(this.state.threads).map((peerId) => this.catchUp(peerId)));
    void this.sendOutbox();
  }

  private async catchUp(peerId: string) {
    try {
      for (;;) {
        const thread = this.state.threads[peerId];
        if (thread?.status !== 'ready') return;
        const after = thread.messages.caughtUpTo;
        const page = after === 0
          ? await this.history(peerId, { limit: pageSize })
          : await this.history(peerId, { after, limit: 200 });
        this.updateThread(peerId, (t) => ({ ...t, messages: store.receive(t.messages, ...page.items) }));
        if (!page.hasMore || after === 0 || this.state.threads[peerId].messages.caughtUpTo <= after) return;
      }
    } catch (error) {
      this.onLoadError(error);
    }
  }

  private async sendOutbox() {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.outbox.length > 0 && this.connection.state === HubConnectionState.Connected) {
        const { peerId, clientMessageId } = this.outbox[0];
        const message = this.local(peerId, clientMessageId);
        if (message?.status === 'pending') {
          const outcome = await this.deliver(peerId, message);
          if (outcome === 'offline') return; // stays first in the outbox until the next connect
        }
        this.outbox.shift();
      }
    } finally {
      this.sending = false;
    }
  }

  private async deliver(peerId: string, message: store.LocalMessage): Promise<'done' | 'offline'> {
    const { clientMessageId } = message;
    try {
      let mediaId = message.mediaId;
      const file = this.files.get(clientMessageId);
      if (!mediaId && file) {
        const media = await upload<Media>('POST', '/api/media', file, (progress) => this.patchLocal(peerId, clientMessageId, {
          preview: { ...this.local(peerId, clientMessageId)!.preview!, progress },
        }));
        mediaId = media.id;
        this.patchLocal(peerId, clientMessageId, { mediaId });
      }
      const sent = await this.connection.invoke<Message>('SendMessage', peerId, { clientMessageId, text: message.text, mediaId });
      this.onMessage(sent, false);
      return 'done';
    } catch (error) {
      if (this.connection.state !== HubConnectionState.Connected) return 'offline';
      const reason = error instanceof ApiError ? error.message : hubErrorMessage(error);
      this.updateThread(peerId, (t) => ({ ...t, messages: store.fail(t.messages, clientMessageId, reason) }));
      return 'done';
    }
  }

  // ---- Events

  private onMessage(message: Message, pushed: boolean) {
    const me = this.state.me.id;
    const peerId = message.senderId === me ? message.recipientId : message.senderId;
    this.conversationPeers.set(message.conversationId, peerId);
    if (pushed && message.senderId !== me) {
      this.connection.send('ConfirmDelivery', message.id, message.createdAt).catch(() => undefined);
    }
    if (message.senderId === me) this.release(peerId, message.clientMessageId);
    if (this.state.threads[peerId]) this.updateThread(peerId, (t) => ({ ...t, messages: store.receive(t.messages, message) }));

    const known = this.state.conversations?.some((c) => c.peer.id === peerId);
    if (!known) return this.scheduleConversationsRefresh();
    this.set((s) => ({
      typingUntil: message.senderId === peerId ? without(s.typingUntil, peerId) : s.typingUntil,
      conversations: sortByActivity(s.conversations!.map((c) => {
        if (c.peer.id !== peerId) return c;
        const newest = message.seq >= c.lastSeq;
        const unread = pushed && newest && message.seq > c.lastSeq && message.senderId === peerId && message.seq > (s.reads[peerId]?.mine ?? 0);
        return {
          ...c,
          lastMessage: newest || c.lastMessage?.id === message.id ? message : c.lastMessage,
          lastSeq: Math.max(c.lastSeq, message.seq),
          unreadCount: c.unreadCount + (unread ? 1 : 0),
        };
      })),
    }));
  }

  private onReadUpTo({ conversationId, readerId, seq }: ReadUpTo) {
    const mine = readerId === this.state.me.id;
    const peerId = mine ? this.conversationPeers.get(conversationId) : readerId;
    if (!peerId) return this.scheduleConversationsRefresh();
    this.set((s) => ({
      reads: advanceReads(s.reads, peerId, mine ? { mine: seq, peer: 0 } : { mine: 0, peer: seq }),
      conversations: !mine ? s.conversations : s.conversations?.map((c) => (c.peer.id === peerId && seq >= c.lastSeq ? { ...c, unreadCount: 0 } : c)) ?? null,
    }));
  }

  private onTyping({ userId }: TypingEvent) {
    const until = Date.now() + typingShownFor;
    this.set((s) => ({ typingUntil: { ...s.typingUntil, [userId]: until } }));
    setTimeout(() => {
      if (this.state.typingUntil[userId] === until) this.set((s) => ({ typingUntil: without(s.typingUntil, userId) }));
    }, typingShownFor);
  }

  private onPresence(deltas: PresenceDelta[]) {
    this.set((s) => {
      const presence = { ...s.presence };
      for (const d of deltas) presence[d.userId] = { online: d.online, lastSeenAt: d.lastSeenAt };
      return { presence };
    });
  }

  // ---- Helpers

  private history(peerId: string, query: Record<string, number>) {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    return api<MessagePage>('GET', `/api/conversations/${encodeURIComponent(peerId)}/messages?${params}`);
  }

  /** Returns true when the session has ended (logged out everywhere, expired): the app signs out. */
  private async checkSession(): Promise<boolean> {
    try {
      const response = await fetch('/api/auth/me', { credentials: 'same-origin' });
      if (response.status !== 401) return false;
    } catch {
      return false; // unreachable is not signed out
    }
    this.dispose();
    this.onSignedOut();
    return true;
  }

  private onLoadError(error: unknown) {
    if (error instanceof ApiError && error.status === 401) void this.checkSession();
  }

  private scheduleConversationsRefresh() {
    clearTimeout(this.conversationsRefresh);
    this.conversationsRefresh = setTimeout(() => void this.refreshConversations(), 150);
  }

  private local(peerId: string, clientMessageId: string) {
    const thread = this.state.threads[peerId];
    return thread && store.local(thread.messages, clientMessageId);
  }

  /** The local copy is done with (confirmed or discarded): drop its file, free its preview. */
  private release(peerId: string, clientMessageId: string) {
    const preview = this.local(peerId, clientMessageId)?.preview;
    if (preview) URL.revokeObjectURL(preview.url);
    this.files.delete(clientMessageId);
  }

  private patchLocal(peerId: string, clientMessageId: string, changes: Partial<store.LocalMessage>) {
    this.updateThread(peerId, (t) => ({ ...t, messages: store.patch(t.messages, clientMessageId, changes) }));
  }

  private setThread(peerId: string, thread: Thread) {
    this.set((s) => ({ threads: { ...s.threads, [peerId]: thread } }));
  }

  private updateThread(peerId: string, change: (thread: Thread) => Thread) {
    this.set((s) => {
      const thread = s.threads[peerId] ?? { messages: store.empty, status: 'ready', hasOlder: false, loadingOlder: false };
      return { threads: { ...s.threads, [peerId]: change(thread) } };
    });
  }

  private set(changes: Partial<ChatState> | ((state: ChatState) => Partial<ChatState>)) {
    if (this.disposed) return;
    this.state = { ...this.state, ...(typeof changes === 'function' ? changes(this.state) : changes) };
    for (const listener of this.listeners) listener();
  }
}

function withContacts(contacts: Record<string, Contact>, list: Contact[]) {
  const next = { ...contacts };
  for (const c of list) next[c.id] = c;
  return next;
}

function withPresence(presence: Record<string, Presence>, list: Contact[]) {
  const next = { ...presence };
  for (const c of list) next[c.id] = { online: c.online, lastSeenAt: c.lastSeenAt };
  return next;
}

function advanceReads(reads: Record<string, Reads>, peerId: string, seen: Reads) {
  const current = reads[peerId] ?? { mine: 0, peer: 0 };
  if (seen.mine <= current.mine && seen.peer <= current.peer) return reads;
  return { ...reads, [peerId]: { mine: Math.max(current.mine, seen.mine), peer: Math.max(current.peer, seen.peer) } };
}

function sortByActivity(conversations: Conversation[]) {
  const at = (c: Conversation) => c.lastMessage?.createdAt ?? '';
  return [...conversations].sort((a, b) => at(b).localeCompare(at(a)));
}

function without<T>(record: Record<string, T>, key: string) {
  const { [key]: _, ...rest } = record;
  return rest;
}

function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A v4 UUID; crypto.randomUUID exists only on secure origins, getRandomValues everywhere. */
function newId(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
