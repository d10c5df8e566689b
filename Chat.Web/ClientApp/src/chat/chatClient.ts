import { ApiError, api, upload } from '../api/http';
import { hubErrorMessage } from '../api/liveConnection';
import type { Contact, Limits, Media, Message, Page, PresenceDelta, ReadUpTo, SearchHit, TypingEvent, User } from '../api/types';
import { Attention } from './attention';
import { ConversationList } from './conversations';
import { PeopleDirectory } from './directory';
import { LiveLink } from './liveLink';
import { Outbox, type DeliveryOutcome, type OutboxEntry } from './outbox';
import { PresenceBoard } from './presence';
import { Session } from './session';
import { quoteOf } from './messageStore';
import { ChatStore } from './state';
import { Threads } from './threads';

export type { ChatState, Connectivity, Presence, Reads, Thread } from './state';

const typingSentEvery = 2000;

/**
 * The signed-in messenger outside React, as a thin façade: it wires the live connection's
 * events to the modules that own each concern (threads, conversation list, directory,
 * presence, outbox, session) and offers the UI its actions. React reads the state through
 * useChat(client, slice), re-rendering only for the slice it selected.
 */
export class ChatClient {
  private readonly store: ChatStore;
  private readonly session: Session;
  private readonly live: LiveLink;
  private readonly threads: Threads;
  private readonly conversations: ConversationList;
  private readonly directory: PeopleDirectory;
  private readonly presence: PresenceBoard;
  private readonly outbox: Outbox;
  private readonly attention: Attention;
  private readonly typingSentAt: Record<string, number> = {};
  private readonly markingRead: Record<string, number> = {};

  constructor(me: User, limits: Limits, onSignedOut: () => void) {
    this.store = new ChatStore(me, limits, Attention.loadMuted());
    this.session = new Session(this.store, () => {
      this.dispose();
      onSignedOut();
    });
    this.live = new LiveLink(this.store, { connected: () => this.onConnected(), sessionEnded: () => this.session.hasEnded() });
    this.threads = new Threads(this.store);
    this.conversations = new ConversationList(this.store);
    this.directory = new PeopleDirectory(this.store);
    this.presence = new PresenceBoard(this.store);
    this.outbox = new Outbox((entry) => this.deliver(entry), () => this.live.isConnected);
    this.attention = new Attention(this.store, (peerId) => (location.hash = `#/c/${encodeURIComponent(peerId)}`));
  }

  subscribe = (listener: () => void) => this.store.subscribe(listener);
  getState = () => this.store.getState();

  start() {
    const c = this.live.connection;
    c.on('MessageReceived', (m: Message) => this.onMessage(m, true));
    c.on('MessageUpdated', (m: Message) => this.onMessage(m, false));
    c.on('ReadUpTo', (e: ReadUpTo) => {
      if (!this.conversations.readUpTo(e, this.getState().me.id)) this.conversations.refreshSoon(this.onLoadError);
    });
    c.on('Typing', (e: TypingEvent) => this.presence.typing(e));
    c.on('PresenceChanged', (deltas: PresenceDelta[]) => this.presence.changed(deltas));
    // Loaded now, so the sidebar fills even when the live connection cannot open; loaded again
    // once it is open, which closes the gap in which a presence change or a message could fall
    // between this load and the subscription.
    this.refreshConversations();
    this.searchDirectory('');
    this.live.start();
  }

  dispose() {
    this.store.close();
    this.live.stop();
    this.conversations.dispose();
    this.presence.dispose();
    this.threads.dispose();
    this.attention.dispose();
  }

  // ---- Conversations, people, threads

  refreshConversations() {
    this.conversations.refresh().catch(this.onLoadError);
  }

  searchDirectory(query: string) {
    this.directory.search(query).catch(this.onLoadError);
  }

  moreDirectory() {
    this.directory.more().catch(this.onLoadError);
  }

  async openThread(peerId: string) {
    try {
      // A peer opened by link: their name and presence come with the conversation list.
      if (!this.getState().contacts[peerId]) await this.conversations.refresh();
      await this.threads.open(peerId);
    } catch (error) {
      this.onLoadError(error);
    }
  }

  loadOlder(peerId: string) {
    this.threads.loadOlder(peerId).catch(this.onLoadError);
  }

  // ---- Writing

  /** Shows a message at once (pending) and puts it in the outbox; an image uploads when it goes out. */
  async send(peerId: string, text: string | null, file?: File, replyTo?: Message) {
    const clientMessageId = newId();
    await this.threads.write(peerId, clientMessageId, text, file, replyTo && quoteOf(replyTo));
    this.outbox.add({ peerId, clientMessageId });
  }

  /** Adds or removes my reaction; both sides get the message again, live. */
  async react(message: Message, emoji: string, on: boolean) {
    const path = `/api/messages/${encodeURIComponent(message.id)}/reactions/${encodeURIComponent(emoji)}`;
    this.onMessage(await api<Message>(on ? 'PUT' : 'DELETE', path), false);
  }

  /** Loads older pages until the message with this seq is here (to show a quoted original or a search hit). */
  async reveal(peerId: string, seq: number) {
    await this.openThread(peerId);
    await this.threads.loadUntil(peerId, seq).catch(this.onLoadError);
  }

  // ---- Blocking and search

  async block(peerId: string, blocked: boolean) {
    await api<void>(blocked ? 'PUT' : 'DELETE', `/api/users/${encodeURIComponent(peerId)}/block`);
    this.store.set((s) => {
      const contact = s.contacts[peerId];
      return contact ? { contacts: { ...s.contacts, [peerId]: { ...contact, blocked } } } : {};
    });
    this.refreshConversations();
    this.directory.reload().catch(this.onLoadError);
  }

  mute(peerId: string, muted: boolean) {
    this.attention.setMuted(peerId, muted);
  }

  blockedPeople() {
    return api<Contact[]>('GET', '/api/users/blocked');
  }

  /** My messages holding every word of the query (one conversation with peerId), newest first. */
  searchMessages(query: string, peerId?: string, before?: string) {
    const params = new URLSearchParams({ q: query });
    if (peerId) params.set('peerId', peerId);
    if (before) params.set('before', before);
    return api<Page<SearchHit>>('GET', `/api/search/messages?${params}`);
  }

  /** Sends again under the same clientMessageId: a send that did reach the server is not stored twice. */
  retry(peerId: string, clientMessageId: string) {
    this.threads.retry(peerId, clientMessageId);
    this.outbox.add({ peerId, clientMessageId });
  }

  discard(peerId: string, clientMessageId: string) {
    this.threads.discard(peerId, clientMessageId);
  }

  async edit(message: Message, text: string) {
    this.onMessage(await api<Message>('PATCH', `/api/messages/${encodeURIComponent(message.id)}`, { text }), false);
  }

  async remove(message: Message) {
    await api<void>('DELETE', `/api/messages/${encodeURIComponent(message.id)}`);
    this.onMessage({ ...message, text: null, image: null, deleted: true }, false);
  }

  /** The user has seen the conversation up to its newest message. */
  markRead(peerId: string) {
    const state = this.getState();
    const latest = state.threads[peerId]?.messages.confirmed.at(-1)?.seq ?? 0;
    const read = Math.max(state.reads[peerId]?.mine ?? 0, this.markingRead[peerId] ?? 0);
    if (latest <= read || !this.live.isConnected) return;
    this.markingRead[peerId] = latest;
    this.conversations.advance(peerId, { mine: latest, peer: 0 });
    this.live.connection.invoke('MarkRead', peerId, latest).catch(() => (this.markingRead[peerId] = 0));
  }

  typing(peerId: string) {
    const now = Date.now();
    if (now - (this.typingSentAt[peerId] ?? 0) < typingSentEvery || !this.live.isConnected) return;
    this.typingSentAt[peerId] = now;
    this.live.connection.invoke('Typing', peerId).catch(() => undefined);
  }

  // ---- Profile and session

  updateProfile(fullName: string) {
    return this.session.updateProfile(fullName);
  }

  updateAvatar(file: File) {
    return this.session.updateAvatar(file);
  }

  logOut(everywhere: boolean) {
    return this.session.logOut(everywhere);
  }

  // ---- The live connection

  /** After every (re)connect: reload what may have changed, catch up open threads, then send the outbox. */
  private async onConnected() {
    this.refreshConversations();
    this.directory.reload().catch(this.onLoadError);
    await this.threads.catchUpAll().catch(this.onLoadError);
    void this.outbox.flush();
  }

  private async deliver({ peerId, clientMessageId }: OutboxEntry): Promise<DeliveryOutcome> {
    const message = this.threads.local(peerId, clientMessageId);
    if (message?.status !== 'pending') return 'sent'; // confirmed, failed or discarded meanwhile
    try {
      let mediaId = message.mediaId;
      const file = this.threads.file(clientMessageId);
      if (!mediaId && file) {
        const media = await upload<Media>('POST', '/api/media', file, (progress) => this.threads.patchLocal(peerId, clientMessageId, {
          preview: { ...this.threads.local(peerId, clientMessageId)!.preview!, progress },
        }));
        mediaId = media.id;
        this.threads.patchLocal(peerId, clientMessageId, { mediaId });
      }
      const sent = await this.live.connection.invoke<Message>('SendMessage', peerId,
        { clientMessageId, text: message.text, mediaId, replyToId: message.replyTo?.id ?? null });
      this.onMessage(sent, false);
      return 'sent';
    } catch (error) {
      if (!this.live.isConnected) return 'offline';
      this.threads.fail(peerId, clientMessageId, error instanceof ApiError ? error.message : hubErrorMessage(error));
      return 'sent';
    }
  }

  /**
   * A server copy of a message: pushed (MessageReceived/Updated) or the answer to my own send or
   * edit. The sender's own message comes twice (answer and push); the second changes nothing.
   */
  private onMessage(message: Message, pushed: boolean) {
    const me = this.getState().me.id;
    const peerId = message.senderId === me ? message.recipientId : message.senderId;
    if (pushed && message.senderId !== me) {
      this.live.connection.send('ConfirmDelivery', message.id, message.createdAt).catch(() => undefined);
    }
    // A peer's message seen for the first time (a repeated push of one already here draws nothing).
    const isNew = pushed && message.senderId !== me && !this.threads.get(peerId)?.messages.confirmed.some((m) => m.id === message.id);
    if (isNew) {
      const viewing = document.visibilityState === 'visible' && location.hash.startsWith(`#/c/${encodeURIComponent(peerId)}`);
      this.attention.arrived(message, this.getState().contacts[peerId]?.fullName ?? 'New message', viewing);
    }
    if (message.senderId === me) this.threads.release(peerId, message.clientMessageId);
    if (this.threads.isOpen(peerId) && !this.threads.received(peerId, message)) return; // already had it
    if (message.senderId === peerId) this.presence.stoppedTyping(peerId);
    if (!this.conversations.received(message, peerId, pushed)) this.conversations.refreshSoon(this.onLoadError);
  }

  private readonly onLoadError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) void this.session.hasEnded();
  };
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
