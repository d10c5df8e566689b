import { rest } from '../api/rest';
import type { Message } from '../api/types';
import { keyOfConversation, peerOrGroupId, type ConversationKey } from './conversationKeys';
import type { ChatStore } from './state';

const notifyKey = 'chat.notifications';
/** Where mutes lived before the server kept them: moved there once, then removed. */
const legacyMutedKey = 'chat.muted';

/**
 * Drawing the user back when a message arrives elsewhere: the tab's title counts unread
 * messages and its icon gets a dot; with the user's leave (a setting, then the browser's
 * permission), a notification that opens the conversation. A muted conversation does none of
 * it, but for a mention of the user. Mutes are the server's (they follow the user to every
 * device and stop pushes too); the notification setting is this browser's (localStorage).
 */
export class Attention {
  private readonly unsubscribe: () => void;
  private shownTitle = '';

  constructor(private readonly store: ChatStore, private readonly openConversation: (key: ConversationKey) => void) {
    this.unsubscribe = store.subscribe(() => this.showUnread());
  }

  static notificationsWanted(): boolean {
    return localStorage.getItem(notifyKey) === 'on' && 'Notification' in window && Notification.permission === 'granted';
  }

  /** Asks the browser's permission when turning on; false when it was refused. */
  static async setNotifications(on: boolean): Promise<boolean> {
    if (on && 'Notification' in window && Notification.permission !== 'granted') {
      if ((await Notification.requestPermission()) !== 'granted') return false;
    }
    localStorage.setItem(notifyKey, on ? 'on' : 'off');
    return true;
  }

  /** Mutes or unmutes on the server, for every device; shown at once, put back if the server refuses. */
  async setMuted(key: ConversationKey, muted: boolean) {
    const before = this.store.getState().muted.includes(key);
    this.muteChanged(key, muted);
    try {
      await rest.conversations.setMuted(peerOrGroupId(key), muted);
    } catch (error) {
      this.muteChanged(key, before);
      throw error;
    }
  }

  /** A mute set here or on another device (MuteChanged), or the conversation list's flags. */
  muteChanged(key: ConversationKey, muted: boolean) {
    this.store.set((s) => (s.muted.includes(key) === muted ? {} : { muted: muted ? [...s.muted, key] : s.muted.filter((k) => k !== key) }));
  }

  /** Mutes an older version kept in this browser go to the server once (then follow the user everywhere). */
  async moveLegacyMutes() {
    let keys: unknown;
    try {
      keys = JSON.parse(localStorage.getItem(legacyMutedKey) ?? '[]');
    } catch {
      keys = [];
    }
    localStorage.removeItem(legacyMutedKey);
    if (!Array.isArray(keys)) return;
    for (const key of keys) if (typeof key === 'string') await this.setMuted(key, true).catch(() => undefined);
  }

  /**
   * A message pushed by someone else: a notification, unless the user is looking at that
   * conversation or muted it; a mention of the user in a group notifies even when muted.
   * In a group the title is the group and the body says who wrote.
   */
  arrived(message: Message, key: ConversationKey, title: string, senderName: string | null, viewing: boolean) {
    const { muted, me } = this.store.getState();
    const mentioned = message.mentions?.includes(me.id) === true;
    if (viewing || (muted.includes(key) && !mentioned) || !Attention.notificationsWanted()) return;
    const content = message.text ?? (message.image ? 'Photo' : '');
    const body = senderName ? `${senderName}${mentioned ? ' mentioned you' : ''}: ${content}` : content;
    const notification = new Notification(title, { body, tag: message.conversationId });
    notification.onclick = () => {
      window.focus();
      this.openConversation(key);
      notification.close();
    };
  }

  dispose() {
    this.unsubscribe();
    document.title = 'Chat';
    setFavicon(false);
  }

  private showUnread() {
    const { conversations, muted } = this.store.getState();
    // A muted conversation counts only its mentions of me.
    const unread = (conversations ?? []).reduce((sum, c) => sum + (muted.includes(keyOfConversation(c)) ? c.mentionCount ?? 0 : c.unreadCount), 0);
    const title = unread > 0 ? `(${unread}) Chat` : 'Chat';
    if (title === this.shownTitle) return;
    this.shownTitle = title;
    document.title = title;
    setFavicon(unread > 0);
  }
}

function setFavicon(dot: boolean) {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.appendChild(link);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M4 6h24v16H12l-6 5v-5H4z" fill="#3b82f6"/>${
    dot ? '<circle cx="25" cy="7" r="6" fill="#ef4444" stroke="#fff" stroke-width="2"/>' : ''}</svg>`;
  link.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
  link.dataset.unread = String(dot);
}
