// The types of docs/api.md (version 1.1), as the server sends them.

export interface User {
  id: string;
  email: string;
  fullName: string;
  avatarUrl: string | null;
  createdAt: string;
}

export interface Contact {
  id: string;
  fullName: string;
  avatarUrl: string | null;
  online: boolean;
  lastSeenAt: string | null;
  /** I blocked them (their presence is hidden, neither can message the other). */
  blocked?: boolean;
}

export interface Image {
  url: string;
  thumbnailUrl: string;
  width: number;
  height: number;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  clientMessageId: string;
  senderId: string;
  recipientId: string;
  text: string | null;
  image: Image | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  /** The message this one replies to, as it is now. */
  replyTo?: ReplyPreview | null;
  /** In order of first use; `mine`: the reader's own. */
  reactions?: Reaction[];
}

export interface ReplyPreview {
  id: string;
  seq: number;
  senderId: string;
  text: string | null;
  hasImage: boolean;
  deleted: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  mine: boolean;
}

export interface SearchHit {
  message: Message;
  peer: Contact;
}

export interface Conversation {
  id: string;
  peer: Contact;
  lastMessage: Message | null;
  lastSeq: number;
  unreadCount: number;
  myReadSeq: number;
  peerReadSeq: number;
}

export interface Media {
  id: string;
  url: string;
  thumbnailUrl: string;
  width: number;
  height: number;
  contentType: string;
  bytes: number;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface MessagePage {
  items: Message[];
  hasMore: boolean;
}

// Hub events.
export interface ReadUpTo {
  conversationId: string;
  readerId: string;
  seq: number;
}

export interface TypingEvent {
  conversationId: string;
  userId: string;
}

export interface PresenceDelta {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}

/** GET /api/limits: what the server enforces, so the client checks the same numbers before sending. */
export interface Limits {
  maxMessageTextLength: number;
  maxImageBytes: number;
  imageContentTypes: string[];
  maxFullNameLength: number;
  minPasswordLength: number;
  maxPasswordLength: number;
}
