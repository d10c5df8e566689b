import { useEffect, useState } from 'react';
import type { Contact, Conversation } from '../api/types';
import type { ChatClient, Presence } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { MessageSearch } from './MessageSearch';
import { formatWhen, presenceText } from './format';
import { conversationHref } from './routes';
import { useChat } from './useChat';

interface Props {
  client: ChatClient;
  selectedPeerId: string | null;
}

/** Conversations first (most recent first), then everyone else through the directory. */
export function Sidebar({ client, selectedPeerId }: Props) {
  const me = useChat(client, (s) => s.me.id);
  const conversations = useChat(client, (s) => s.conversations);
  const directory = useChat(client, (s) => s.directory);
  const presence = useChat(client, (s) => s.presence);
  const [query, setQuery] = useState(directory.query);
  const [onlineOnly, setOnlineOnly] = useState(false);
  // Offline, the last presence known may be stale: show none rather than a wrong green dot.
  const live = useChat(client, (s) => s.connectivity === 'online');
  const presenceOf = (c: Contact): Presence | undefined => (live ? presence[c.id] ?? c : undefined);

  useEffect(() => {
    if (query === client.getState().directory.query) return;
    const timer = setTimeout(() => client.searchDirectory(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [client, query]);

  const onlineCount = Object.entries(presence).filter(([id, p]) => p.online && id !== me).length;
  const people = (directory.items ?? []).filter((c) => !onlineOnly || presenceOf(c)?.online);

  return (
    <nav className="sidebar" aria-label="Conversations and people">
      <MessageSearch client={client} />
      <section aria-labelledby="conversations-heading">
        <h2 id="conversations-heading">Conversations</h2>
        {conversations === null ? <Skeletons /> : conversations.length === 0
          ? <p className="hint">No conversations yet. Find someone under People.</p>
          : (
            <ul className="list" data-testid="conversations">
              {conversations.map((c) => (
                <ConversationRow key={c.id} conversation={c} me={me} presence={presenceOf(c.peer)}
                                 selected={c.peer.id === selectedPeerId} />
              ))}
            </ul>
          )}
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
                  <a className="row" href={conversationHref(c.id)} aria-current={c.id === selectedPeerId ? 'page' : undefined}>
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

function ConversationRow({ conversation: c, me, presence, selected }: { conversation: Conversation; me: string; presence?: Presence; selected: boolean }) {
  const last = c.lastMessage;
  const preview = !last ? 'No messages yet'
    : (last.senderId === me ? 'You: ' : '') + (last.deleted ? 'Message deleted' : last.text ?? 'Photo');
  return (
    <li>
      <a className="row" href={conversationHref(c.peer.id)} aria-current={selected ? 'page' : undefined}
         data-testid="conversation" data-peer={c.peer.id}>
        <Avatar name={c.peer.fullName} url={c.peer.avatarUrl} online={presence?.online} />
        <span className="row-body">
          <span className="row-title">
            {c.peer.fullName}
            {last && <time className="row-time" dateTime={last.createdAt}>{formatWhen(last.createdAt)}</time>}
          </span>
          <span className="row-sub">
            <span className="preview">{c.peer.blocked ? <em>Blocked · </em> : null}{last?.image && !last.deleted && <Icon name="photo" />} {preview}</span>
            {c.unreadCount > 0 && !selected && (
              <span className="badge" data-testid="unread" aria-label={`${c.unreadCount} unread`}>{c.unreadCount}</span>
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
