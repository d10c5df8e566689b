import type { Contact, Conversation, GroupDetails, Limits, User } from '../api/types';
import type { ConversationState } from './messageStore';

export type Connectivity = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface Thread {
  messages: ConversationState;
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

/**
 * Everything the signed-in messenger shows, as one immutable value: each change replaces only
 * the slices it touches, so a component that selects one slice (useChat) re-renders only when
 * that slice changes.
 */
export interface ChatState {
  me: User;
  limits: Limits;
  connectivity: Connectivity;
  /** Most recent activity first; null while the first load runs. */
  conversations: Conversation[] | null;
  directory: Directory;
  /** Every user seen (conversation peers, directory entries), for names and avatars. */
  contacts: Record<string, Contact>;
  /** Live presence by user id: loaded with contacts, then kept by PresenceChanged deltas. */
  presence: Record<string, Presence>;
  /** By conversation key (a pair's peer id, a group's "g:" id: conversationKeys.ts). */
  reads: Record<string, Reads>;
  /** Open conversations by key. */
  threads: Record<string, Thread>;
  /** Until when (epoch ms) each peer shows as typing: by peer id in a pair, "{group key}/{user id}" in a group. */
  typingUntil: Record<string, number>;
  /** Conversations (keys) muted on the server: no push, no notification, not in the title's count (a mention in a group still does). */
  muted: string[];
  /** The groups opened, with their members, by group id. */
  groups: Record<string, GroupDetails>;
  /** How far each member has read, by group id then user id (members' readSeq, then GroupReadProgress). */
  groupReads: Record<string, Record<string, number>>;
}

type Changes = Partial<ChatState> | ((state: ChatState) => Partial<ChatState>);

/** The one place state changes: every module of the client writes through it; React reads it. */
export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(me: User, limits: Limits) {
    this.state = {
      me,
      limits,
      connectivity: 'connecting',
      conversations: null,
      directory: { query: '', items: null, next: null, loadingMore: false },
      contacts: {},
      presence: {},
      reads: {},
      threads: {},
      typingUntil: {},
      muted: [],
      groups: {},
      groupReads: {},
    };
  }

  getState = () => this.state;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  set(changes: Changes) {
    if (this.closed) return;
    const next = typeof changes === 'function' ? changes(this.state) : changes;
    if (Object.entries(next).every(([key, value]) => this.state[key as keyof ChatState] === value)) return;
    this.state = { ...this.state, ...next };
    for (const listener of this.listeners) listener();
  }

  /** After sign-out: later answers of requests still in flight change nothing. */
  close() {
    this.closed = true;
  }
}
