import { ApiError } from '../api/http';
import { rest } from '../api/rest';
import { hubErrorMessage } from '../api/liveConnection';
import type {
  Conversation, GroupChanged, GroupRole, Limits, Message, User,
} from '../api/types';
import { Attention } from './attention';
import { conversationRef, groupIdOf, groupKey, keyOfConversationId, keyOfMessage, type ConversationKey } from './conversationKeys';
import { ConversationList } from './conversations';
import { Groups } from './groups';
import { PeopleDirectory } from './directory';
import { LiveLink } from './liveLink';
import { OfflineCopies, type OfflineCopy, type PendingText } from './offlineCopy';
import { Outbox, type DeliveryOutcome, type OutboxEntry } from './outbox';
import { SendTraces, messageShown } from '../telemetry/sendTraces';
import { startSpan, startTracing, stopTracing } from '../telemetry/tracing';
import { PresenceBoard } from './presence';
import { Session } from './session';
import { quoteOf } from './messageStore';
import { ChatStore } from './state';
import { Threads } from './threads';

export type { ChatState, Connectivity, Presence, Reads, Thread } from './state';
export type { ConversationKey } from './conversationKeys';

const typingSentEvery = 2000;

/**
 * The signed-in messenger outside React, as a thin façade: it wires the live connection's
 * events to the modules that own each concern (threads, conversation list, groups, directory,
 * presence, outbox, session) and offers the UI its actions. Conversations are named by their
 * key (a pair's peer id, a group's "g:" id; conversationKeys.ts), so pairs and groups share
 * every path. React reads the state through useChat(client, slice), re-rendering only for the
 * slice it selected.
 */
export class ChatClient {
  private readonly store: ChatStore;
  private readonly session: Session;
  private readonly live: LiveLink;
  private readonly threads: Threads;
  private readonly conversations: ConversationList;
  readonly groups: Groups;
  private readonly directory: PeopleDirectory;
  private readonly presence: PresenceBoard;
  private readonly outbox: Outbox;
  private readonly sendTraces = new SendTraces();
  private pageLoadTraced = false;
  private readonly attention: Attention;
  private readonly typingSentAt: Record<string, number> = {};
  private readonly markingRead: Record<string, number> = {};
  private readonly stopCopying: () => void;
  private copyTimer: ReturnType<typeof setTimeout> | undefined;

  /** @param restored this browser's copy of the user's list and unsent messages (offlineCopy.ts), to start from. */
  constructor(me: User, limits: Limits, onSignedOut: () => void, private readonly restored: OfflineCopy | null = null) {
    this.store = new ChatStore(me, limits);
    this.session = new Session(this.store, () => {
      this.dispose();
      onSignedOut();
    });
    this.live = new LiveLink(this.store, { connected: () => this.onConnected(), sessionEnded: () => this.session.hasEnded() });
    this.threads = new Threads(this.store);
    this.conversations = new ConversationList(this.store);
    this.groups = new Groups(this.store);
    this.directory = new PeopleDirectory(this.store);
    this.presence = new PresenceBoard(this.store);
    this.outbox = new Outbox((entry) => this.deliver(entry), () => this.live.isConnected);
    this.attention = new Attention(this.store, (key) => (location.hash = `#/c/${encodeURIComponent(key)}`));
    this.stopCopying = this.store.subscribe(() => {
      clearTimeout(this.copyTimer);
      this.copyTimer = setTimeout(() => this.keepCopy(), 300);
    });
  }

  subscribe = (listener: () => void) => this.store.subscribe(listener);
  getState = () => this.store.getState();

  start() {
    const c = this.live.hub;
    c.on('MessageReceived', (m) => this.onMessage(m, true));
    c.on('MessageUpdated', (m) => this.onMessage(m, false));
    c.on('ReadUpTo', (e) => {
      if (!this.conversations.readUpTo(e, this.getState().me.id)) this.conversations.refreshSoon(this.onLoadError);
    });
    c.on('Typing', (e) => this.presence.typing(e, this.getState().me.id));
    c.on('PresenceChanged', (deltas) => this.presence.changed(deltas));
    c.on('GroupChanged', (e) => this.onGroupChanged(e));
    c.on('GroupReadProgress', (e) => this.groups.progress(e));
    c.on('MuteChanged', (e) => this.attention.muteChanged(keyOfConversationId(e.conversationId, this.getState().me.id), e.muted));
    // What this browser kept: the list until the server's comes, the messages still to send.
    if (this.restored) {
      if (this.restored.conversations) this.conversations.restore(this.restored.conversations);
      for (const pending of this.restored.outbox) {
        void this.threads.write(pending.key, pending.clientMessageId, pending.text, undefined, pending.replyTo, pending.mentions);
        this.outbox.add({ key: pending.key, clientMessageId: pending.clientMessageId });
      }
    }
    // Loaded now, so the sidebar fills even when the live connection cannot open; loaded again
    // once it is open, which closes the gap in which a presence change or a message could fall
    // between this load and the subscription.
    const tracing = rest.telemetry.settings().then((settings) => startTracing(settings.sampleRatio), () => undefined);
    this.refreshConversations(tracing);
    this.searchDirectory('');
    this.live.start();
    void this.attention.moveLegacyMutes();
  }

  dispose() {
    void stopTracing();
    this.stopCopying();
    clearTimeout(this.copyTimer);
    this.store.close();
    this.live.stop();
    this.conversations.dispose();
    this.presence.dispose();
    this.threads.dispose();
    this.attention.dispose();
  }

  // ---- Conversations, people, threads

  /** @param tracing once tracing has started, the first list loaded is traced as the page load (from navigation to the list). */
  refreshConversations(tracing?: Promise<void>) {
    this.conversations.refresh().then(() => {
      if (!tracing || this.pageLoadTraced) return;
      this.pageLoadTraced = true;
      const loadedAt = Date.now();
      void tracing.then(() => startSpan('page load', { startTime: performance.timeOrigin }).end(loadedAt));
    }).catch(this.onLoadError);
  }

  searchDirectory(query: string) {
    this.directory.search(query).catch(this.onLoadError);
  }

  moreDirectory() {
    this.directory.more().catch(this.onLoadError);
  }

  /** People by name, for picking (a new group, adding members); apart from the sidebar's directory. */
  findPeople(query: string) {
    return rest.users.directory(query, 20);
  }

  async openThread(key: ConversationKey) {
    try {
      const groupId = groupIdOf(key);
      // A peer opened by link: their name and presence come with the conversation list; a
      // group's members with the group.
      if (groupId) {
        if (!this.groups.isLoaded(groupId)) await this.groups.load(groupId);
      } else if (!this.getState().contacts[key]) {
        await this.conversations.refresh();
      }
      await this.threads.open(key);
    } catch (error) {
      this.onLoadError(error);
    }
  }

  loadOlder(key: ConversationKey) {
    this.threads.loadOlder(key).catch(this.onLoadError);
  }

  // ---- Writing

  /** Shows a message at once (pending) and puts it in the outbox; an image uploads when it goes out. */
  async send(key: ConversationKey, text: string | null, file?: File, replyTo?: Message, mentions?: string[]) {
    const clientMessageId = newId();
    this.sendTraces.written(clientMessageId, groupIdOf(key) ? 'group' : 'direct');
    await this.threads.write(key, clientMessageId, text, file, replyTo && quoteOf(replyTo), mentions?.length ? mentions : undefined);
    this.outbox.add({ key, clientMessageId });
  }

  /** Adds or removes my reaction; every viewer gets the message again, live. */
  async react(message: Message, emoji: string, on: boolean) {
    this.onMessage(await rest.messages.react(message.id, emoji, on), false);
  }

  /** Loads older pages until the message with this seq is here (to show a quoted original or a search hit). */
  async reveal(key: ConversationKey, seq: number) {
    await this.openThread(key);
    await this.threads.loadUntil(key, seq).catch(this.onLoadError);
  }

  // ---- Groups

  /** A new group with me as its owner; its key, to open it. */
  async createGroup(name: string, memberIds: string[]): Promise<ConversationKey> {
    const conversation: Conversation = await this.groups.create(name, memberIds);
    await this.conversations.refresh();
    return groupKey(conversation.id);
  }

  /** I leave the group (what I saw stays readable, in my list until I remove it). */
  async leaveGroup(groupId: string) {
    await this.groups.remove(groupId, this.getState().me.id);
    this.refreshConversations();
  }

  async forgetGroup(groupId: string) {
    await this.groups.forget(groupId);
    this.conversations.remove(groupKey(groupId));
  }

  setMemberRole(groupId: string, userId: string, role: Exclude<GroupRole, 'owner'>) {
    return this.groups.setRole(groupId, userId, role);
  }

  // ---- Blocking and search

  async block(peerId: string, blocked: boolean) {
    await rest.users.setBlocked(peerId, blocked);
    this.store.set((s) => {
      const contact = s.contacts[peerId];
      return contact ? { contacts: { ...s.contacts, [peerId]: { ...contact, blocked } } } : {};
    });
    this.refreshConversations();
    this.directory.reload().catch(this.onLoadError);
  }

  /** A message request becomes a conversation: the sender sees my read marks and presence from now on. */
  async acceptRequest(peerId: string) {
    await rest.conversations.acceptRequest(peerId);
    await this.conversations.refresh();
  }

  /** A message request leaves my list until its sender writes again (they are not told). */
  async deleteRequest(peerId: string) {
    await rest.conversations.deleteRequest(peerId);
    await this.conversations.refresh();
  }

  /** Mutes on every device of mine: no pushes, no notifications (a mention in a group still does). */
  mute(key: ConversationKey, muted: boolean) {
    return this.attention.setMuted(key, muted);
  }

  blockedPeople() {
    return rest.users.blocked();
  }

  /** My messages holding every word of the query (in one conversation when given), newest first. */
  searchMessages(query: string, key?: ConversationKey, before?: string) {
    const groupId = key && groupIdOf(key);
    return rest.messages.search({ q: query, conversationId: groupId || undefined, peerId: groupId ? undefined : key, before });
  }

  /** Sends again under the same clientMessageId: a send that did reach the server is not stored twice. */
  retry(key: ConversationKey, clientMessageId: string) {
    this.threads.retry(key, clientMessageId);
    this.sendTraces.written(clientMessageId, groupIdOf(key) ? 'group' : 'direct');
    this.outbox.add({ key, clientMessageId });
  }

  discard(key: ConversationKey, clientMessageId: string) {
    this.threads.discard(key, clientMessageId);
  }

  async edit(message: Message, text: string) {
    this.onMessage(await rest.messages.edit(message.id, text), false);
  }

  async remove(message: Message) {
    await rest.messages.delete(message.id);
    this.onMessage({ ...message, text: null, image: null, deleted: true }, false);
  }

  /** The user has seen the conversation up to its newest message. */
  markRead(key: ConversationKey) {
    const state = this.getState();
    const latest = state.threads[key]?.messages.confirmed.at(-1)?.seq ?? 0;
    const read = Math.max(state.reads[key]?.mine ?? 0, this.markingRead[key] ?? 0);
    if (latest <= read || !this.live.isConnected) return;
    const groupId = groupIdOf(key);
    // A group I left: only up to where I may read (the server would refuse beyond).
    if (groupId && state.groups[groupId]?.group.myRole === null) return;
    this.markingRead[key] = latest;
    this.conversations.advance(key, { mine: latest, peer: 0 });
    const marked = this.live.hub.markRead(conversationRef(key), latest);
    marked.catch(() => (this.markingRead[key] = 0));
  }

  typing(key: ConversationKey) {
    const now = Date.now();
    if (now - (this.typingSentAt[key] ?? 0) < typingSentEvery || !this.live.isConnected) return;
    this.typingSentAt[key] = now;
    this.live.hub.typing(conversationRef(key)).catch(() => undefined);
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

  /** The account's devices and password (session.ts). */
  get account() {
    return this.session;
  }

  /** The list and the text messages waiting to go, for the next start (offline included). */
  private keepCopy() {
    const { me, limits, conversations } = this.getState();
    const outbox = this.outbox.waiting.flatMap(({ key, clientMessageId }): PendingText[] => {
      const local = this.threads.local(key, clientMessageId);
      return local?.status === 'pending' && local.text && !local.preview
        ? [{ key, clientMessageId, text: local.text, replyTo: local.replyTo, mentions: local.mentions }]
        : [];
    });
    OfflineCopies.save({ me, limits, conversations, outbox });
  }

  // ---- The live connection

  /** After every (re)connect: reload what may have changed, catch up open threads, then send the outbox. */
  private async onConnected() {
    this.refreshConversations();
    this.directory.reload().catch(this.onLoadError);
    await this.threads.catchUpAll().catch(this.onLoadError);
    void this.outbox.flush();
  }

  private async deliver({ key, clientMessageId }: OutboxEntry): Promise<DeliveryOutcome> {
    const message = this.threads.local(key, clientMessageId);
    if (message?.status !== 'pending') return 'sent'; // confirmed, failed or discarded meanwhile
    try {
      let mediaId = message.mediaId;
      const file = this.threads.file(clientMessageId);
      if (!mediaId && file) {
        const media = await rest.media.upload(file, (progress) => this.threads.patchLocal(key, clientMessageId, {
          preview: { ...this.threads.local(key, clientMessageId)!.preview!, progress },
        }), this.sendTraces.step(clientMessageId, 'upload image'));
        mediaId = media.id;
        this.threads.patchLocal(key, clientMessageId, { mediaId });
      }
      const request = {
        clientMessageId, text: message.text, mediaId, replyToId: message.replyTo?.id ?? null, mentions: message.mentions ?? null,
        traceparent: this.sendTraces.step(clientMessageId, 'hub invoke') ?? null,
      };
      const sent = await this.live.hub.send(conversationRef(key), request);
      this.sendTraces.acknowledged(sent);
      this.onMessage(sent, false);
      return 'sent';
    } catch (error) {
      if (!this.live.isConnected) {
        this.sendTraces.step(clientMessageId, 'outbox wait');
        return 'offline';
      }
      const reason = error instanceof ApiError ? error.message : hubErrorMessage(error);
      this.sendTraces.failed(clientMessageId, reason);
      this.threads.fail(key, clientMessageId, reason);
      return 'sent';
    }
  }

  /**
   * A server copy of a message: pushed (MessageReceived/Updated) or the answer to my own send or
   * edit. The sender's own message comes twice (answer and push); the second changes nothing.
   */
  private onMessage(message: Message, pushed: boolean) {
    const { me, contacts, groups } = this.getState();
    const key = keyOfMessage(message, me.id);
    const groupId = groupIdOf(key);
    if (pushed && message.senderId !== me.id) {
      this.live.hub.confirmDelivery(message).catch(() => undefined);
    }
    // Someone else's message seen for the first time (a repeated push of one already here draws nothing).
    const isNew = pushed && message.senderId !== me.id && !this.threads.get(key)?.messages.confirmed.some((m) => m.id === message.id);
    if (isNew && !message.event) {
      const viewing = document.visibilityState === 'visible' && location.hash.startsWith(`#/c/${encodeURIComponent(key)}`);
      const sender = contacts[message.senderId]?.fullName ?? null;
      const title = groupId ? this.conversations.find(key)?.group?.name ?? groups[groupId]?.group.name ?? 'Group' : sender ?? 'New message';
      this.attention.arrived(message, key, title, groupId ? sender ?? 'Someone' : null, viewing);
      messageShown(message, viewing && this.threads.isOpen(key));
    }
    if (message.senderId === me.id) this.threads.release(key, message.clientMessageId);
    // A change of members or roles: the member list again.
    if (groupId && message.event && this.groups.isLoaded(groupId)) this.groups.load(groupId).catch(this.onLoadError);
    if (this.threads.isOpen(key) && !this.threads.received(key, message)) return; // already had it
    if (!groupId && message.senderId === key) this.presence.stoppedTyping(key);
    if (groupId) this.presence.stoppedTyping(`${key}/${message.senderId}`);
    if (!this.conversations.received(message, key, pushed)) this.conversations.refreshSoon(this.onLoadError);
  }

  private onGroupChanged(changed: GroupChanged) {
    if (this.groups.changed(changed)) this.groups.load(changed.group.id).catch(this.onLoadError);
    if (!this.conversations.groupChanged(changed.group)) this.conversations.refreshSoon(this.onLoadError);
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
