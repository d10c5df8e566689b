import { api } from '../api/http';
import type { Contact, Conversation, Message, ReadUpTo } from '../api/types';
import type { ChatStore, Presence, Reads } from './state';

/**
 * The conversation list with its unread counts, and both read marks of every conversation
 * (mine moves when I read, the peer's when ReadUpTo says so; both only forward).
 */
export class ConversationList {
  private readonly peersByConversation = new Map<string, string>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly store: ChatStore) {}

  async refresh() {
    const conversations = await api<Conversation[]>('GET', '/api/conversations');
    for (const c of conversations) this.peersByConversation.set(c.id, c.peer.id);
    this.store.set((s) => ({
      conversations,
      contacts: withContacts(s.contacts, conversations.map((c) => c.peer)),
      presence: withPresence(s.presence, conversations.map((c) => c.peer)),
      reads: conversations.reduce((reads, c) => advanceReads(reads, c.peer.id, { mine: c.myReadSeq, peer: c.peerReadSeq }), s.reads),
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

  /**
   * A message arrived (pushed, or the answer to my send): the conversation's preview, order and
   * unread count follow it. False when the conversation is not in the list yet (reload it).
   */
  received(message: Message, peerId: string, pushed: boolean): boolean {
    this.peersByConversation.set(message.conversationId, peerId);
    const { conversations, reads } = this.store.getState();
    const current = conversations?.find((c) => c.peer.id === peerId);
    if (!current) return false;
    const newest = message.seq >= current.lastSeq;
    const unread = pushed && message.seq > current.lastSeq && message.senderId === peerId && message.seq > (reads[peerId]?.mine ?? 0);
    const lastMessage = newest || current.lastMessage?.id === message.id ? message : current.lastMessage;
    const lastSeq = Math.max(current.lastSeq, message.seq);
    if (lastMessage === current.lastMessage && lastSeq === current.lastSeq && !unread) return true;
    const updated = { ...current, lastMessage, lastSeq, unreadCount: current.unreadCount + (unread ? 1 : 0) };
    this.store.set((s) => ({ conversations: sortByActivity(s.conversations!.map((c) => (c === current ? updated : c))) }));
    return true;
  }

  /** False when the conversation is not known yet (reload the list). */
  readUpTo({ conversationId, readerId, seq }: ReadUpTo, me: string): boolean {
    const mine = readerId === me;
    const peerId = mine ? this.peersByConversation.get(conversationId) : readerId;
    if (!peerId) return false;
    this.advance(peerId, mine ? { mine: seq, peer: 0 } : { mine: 0, peer: seq });
    return true;
  }

  /** My read mark moved (locally, before the server confirms): the unread badge goes. */
  advance(peerId: string, seen: Reads) {
    this.store.set((s) => ({
      reads: advanceReads(s.reads, peerId, seen),
      conversations: seen.mine === 0 ? s.conversations
        : s.conversations?.map((c) => (c.peer.id === peerId && seen.mine >= c.lastSeq && c.unreadCount > 0 ? { ...c, unreadCount: 0 } : c)) ?? null,
    }));
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

function advanceReads(reads: Record<string, Reads>, peerId: string, seen: Reads) {
  const current = reads[peerId] ?? { mine: 0, peer: 0 };
  if (seen.mine <= current.mine && seen.peer <= current.peer) return reads;
  return { ...reads, [peerId]: { mine: Math.max(current.mine, seen.mine), peer: Math.max(current.peer, seen.peer) } };
}

function sortByActivity(conversations: Conversation[]) {
  const at = (c: Conversation) => c.lastMessage?.createdAt ?? '';
  return [...conversations].sort((a, b) => at(b).localeCompare(at(a)));
}
