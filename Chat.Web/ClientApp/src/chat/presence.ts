import type { PresenceDelta, TypingEvent } from '../api/types';
import { groupIdOf, groupKey, type ConversationKey } from './conversationKeys';
import type { ChatStore } from './state';

/** Who types where: a pair's peer by their id, a group's member as "{group key}/{user id}". */
export const typingKey = (conversation: ConversationKey, userId: string) =>
  groupIdOf(conversation) ? `${conversation}/${userId}` : userId;

const typingShownFor = 4000;

/** Who is online (PresenceChanged deltas over what the loads said) and who is typing to me. */
export class PresenceBoard {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly store: ChatStore) {}

  changed(deltas: PresenceDelta[]) {
    this.store.set((s) => {
      const presence = { ...s.presence };
      for (const d of deltas) presence[d.userId] = { online: d.online, lastSeenAt: d.lastSeenAt };
      return { presence };
    });
  }

  /** Shown for a few seconds unless renewed; a message from them ends it at once (stoppedTyping). */
  typing({ conversationId, userId }: TypingEvent, me: string) {
    if (userId === me) return; // a group's typing reaches every member, me too
    // A pair's id joins its two user ids; a group's is one id.
    const key = conversationId.includes('_') ? userId : typingKey(groupKey(conversationId), userId);
    const until = Date.now() + typingShownFor;
    this.store.set((s) => ({ typingUntil: { ...s.typingUntil, [key]: until } }));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.store.getState().typingUntil[key] === until) this.stoppedTyping(key);
    }, typingShownFor);
    this.timers.add(timer);
  }

  /** By typing key (typingKey). */
  stoppedTyping(key: string) {
    if (!(key in this.store.getState().typingUntil)) return;
    this.store.set((s) => {
      const { [key]: _, ...rest } = s.typingUntil;
      return { typingUntil: rest };
    });
  }

  dispose() {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
