import { useEffect, useState } from 'react';
import type { Contact, Conversation } from '../api/types';
import type { ChatClient, Presence } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { keyOfConversation } from '../chat/conversationKeys';
import { NewGroupDialog } from './GroupDialogs';
import { describeEvent } from './groupEvents';
import { MessageSearch } from './MessageSearch';
import { formatWhen, presenceText } from './format';
import { conversationHref } from './routes';
import { useChat } from './useChat';

interface Props {
  client: ChatClient;
  /** The open conversation's key. */
  selectedKey: string | null;
}

/** Conversations first (pairs and groups, most recent first; a new group from here), then everyone else through the directory. */
export function Sidebar({ client, selectedKey }: Props) {
  const me = useChat(client, (s) => s.me.id);
  const conversations = useChat(client, (s) => s.conversations);
  const directory = useChat(client, (s) => s.directory);
  const presence = useChat(client, (s) => s.presence);
  const [query, setQuery] = useState(directory.query);
  const [onlineOnly, setOnlineOnly] = useState(false);
  const [creatingGroup, setCreatingGroup] = useState(false);
  const contacts = useChat(client, (s) => s.contacts);
  const muted = useChat(client, (s) => s.muted);
  // Offline, the last presence known may be stale: show none rather than a wrong green dot.
  const live = useChat(client, (s) => s.connectivity === 'online');
  const presenceOf = (c: Contact): Presence | undefined => (live ? presence[c.id] ?? c : undefined);

  useEffect(() => {
    if (query === client.getState().directory.query) return;
    const timer = setTimeout(() => client.searchDirectory(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [client, query]);

  // Message requests wait apart from the conversations (the privacy choice "who can message me").
  const requests = (conversations ?? []).filter((c) => c.request);
  const listed = conversations?.filter((c) => !c.request) ?? null;
  const row = (c: Conversation) => (
    <ConversationRow key={c.id} conversation={c} me={me} presence={c.peer ? presenceOf(c.peer) : undefined}
                     selected={keyOfConversation(c) === selectedKey} muted={muted.includes(keyOfConversation(c))}
                     nameOf={(id) => (id === me ? 'You' : contacts[id]?.fullName ?? 'Someone')} />
  );

  const onlineCount = Object.entries(presence).filter(([id, p]) => p.online && id !== me).length;
  const people = (directory.items ?? []).filter((c) => !onlineOnly || presenceOf(c)?.online);

  return (
    <nav className="sidebar" aria-label="Conversations and people">
      <MessageSearch client={client} />
      {requests.length > 0 && (
        <section aria-labelledby="requests-heading">
          <h2 id="requests-heading">Requests</h2>
          <ul className="list" data-testid="requests">{requests.map(row)}</ul>
        </section>
      )}
      <section aria-labelledby="conversations-heading">
        <h2 id="conversations-heading">
          Conversations
          <button type="button" className="link new-group" onClick={() => setCreatingGroup(true)}>New group</button>
        </h2>
        {creatingGroup && <NewGroupDialog client={client} onClose={() => setCreatingGroup(false)} />}
        {listed === null ? <Skeletons /> : listed.length === 0
          ? <p className="hint">No conversations yet. Find someone under People.</p>
          : <ul className="list" data-testid="conversations">{listed.map(row)}</ul>}
      </section>
      <section aria-labelledby="people-heading">
        <h2 id="people-heading">People {live && <span className="online-count" data-testid="online-count">{onlineCount} online</span>}</h2>
        <div className="people-tools">
          <input type="search" placeholder="Search people" aria-label="Search people" value={query}
                 onChange={(e) => setQuery(e.target.value)} />
          <label className="checkbox">
            <input type="checkbox" checked={onlineOnly} onChange={(e) => setOnlineOnly(e.target.checked)} /> Online only
          </label>
        </div>
        {directory.items === null ? <Skeletons /> : people.length === 0
          ? <p className="hint">{onlineOnly ? 'Nobody here is online.' : 'Nobody found.'}</p>
          : (
            <ul className="list" data-testid="people">
              {people.map((c) => (
                <li key={c.id}>
                  <a className="row" href={conversationHref(c.id)} aria-current={c.id === selectedKey ? 'page' : undefined}>
                    <Avatar name={c.fullName} url={c.avatarUrl} online={presenceOf(c)?.online} />
                    <span className="row-body">
                      <span className="row-title">{c.fullName}</span>
                      <span className="row-sub">{c.blocked ? 'Blocked' : presenceText(presenceOf(c))}</span>
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        {directory.next && (
          <button type="button" className="more" disabled={directory.loadingMore} onClick={() => client.moreDirectory()}>
            More people
          </button>
        )}
      </section>
    </nav>
  );
}

interface RowProps {
  conversation: Conversation;
  me: string;
  presence?: Presence;
  selected: boolean;
  muted: boolean;
  nameOf: (userId: string) => string;
}

/** A pair (the peer, their presence) or a group (its name, who wrote last), with unread and mention badges. */
function ConversationRow({ conversation: c, me, presence, selected, muted, nameOf }: RowProps) {
  const last = c.lastMessage;
  const group = c.group ?? null;
  const title = group ? group.name : c.peer!.fullName;
  const author = !last || last.event ? '' : last.senderId === me ? 'You: ' : group ? `${nameOf(last.senderId)}: ` : '';
  const preview = !last ? 'No messages yet'
    : last.event ? describeEvent(last.event, nameOf)
    : author + (last.deleted ? 'Message deleted' : last.text ?? 'Photo');
  const mentions = c.mentionCount ?? 0;
  return (
    <li>
      <a className="row" href={conversationHref(keyOfConversation(c))} aria-current={selected ? 'page' : undefined}
         data-testid="conversation" data-peer={c.peer?.id} data-group={group?.id}>
        <Avatar name={title} url={group ? group.avatarUrl : c.peer!.avatarUrl} online={presence?.online} />
        <span className="row-body">
          <span className="row-title">
            <span className="row-name">{title}{muted && <span className="muted-mark" aria-label="muted"> 🔕</span>}</span>
            {last && <time className="row-time" dateTime={last.createdAt}>{formatWhen(last.createdAt)}</time>}
          </span>
          <span className="row-sub">
            <span className="preview">
              {c.peer?.blocked ? <em>Blocked · </em> : null}{group?.leftAt ? <em>Left · </em> : null}
              {last?.image && !last.deleted && <Icon name="photo" />} {preview}
            </span>
            {mentions > 0 && !selected && <span className="badge mention" data-testid="mentions" aria-label={`${mentions} mentions of you`}>@</span>}
            {c.unreadCount > 0 && !selected && (
              <span className={muted ? 'badge quiet' : 'badge'} data-testid="unread" aria-label={`${c.unreadCount} unread`}>{c.unreadCount}</span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

function Skeletons() {
  return (
    <ul className="list" aria-busy="true" aria-label="Loading">
      {[0, 1, 2].map((i) => <li key={i} className="skeleton" />)}
    </ul>
  );
}
