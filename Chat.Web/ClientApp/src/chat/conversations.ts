import { rest } from '../api/rest';
import type { Contact, Conversation, GroupInfo, Message, ReadUpTo } from '../api/types';
import { groupKey, keyOfConversation, type ConversationKey } from './conversationKeys';
import type { ChatStore, Presence, Reads } from './state';

/**
 * The conversation list (pairs and groups) with its unread and mention counts, and the read
 * marks of every conversation by its key (mine moves when I read, a pair's peer's when ReadUpTo
 * says so; both only forward). A group's members' marks are the members' own (groups.ts).
 */
export class ConversationList {
  private readonly keysByConversation = new Map<string, ConversationKey>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly store: ChatStore) {}

  async refresh() {
    this.restore(await rest.conversations.list());
  }

  /** The list as the server gave it (now, or as this browser kept it for an offline start). */
  restore(conversations: Conversation[]) {
    for (const c of conversations) this.keysByConversation.set(c.id, keyOfConversation(c));
    const peers = conversations.map((c) => c.peer).filter((p): p is Contact => p !== null);
    this.store.set((s) => ({
      conversations,
      contacts: withContacts(s.contacts, peers),
      presence: withPresence(s.presence, peers),
      reads: conversations.reduce((reads, c) => advanceReads(reads, keyOfConversation(c), { mine: c.myReadSeq, peer: c.peerReadSeq }), s.reads),
      // The server's mutes (set on any device).
      muted: conversations.filter((c) => c.muted).map(keyOfConversation),
    }));
  }

  /** Several events in a row (messages of new conversations) cost one reload. */
  refreshSoon(onError: (error: unknown) => void) {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh().catch(onError), 150);
  }

  dispose() {
    clearTimeout(this.refreshTimer);
  }

  find(key: ConversationKey): Conversation | undefined {
    return this.store.getState().conversations?.find((c) => keyOfConversation(c) === key);
  }

  /**
   * A message arrived (pushed, or the answer to my send): the conversation's preview, order and
   * unread count follow it. False when the conversation is not in the list yet (reload it).
   */
  received(message: Message, key: ConversationKey, pushed: boolean): boolean {
    this.keysByConversation.set(message.conversationId, key);
    const { reads, me } = this.store.getState();
    const current = this.find(key);
    if (!current) return false;
    const newest = message.seq >= current.lastSeq;
    const unread = pushed && message.seq > current.lastSeq && message.senderId !== me.id && message.seq > (reads[key]?.mine ?? 0);
    const mentioned = unread && message.mentions?.includes(me.id) === true;
    const lastMessage = newest || current.lastMessage?.id === message.id ? message : current.lastMessage;
    const lastSeq = Math.max(current.lastSeq, message.seq);
    if (lastMessage === current.lastMessage && lastSeq === current.lastSeq && !unread) return true;
    const updated = {
      ...current, lastMessage, lastSeq,
      unreadCount: current.unreadCount + (unread ? 1 : 0),
      mentionCount: (current.mentionCount ?? 0) + (mentioned ? 1 : 0),
    };
    this.store.set((s) => ({ conversations: sortByActivity(s.conversations!.map((c) => (c === current ? updated : c))) }));
    return true;
  }

  /** A group's own view changed (name, avatar, members, my role, that I left). False when it is not listed yet. */
  groupChanged(group: GroupInfo): boolean {
    const current = this.find(groupKey(group.id));
    if (!current) return false;
    this.store.set((s) => ({ conversations: s.conversations!.map((c) => (c === current ? { ...c, group } : c)) }));
    return true;
  }

  /** False when the conversation is not known yet (reload the list). */
  readUpTo({ conversationId, readerId, seq }: ReadUpTo, me: string): boolean {
    const mine = readerId === me;
    const key = mine ? this.keysByConversation.get(conversationId) : readerId;
    if (!key) return false;
    this.advance(key, mine ? { mine: seq, peer: 0 } : { mine: 0, peer: seq });
    return true;
  }

  /** My read mark moved (locally, before the server confirms): the unread and mention badges go. */
  advance(key: ConversationKey, seen: Reads) {
    this.store.set((s) => ({
      reads: advanceReads(s.reads, key, seen),
      conversations: seen.mine === 0 ? s.conversations
        : s.conversations?.map((c) => (keyOfConversation(c) === key && seen.mine >= c.lastSeq && (c.unreadCount > 0 || (c.mentionCount ?? 0) > 0)
          ? { ...c, unreadCount: 0, mentionCount: 0 } : c)) ?? null,
    }));
  }

  /** A group I left, taken off my list. */
  remove(key: ConversationKey) {
    this.store.set((s) => ({ conversations: s.conversations?.filter((c) => keyOfConversation(c) !== key) ?? null }));
  }
}

export function withContacts(contacts: Record<string, Contact>, list: Contact[]) {
  const next = { ...contacts };
  for (const c of list) next[c.id] = c;
  return next;
}

export function withPresence(presence: Record<string, Presence>, list: Contact[]) {
  const next = { ...presence };
  for (const c of list) next[c.id] = { online: c.online, lastSeenAt: c.lastSeenAt };
  return next;
}

function advanceReads(reads: Record<string, Reads>, key: ConversationKey, seen: Reads) {
  const current = reads[key] ?? { mine: 0, peer: 0 };
  if (seen.mine <= current.mine && seen.peer <= current.peer) return reads;
  return { ...reads, [key]: { mine: Math.max(current.mine, seen.mine), peer: Math.max(current.peer, seen.peer) } };
}

function sortByActivity(conversations: Conversation[]) {
  const at = (c: Conversation) => c.lastMessage?.createdAt ?? c.group?.createdAt ?? '';
  return [...conversations].sort((a, b) => at(b).localeCompare(at(a)));
}
