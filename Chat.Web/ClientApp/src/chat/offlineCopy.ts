import type { Conversation, Limits, Message, User } from '../api/types';

/** A text message written and not sent yet, kept so a closed or offline app still sends it. */
export interface PendingText {
  key: string;
  clientMessageId: string;
  text: string;
  replyTo?: Message['replyTo'];
  mentions?: string[];
}

/** What the app needs to open without a network: who is signed in, the conversation list, the outbox. */
export interface OfflineCopy {
  me: User;
  limits: Limits;
  conversations: Conversation[] | null;
  outbox: PendingText[];
}

const storageKey = 'chat.offline';

/**
 * This browser's copy of the signed-in user's list and unsent messages (localStorage), so the
 * installed app opens offline where it was and sends what waits once it reconnects. Removed at
 * log-out. Images waiting to upload are not kept (their files do not survive a reload).
 */
export const OfflineCopies = {
  load(): OfflineCopy | null {
    try {
      const copy = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as OfflineCopy | null;
      return copy?.me?.id && Array.isArray(copy.outbox) ? copy : null;
    } catch {
      return null;
    }
  },

  save(copy: OfflineCopy) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(copy));
    } catch {
      // Storage full or refused: the app works online as before.
    }
  },

  clear() {
    localStorage.removeItem(storageKey);
  },
};
