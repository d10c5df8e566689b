import { rest } from '../api/rest';
import { withContacts, withPresence } from './conversations';
import type { ChatStore } from './state';

const pageSize = 30;

/** People to talk to: a name search paged by the server's cursor; a newer search wins over an older answer. */
export class PeopleDirectory {
  constructor(private readonly store: ChatStore) {}

  async search(query: string) {
    this.store.set({ directory: { query, items: null, next: null, loadingMore: false } });
    await this.load(query, null);
  }

  /** The current search again (after a reconnect: presence and new people). */
  async reload() {
    await this.load(this.store.getState().directory.query, null);
  }

  async more() {
    const { query, next, loadingMore } = this.store.getState().directory;
    if (!next || loadingMore) return;
    this.store.set((s) => ({ directory: { ...s.directory, loadingMore: true } }));
    await this.load(query, next);
  }

  private async load(query: string, cursor: string | null) {
    try {
      const page = await rest.users.directory(query, pageSize, cursor ?? undefined);
      this.store.set((s) => {
        if (s.directory.query !== query) return {}; // a newer search has started
        const items = cursor ? [...(s.directory.items ?? []), ...page.items] : page.items;
        return {
          directory: { query, items, next: page.next, loadingMore: false },
          contacts: withContacts(s.contacts, page.items),
          presence: withPresence(s.presence, page.items),
        };
      });
    } catch (error) {
      this.store.set((s) => ({ directory: { ...s.directory, items: s.directory.items ?? [], loadingMore: false } }));
      throw error;
    }
  }
}
