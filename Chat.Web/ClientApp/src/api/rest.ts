import createClient, { type Middleware } from 'openapi-fetch';
import { toError, upload } from './http';
import type { paths } from './schema';
import type {
  ClientTelemetrySettings, Contact, Conversation, DataExport, GroupDetails, GroupInfo, GroupRole, Limits, Media, Member, Message, MessagePage, Page,
  Privacy, PushDevice, SearchHit, SessionInfo, User,
} from './types';

/**
 * The REST half of docs/api.md, one typed function per call: the paths, parameters and bodies are
 * checked against the server's OpenAPI document (schema.d.ts), so chat/ and ui/ call functions,
 * never URLs. Every call goes to this origin (the web front proxies /api) with the session cookie;
 * an error answer throws an ApiError carrying the server's ProblemDetails.
 */
const client = createClient<paths>({ credentials: 'same-origin' });

/** What every REST call passes through on its way out (the trace context, for one). */
export function useRequestMiddleware(middleware: Middleware) {
  client.use(middleware);
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

async function call<T>(request: Promise<Answer<unknown>>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) throw await toError(response.status, async () => (typeof error === 'string' ? error : JSON.stringify(error ?? '')));
  return data as T;
}

/** A pair by the peer's id, a group by its id: the two families of conversation paths. */
export type ConversationRef = { peerId: string } | { groupId: string };

export type HistoryQuery = { before?: number; after?: number; limit?: number };

export const rest = {
  limits: () => call<Limits>(client.GET('/api/limits')),

  auth: {
    signUp: (body: { email: string; fullName: string; password: string }) => call<User>(client.POST('/api/auth/signup', { body })),
    logIn: (body: { email: string; password: string }) => call<User>(client.POST('/api/auth/login', { body })),
    me: () => call<User>(client.GET('/api/auth/me')),
    /** The bare status of GET /api/auth/me: 401 when the session has ended. */
    meStatus: async () => (await client.GET('/api/auth/me')).response.status,
    logOut: (everywhere: boolean) => call<void>(everywhere ? client.POST('/api/auth/logout-all') : client.POST('/api/auth/logout')),
    sessions: () => call<SessionInfo[]>(client.GET('/api/auth/sessions')),
    endSession: (id: string) => call<void>(client.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } })),
    changePassword: (currentPassword: string, newPassword: string) =>
      call<void>(client.PUT('/api/auth/password', { body: { currentPassword, newPassword } })),
  },

  profile: {
    update: (fullName: string) => call<User>(client.PUT('/api/users/me', { body: { fullName } })),
    setAvatar: (file: Blob) => upload<User>('PUT', '/api/users/me/avatar', file),
    privacy: () => call<Privacy>(client.GET('/api/users/me/privacy')),
    setPrivacy: (change: Partial<Privacy>) =>
      call<Privacy>(client.PUT('/api/users/me/privacy', {
        body: { readReceipts: change.readReceipts ?? null, lastSeen: change.lastSeen ?? null, messagesFrom: change.messagesFrom ?? null },
      })),
  },

  account: {
    startExport: () => call<DataExport>(client.POST('/api/account/export')),
    export: (id: string) => call<DataExport>(client.GET('/api/account/export/{id}', { params: { path: { id } } })),
    delete: (password: string, keepMessages: boolean) => call<void>(client.DELETE('/api/account', { body: { password, keepMessages } })),
  },

  users: {
    directory: (q: string, limit: number, cursor?: string) =>
      call<Page<Contact>>(client.GET('/api/users', { params: { query: { q, limit, cursor } } })),
    blocked: () => call<Contact[]>(client.GET('/api/users/blocked')),
    setBlocked: (id: string, blocked: boolean) => {
      const params = { params: { path: { id } } };
      return call<void>(blocked ? client.PUT('/api/users/{id}/block', params) : client.DELETE('/api/users/{id}/block', params));
    },
  },

  conversations: {
    list: () => call<Conversation[]>(client.GET('/api/conversations')),
    history: (conversation: ConversationRef, query: HistoryQuery) =>
      call<MessagePage>('groupId' in conversation
        ? client.GET('/api/groups/{id}/messages', { params: { path: { id: conversation.groupId }, query } })
        : client.GET('/api/conversations/{peerId}/messages', { params: { path: { peerId: conversation.peerId }, query } })),
    /** A pair's peer id or a group's id. */
    setMuted: (id: string, muted: boolean) => {
      const params = { params: { path: { id } } };
      return call<void>(muted ? client.PUT('/api/conversations/{id}/mute', params) : client.DELETE('/api/conversations/{id}/mute', params));
    },
    acceptRequest: (peerId: string) => call<void>(client.POST('/api/conversations/{peerId}/accept', { params: { path: { peerId } } })),
    deleteRequest: (peerId: string) => call<void>(client.DELETE('/api/conversations/{peerId}/request', { params: { path: { peerId } } })),
  },

  messages: {
    edit: (id: string, text: string) => call<Message>(client.PATCH('/api/messages/{id}', { params: { path: { id } }, body: { text } })),
    delete: (id: string) => call<void>(client.DELETE('/api/messages/{id}', { params: { path: { id } } })),
    react: (id: string, emoji: string, on: boolean) => {
      const params = { params: { path: { id, emoji } } };
      return call<Message>(on ? client.PUT('/api/messages/{id}/reactions/{emoji}', params) : client.DELETE('/api/messages/{id}/reactions/{emoji}', params));
    },
    search: (query: { q: string; peerId?: string; conversationId?: string; before?: string; limit?: number }) =>
      call<Page<SearchHit>>(client.GET('/api/search/messages', { params: { query } })),
  },

  media: {
    upload: (file: Blob, onProgress?: (fraction: number) => void, traceparent?: string) =>
      upload<Media>('POST', '/api/media', file, onProgress, traceparent),
  },

  groups: {
    create: (name: string, memberIds: string[]) => call<Conversation>(client.POST('/api/groups', { body: { name, memberIds } })),
    details: (id: string) => call<GroupDetails>(client.GET('/api/groups/{id}', { params: { path: { id } } })),
    rename: (id: string, name: string) => call<GroupInfo>(client.PATCH('/api/groups/{id}', { params: { path: { id } }, body: { name } })),
    setAvatar: (id: string, file: Blob) => upload<GroupInfo>('PUT', `/api/groups/${encodeURIComponent(id)}/avatar`, file),
    addMembers: (id: string, userIds: string[]) => call<Member[]>(client.POST('/api/groups/{id}/members', { params: { path: { id } }, body: { userIds } })),
    removeMember: (id: string, userId: string) => call<void>(client.DELETE('/api/groups/{id}/members/{userId}', { params: { path: { id, userId } } })),
    setRole: (id: string, userId: string, role: GroupRole) =>
      call<Member>(client.PUT('/api/groups/{id}/members/{userId}/role', { params: { path: { id, userId } }, body: { role } })),
    deleteConversation: (id: string) => call<void>(client.DELETE('/api/groups/{id}/conversation', { params: { path: { id } } })),
    readers: (id: string, seq: number) => call<Contact[]>(client.GET('/api/groups/{id}/messages/{seq}/readers', { params: { path: { id, seq } } })),
  },

  telemetry: {
    settings: () => call<ClientTelemetrySettings>(client.GET('/api/telemetry/settings')),
  },

  push: {
    key: () => call<{ publicKey: string }>(client.GET('/api/push/key')),
    subscribe: (subscription: PushSubscriptionJSON) =>
      call<void>(client.PUT('/api/push/subscriptions', { body: subscription as never })),
    unsubscribe: (endpoint: string) => call<void>(client.DELETE('/api/push/subscriptions', { body: { endpoint } })),
    devices: () => call<PushDevice[]>(client.GET('/api/push/subscriptions')),
    removeDevice: (id: string) => call<void>(client.DELETE('/api/push/subscriptions/{id}', { params: { path: { id } } })),
  },
};

