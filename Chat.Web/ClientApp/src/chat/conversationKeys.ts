import type { ConversationRef } from '../api/rest';
import type { Conversation, Message } from '../api/types';

/**
 * How the client names a conversation everywhere (threads, read marks, the outbox, mute, the
 * URL): a pair by the peer's id, as before groups; a group as "g:{groupId}". One key per
 * conversation, whatever its kind, so every module keeps one map.
 */
export type ConversationKey = string;

const groupPrefix = 'g:';

export const groupKey = (groupId: string): ConversationKey => groupPrefix + groupId;

/** The group's id, or null for a pair. */
export const groupIdOf = (key: ConversationKey): string | null => (key.startsWith(groupPrefix) ? key.slice(groupPrefix.length) : null);

export const keyOfConversation = (c: Conversation): ConversationKey => (c.kind === 'group' || !c.peer ? groupKey(c.id) : c.peer.id);

/** The conversation a message belongs to, as seen by me. */
export const keyOfMessage = (m: Message, me: string): ConversationKey =>
  m.recipientId === null ? groupKey(m.conversationId) : m.senderId === me ? m.recipientId : m.senderId;

/** The key of a conversation named by its id (a pair's "a_b", a group's id), as events carry it. */
export function keyOfConversationId(conversationId: string, me: string): ConversationKey {
  const pair = conversationId.split('_');
  return pair.length === 2 ? (pair[0] === me ? pair[1] : pair[0]) : groupKey(conversationId);
}

/** The id the API's /mute takes: a pair's peer id, a group's id. */
export const peerOrGroupId = (key: ConversationKey): string => groupIdOf(key) ?? key;

/** The conversation as the REST calls name it: a group by its id, a pair by the peer's. */
export function conversationRef(key: ConversationKey): ConversationRef {
  const groupId = groupIdOf(key);
  return groupId ? { groupId } : { peerId: key };
}
