import { rest } from '../api/rest';
import type { Conversation, GroupChanged, GroupReadProgress, GroupRole } from '../api/types';
import { withContacts, withPresence } from './conversations';
import type { ChatStore } from './state';

/**
 * The groups: their members (loaded when a group is opened, again when it changes), every
 * member's read position ("Seen by"), and the changes a member makes (name, avatar, people,
 * roles, leaving). The server checks who may do what; the client offers only what the role allows.
 */
export class Groups {
  constructor(private readonly store: ChatStore) {}

  async create(name: string, memberIds: string[]): Promise<Conversation> {
    return rest.groups.create(name, memberIds);
  }

  async load(groupId: string) {
    const details = await rest.groups.details(groupId);
    const people = details.members.map((m) => m.user);
    this.store.set((s) => ({
      groups: { ...s.groups, [groupId]: details },
      groupReads: { ...s.groupReads, [groupId]: Object.fromEntries(details.members.map((m) => [m.user.id, m.readSeq])) },
      contacts: withContacts(s.contacts, people),
      presence: withPresence(s.presence, people),
    }));
  }

  isLoaded(groupId: string) {
    return groupId in this.store.getState().groups;
  }

  /** GroupChanged: the new view; the members again when they may have changed (count, my role). */
  changed({ group }: GroupChanged): boolean {
    const known = this.store.getState().groups[group.id];
    if (!known) return false;
    this.store.set((s) => ({ groups: { ...s.groups, [group.id]: { ...known, group } } }));
    return group.memberCount !== known.group.memberCount || group.myRole !== known.group.myRole || group.leftAt !== known.group.leftAt;
  }

  /** GroupReadProgress: members' read seqs, only forward. */
  progress({ conversationId, readers }: GroupReadProgress) {
    this.store.set((s) => {
      const current = s.groupReads[conversationId] ?? {};
      const next = { ...current };
      for (const { userId, seq } of readers) next[userId] = Math.max(next[userId] ?? 0, seq);
      return { groupReads: { ...s.groupReads, [conversationId]: next } };
    });
  }

  async rename(groupId: string, name: string) {
    this.changed({ group: await rest.groups.rename(groupId, name) });
  }

  async setAvatar(groupId: string, file: File) {
    this.changed({ group: await rest.groups.setAvatar(groupId, file) });
  }

  async add(groupId: string, userIds: string[]) {
    await rest.groups.addMembers(groupId, userIds);
    await this.load(groupId);
  }

  /** Removes a member (admins), or me (leaving). */
  async remove(groupId: string, userId: string) {
    await rest.groups.removeMember(groupId, userId);
    await this.load(groupId);
  }

  async setRole(groupId: string, userId: string, role: Exclude<GroupRole, 'owner'>) {
    await rest.groups.setRole(groupId, userId, role);
    await this.load(groupId);
  }

  /** Takes a group I left off my list. */
  forget(groupId: string) {
    return rest.groups.deleteConversation(groupId);
  }

  /** Who of the members has read up to this seq ("Seen by"). */
  readers(groupId: string, seq: number) {
    return rest.groups.readers(groupId, seq);
  }
}

