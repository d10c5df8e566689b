import { useEffect, useState } from 'react';
import type { Contact, Member } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import { groupKey } from '../chat/conversationKeys';
import { Avatar } from './Avatar';
import { presenceText } from './format';
import { Dialog, PeoplePicker } from './GroupDialogs';
import { useChat } from './useChat';

const roleLabel = { owner: 'Owner', admin: 'Admin', member: '' } as const;

/**
 * Who is in the group: roles, online dots and last seen, how far each has read; for admins the
 * name, the photo and the people (add, remove), for the owner the roles; for everyone leaving.
 * The server checks every change again.
 */
export function MemberPanel({ client, groupId, onClose }: { client: ChatClient; groupId: string; onClose: () => void }) {
  const me = useChat(client, (s) => s.me.id);
  const details = useChat(client, (s) => s.groups[groupId]);
  const reads = useChat(client, (s) => s.groupReads[groupId]);
  const presence = useChat(client, (s) => s.presence);
  const online = useChat(client, (s) => s.connectivity === 'online');
  const lastSeq = useChat(client, (s) => s.threads[groupKey(groupId)]?.messages.confirmed.at(-1)?.seq ?? 0);
  const myRead = useChat(client, (s) => s.reads[groupKey(groupId)]?.mine ?? 0);
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void client.groups.load(groupId).catch(() => undefined), [client, groupId]);

  if (!details) return <aside className="member-panel" aria-label="Members"><p className="hint" role="status">Loading members…</p></aside>;
  const { group, members } = details;
  const myRole = group.myRole;
  const manages = myRole === 'owner' || myRole === 'admin';
  const act = (action: Promise<unknown>) => action.then(() => setError(null), (e: Error) => setError(e.message));

  const readText = (m: Member) => {
    const seq = Math.max(reads?.[m.user.id] ?? 0, m.readSeq, m.user.id === me ? myRead : 0);
    return seq >= lastSeq ? 'Read everything' : `${lastSeq - seq} unread`;
  };

  return (
    <aside className="member-panel" aria-label="Members" data-testid="member-panel">
      <header className="dialog-header">
        <h3>{group.memberCount} {group.memberCount === 1 ? 'member' : 'members'}</h3>
        <button type="button" className="link" aria-label="Close the members" onClick={onClose}>✕</button>
      </header>
      {manages && (renaming === null ? (
        <p className="panel-actions">
          <button type="button" className="link" onClick={() => setRenaming(group.name)}>Rename</button>
          <label className="link">
            Change photo
            <input type="file" accept="image/*" hidden onChange={(e) => e.target.files?.[0] && act(client.groups.setAvatar(groupId, e.target.files[0]))} />
          </label>
          <button type="button" className="link" onClick={() => setAdding(true)}>Add people</button>
        </p>
      ) : (
        <form className="panel-actions" onSubmit={(e) => { e.preventDefault(); void act(client.groups.rename(groupId, renaming.trim())).then(() => setRenaming(null)); }}>
          <input aria-label="Group name" value={renaming} maxLength={100} autoFocus onChange={(e) => setRenaming(e.target.value)} />
          <button type="submit" className="link" disabled={!renaming.trim()}>Save</button>
          <button type="button" className="link" onClick={() => setRenaming(null)}>Cancel</button>
        </form>
      ))}
      {error && <p className="form-error" role="alert">{error}</p>}
      <ul className="list" data-testid="members">
        {members.map((m) => {
          const seen = online ? presence[m.user.id] ?? m.user : undefined;
          return (
            <li key={m.user.id} className="row member" data-testid="member" data-user={m.user.id} data-role={m.role}>
              <Avatar name={m.user.fullName} url={m.user.avatarUrl} online={seen?.online} />
              <span className="row-body">
                <span className="row-title">
                  <span>{m.user.id === me ? `${m.user.fullName} (you)` : m.user.fullName}</span>
                  {roleLabel[m.role] && <span className="role" data-testid="role">{roleLabel[m.role]}</span>}
                </span>
                <span className="row-sub">
                  <span>{m.user.blocked ? 'Blocked' : presenceText(seen)}</span>
                  <span data-testid="read-position">{readText(m)}</span>
                </span>
                {m.user.id !== me && (
                  <span className="member-actions">
                    {myRole === 'owner' && (m.role === 'admin'
                      ? <button type="button" className="link" onClick={() => void act(client.setMemberRole(groupId, m.user.id, 'member'))}>Make member</button>
                      : <button type="button" className="link" onClick={() => void act(client.setMemberRole(groupId, m.user.id, 'admin'))}>Make admin</button>)}
                    {manages && m.role !== 'owner' && (
                      <button type="button" className="link danger" onClick={() => void act(client.groups.remove(groupId, m.user.id))}>Remove</button>
                    )}
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {myRole !== null && (
        <button type="button" className="link danger leave" onClick={() => void act(client.leaveGroup(groupId))}>Leave group</button>
      )}
      {adding && <AddPeopleDialog client={client} groupId={groupId} memberIds={members.map((m) => m.user.id)} onClose={() => setAdding(false)} />}
    </aside>
  );
}

function AddPeopleDialog({ client, groupId, memberIds, onClose }: { client: ChatClient; groupId: string; memberIds: string[]; onClose: () => void }) {
  const [picked, setPicked] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  const add = () => client.groups.add(groupId, picked.map((p) => p.id)).then(onClose, (e: Error) => setError(e.message));
  return (
    <Dialog title="Add people" onClose={onClose}>
      <div className="dialog-body">
        <PeoplePicker client={client} picked={picked} onChange={setPicked} excluded={memberIds} />
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="button" className="primary" disabled={picked.length === 0} onClick={() => void add()}>
          Add {picked.length > 0 ? picked.length : ''} to the group
        </button>
      </div>
    </Dialog>
  );
}
