// The server's contracts, as its OpenAPI document (Chat.Api/openapi/chat-api.json, written at
// build time) describes them: schema.d.ts is generated from it (npm run generate:api), so a
// changed contract changes these types and shows in review. The names here are the client's.
// Where the server sends one of a few fixed strings, the client's narrower type is stated on top.
import type { components } from './schema';

type Schemas = components['schemas'];

export type User = Schemas['UserResponse'];
export type Contact = Schemas['ContactResponse'];
export type Image = Schemas['MessageImage'];
export type GroupRole = 'owner' | 'admin' | 'member';
export type GroupEvent = Omit<Schemas['GroupEvent'], 'type'> & {
  type: 'created' | 'added' | 'removed' | 'left' | 'renamed' | 'avatar' | 'role';
};
export type Message = Omit<Schemas['MessageResponse'], 'event'> & { event: GroupEvent | null };
export type GroupInfo = Omit<Schemas['GroupInfo'], 'myRole'> & { myRole: GroupRole | null };
export type Member = Omit<Schemas['MemberResponse'], 'role'> & { role: GroupRole };
export type GroupDetails = { group: GroupInfo; members: Member[] };
export type ReplyPreview = Schemas['ReplyPreview'];
export type Reaction = Schemas['ReactionSummary'];
export type SearchHit = Omit<Schemas['SearchHit'], 'message' | 'group'> & { message: Message; group: GroupInfo | null };
export type Conversation = Omit<Schemas['ConversationResponse'], 'kind' | 'group' | 'lastMessage'> & {
  kind: 'direct' | 'group';
  group: GroupInfo | null;
  lastMessage: Message | null;
};
export type Media = Schemas['MediaResponse'];
export type MessagePage = Omit<Schemas['MessagePage'], 'items'> & { items: Message[] };
export type Limits = Schemas['LimitsResponse'];
export type ClientTelemetrySettings = Schemas['ClientTelemetrySettings'];
export type PushDevice = Schemas['PushDeviceResponse'];
export type SessionInfo = Schemas['SessionResponse'];
export type DataExport = Omit<Schemas['ExportResponse'], 'status'> & { status: 'preparing' | 'ready' | 'failed' };
export type Privacy = Omit<Schemas['PrivacyResponse'], 'lastSeen' | 'messagesFrom'> & {
  lastSeen: 'everyone' | 'conversations' | 'nobody';
  messagesFrom: 'everyone' | 'conversations';
};

/** A page of a list the server pages by cursor (the directory, search). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

// Hub events (IChatClient).
export type ReadUpTo = Schemas['ReadUpToEvent'];
export type TypingEvent = Schemas['TypingEvent'];
export type GroupChanged = { group: GroupInfo };
export type GroupReadProgress = Schemas['GroupReadProgressEvent'];
export type MuteChanged = Schemas['MuteChangedEvent'];
export type PresenceDelta = Schemas['PresenceDelta'];

/** What a push carries (encrypted for this device): ids, never the text. Written by the server's PushDispatcher, read by the service worker. */
export interface PushPayload {
  conversationId: string;
  seq: number;
  kind: 'message' | 'mention';
}
