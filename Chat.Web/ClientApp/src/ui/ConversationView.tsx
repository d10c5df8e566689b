import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Image } from '../api/types';
import type { ChatClient, ChatState } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { dayKey, formatDay, presenceText } from './format';
import { Icon } from './Icon';
import { ImageViewer } from './ImageViewer';
import { LocalMessageItem, MessageItem } from './MessageItem';

interface Props {
  client: ChatClient;
  state: ChatState;
  peerId: string;
}

// Within this many pixels of the end counts as "at the bottom": new messages keep it there,
// and what is there counts as seen.
const bottomSlack = 48;

/** One conversation: header, history with infinite scroll upward, and the composer. */
export function ConversationView({ client, state, peerId }: Props) {
  const thread = state.threads[peerId];
  const contact = state.contacts[peerId];
  const presence = state.connectivity === 'online' ? state.presence[peerId] : undefined; // stale while offline
  const peerRead = state.reads[peerId]?.peer ?? 0;
  const typing = (state.typingUntil[peerId] ?? 0) > Date.now();
  const name = contact?.fullName ?? 'Conversation';
  const [viewing, setViewing] = useState<Image | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);

  // The unread marker sits where the user had read up to when the conversation opened; what
  // arrives while it is open is seen as it comes, and gets no marker.
  const [opened, setOpened] = useState<{ read: number; newest: number } | null>(null);
  if (opened === null && thread?.status === 'ready') {
    setOpened({ read: state.reads[peerId]?.mine ?? 0, newest: thread.messages.confirmed.at(-1)?.seq ?? 0 });
  }

  useEffect(() => void client.openThread(peerId), [client, peerId]);

  const list = useRef<HTMLDivElement>(null);
  const fromBottom = useRef(0);
  const markSeen = useCallback(() => {
    if (fromBottom.current < bottomSlack && document.visibilityState === 'visible') client.markRead(peerId);
  }, [client, peerId]);

  const onScroll = () => {
    const el = list.current!;
    fromBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (el.scrollTop < 300) void client.loadOlder(peerId);
    markSeen();
  };

  // Whatever changed above or below, keep the same distance from the end: older messages
  // arriving on top do not move what the user is reading; at the bottom, stay at the bottom.
  const confirmed = thread?.messages.confirmed ?? [];
  const local = thread?.messages.local ?? [];
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const distance = fromBottom.current < bottomSlack ? 0 : fromBottom.current;
    el.scrollTop = el.scrollHeight - el.clientHeight - distance;
    // A first page shorter than the view cannot be scrolled up: fetch the next one now.
    if (el.scrollHeight <= el.clientHeight && thread?.hasOlder) void client.loadOlder(peerId);
  }, [client, peerId, confirmed, local, thread?.hasOlder]);

  useEffect(() => {
    markSeen();
    document.addEventListener('visibilitychange', markSeen);
    return () => document.removeEventListener('visibilitychange', markSeen);
  }, [markSeen, confirmed]);

  const unreadFrom = opened && confirmed.find((m) => m.seq > opened.read && m.seq <= opened.newest && m.senderId === peerId)?.seq;

  let previousDay = '';
  const daySeparator = (iso: string) => {
    const day = dayKey(iso);
    if (day === previousDay) return null;
    previousDay = day;
    return <li className="day"><span>{formatDay(iso)}</span></li>;
  };

  return (
    <section className="conversation" aria-label={`Conversation with ${name}`}>
      <header className="conversation-header">
        <a className="back" href="#/" aria-label="Back to conversations">‹</a>
        <Avatar name={name} url={contact?.avatarUrl ?? null} online={presence?.online} />
        <div>
          <h2>{name}</h2>
          <p className="status" data-testid="peer-status" aria-live="polite">
            {typing ? <span className="typing" data-testid="typing">typing…</span> : presenceText(presence)}
          </p>
        </div>
      </header>
      <div className="messages" ref={list} onScroll={onScroll} data-testid="messages">
        {thread?.loadingOlder && <p className="loading-older" role="status">Loading earlier messages…</p>}
        {thread && !thread.hasOlder && thread.status === 'ready' && confirmed.length > 0 && (
          <p className="history-start">This is the beginning of your conversation with {name}.</p>
        )}
        {thread?.status === 'loading' && <p className="hint centered" role="status">Loading messages…</p>}
        {thread?.status === 'error' && <p className="hint centered" role="alert">The messages could not be loaded.</p>}
        {thread?.status === 'ready' && confirmed.length === 0 && local.length === 0 && (
          <p className="hint centered">No messages yet. Say hello!</p>
        )}
        <ol className="message-list" aria-label="Messages">
          {confirmed.map((m) => (
            <Fragment key={m.id}>
              {daySeparator(m.createdAt)}
              {m.seq === unreadFrom && <li className="unread-marker" data-testid="unread-marker"><span>New messages</span></li>}
              <MessageItem client={client} message={m} mine={m.senderId === state.me.id} read={m.seq <= peerRead}
                           editing={editingId === m.id} onEdit={setEditingId} onOpenImage={setViewing} />
            </Fragment>
          ))}
          {local.length > 0 && daySeparator(new Date().toISOString())}
          {local.map((m) => (
            <LocalMessageItem key={m.clientMessageId} message={m}
                              onRetry={() => client.retry(peerId, m.clientMessageId)}
                              onDiscard={() => client.discard(peerId, m.clientMessageId)} />
          ))}
        </ol>
      </div>
      <Composer name={name} onTyping={() => client.typing(peerId)}
                onSend={(text, file) => { fromBottom.current = 0; void client.send(peerId, text, file); }} />
      {viewing && <ImageViewer image={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}

interface ComposerProps {
  name: string;
  onTyping: () => void;
  onSend: (text: string | null, file?: File) => void;
}

/** Enter sends, Shift+Enter starts a new line; an attached image goes with the text. */
function Composer({ name, onTyping, onSend }: ComposerProps) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const trimmed = text.trim();
    if (!trimmed && !file) return;
    onSend(trimmed || null, file ?? undefined);
    setText('');
    setFile(null);
    if (picker.current) picker.current.value = '';
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }

  return (
    <form className="composer" onSubmit={submit} aria-label="Write a message">
      <input ref={picker} type="file" accept="image/jpeg,image/png,image/webp,image/gif" hidden
             data-testid="attach-input" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <button type="button" className="icon" aria-label="Attach an image" onClick={() => picker.current?.click()}><Icon name="attach" /></button>
      <div className="composer-body">
        {file && (
          <p className="attachment">
            <span><Icon name="photo" /> {file.name}</span>
            <button type="button" className="link" onClick={() => { setFile(null); picker.current!.value = ''; }}>Remove</button>
          </p>
        )}
        <textarea ref={input} rows={1} maxLength={4000} placeholder={`Message ${name}`} aria-label={`Message ${name}`}
                  value={text} autoFocus
                  onChange={(e) => { setText(e.target.value); if (e.target.value) onTyping(); }} onKeyDown={onKeyDown} />
      </div>
      <button type="submit" className="primary" disabled={!text.trim() && !file}>Send</button>
    </form>
  );
}
