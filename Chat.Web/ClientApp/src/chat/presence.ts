import type { PresenceDelta, TypingEvent } from '../api/types';
import type { ChatStore } from './state';

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
  typing({ userId }: TypingEvent) {
    const until = Date.now() + typingShownFor;
    this.store.set((s) => ({ typingUntil: { ...s.typingUntil, [userId]: until } }));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.store.getState().typingUntil[userId] === until) this.stoppedTyping(userId);
    }, typingShownFor);
    this.timers.add(timer);
  }

  stoppedTyping(userId: string) {
    if (!(userId in this.store.getState().typingUntil)) return;
    this.store.set((s) => {
      const { [userId]: _, ...rest } = s.typingUntil;
      return { typingUntil: rest };
    });
  }

  dispose() {
    for (const timer of this.timers) clearTimeout(timer);
  }
}
