// The types of docs/api.md (version 1.2: groups), as the server sends them.

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
  /** The peer in a pair; null in a group. */
  recipientId: string | null;
  text: string | null;
  image: Image | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  /** The message this one replies to, as it is now. */
  replyTo?: ReplyPreview | null;
  /** In order of first use; `mine`: the reader's own. */
  reactions?: Reaction[];
  /** The group members this message mentions. */
  mentions?: string[];
  /** A membership change in a group's timeline (no text, no image). */
  event?: GroupEvent | null;
}

export interface GroupEvent {
  type: 'created' | 'added' | 'removed' | 'left' | 'renamed' | 'avatar' | 'role';
  actorId: string;
  userIds: string[];
  /** The group's name (created, renamed) or the new role (role). */
  name: string | null;
}

export type GroupRole = 'owner' | 'admin' | 'member';

export interface GroupInfo {
  id: string;
  name: string;
  avatarUrl: string | null;
  memberCount: number;
  /** Null once I left. */
  myRole: GroupRole | null;
  createdAt: string;
  leftAt: string | null;
}

export interface Member {
  user: Contact;
  role: GroupRole;
  joinedAt: string;
  readSeq: number;
}

export interface GroupDetails {
  group: GroupInfo;
  members: Member[];
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
  /** The other person of a pair; null for a group's message. */
  peer: Contact | null;
  group?: GroupInfo | null;
}

export interface Conversation {
  id: string;
  kind?: 'direct' | 'group';
  /** Null for a group. */
  peer: Contact | null;
  group?: GroupInfo | null;
  lastMessage: Message | null;
  lastSeq: number;
  unreadCount: number;
  /** Unread messages that mention me (groups). */
  mentionCount?: number;
  myReadSeq: number;
  peerReadSeq: number;
  /** Muted by me on any device: no push, no notification, not in the title's count (a mention still counts). */
  muted?: boolean;
  /** A first message to me from outside my conversations, waiting for Accept (my privacy choice). */
  request?: boolean;
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

export interface GroupChanged {
  group: GroupInfo;
}

export interface GroupReadProgress {
  conversationId: string;
  readers: { userId: string; seq: number }[];
}

export interface MuteChanged {
  conversationId: string;
  muted: boolean;
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
  maxGroupMembers?: number;
  maxGroupNameLength?: number;
}

/** A device that receives pushes (GET /api/push/subscriptions); current: this browser's session. */
export interface PushDevice {
  id: string;
  device: string;
  createdAt: string;
  current: boolean;
}

/** What a push carries (encrypted for this device): ids, never the text. */
export interface PushPayload {
  conversationId: string;
  seq: number;
  kind: 'message' | 'mention';
}

/** A signed-in device (GET /api/auth/sessions); place: the network it signed in from; current: this one. */
/** A download of all my data, prepared in the background and kept a day. */
export interface DataExport {
  id: string;
  status: 'preparing' | 'ready' | 'failed';
  /** 0 to 1. */
  progress: number;
  downloadUrl: string | null;
  expiresAt: string;
}

/** Who sees what of me (PUT sends only what changes). */
export interface Privacy {
  readReceipts: boolean;
  lastSeen: 'everyone' | 'conversations' | 'nobody';
  messagesFrom: 'everyone' | 'conversations';
}

export interface SessionInfo {
  id: string;
  device: string;
  createdAt: string;
  lastActiveAt: string;
  place: string | null;
  current: boolean;
}
