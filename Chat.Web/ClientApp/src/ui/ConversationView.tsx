import { Fragment, memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Image } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { dayKey, formatDay, presenceText } from './format';
import { Icon } from './Icon';
import { ImageViewer } from './ImageViewer';
import { LocalMessageItem, MessageItem } from './MessageItem';
import { useChat } from './useChat';
import { imageFileError } from '../chat/imageFiles';

interface Props {
  client: ChatClient;
  peerId: string;
}

// Within this many pixels of the end counts as "at the bottom": new messages keep it there,
// and what is there counts as seen.
const bottomSlack = 48;

/** One conversation: header, history with infinite scroll upward, and the composer. */
export function ConversationView({ client, peerId }: Props) {
  const me = useChat(client, (s) => s.me.id);
  const maxTextLength = useChat(client, (s) => s.limits.maxMessageTextLength);
  const thread = useChat(client, (s) => s.threads[peerId]);
  const contact = useChat(client, (s) => s.contacts[peerId]);
  const online = useChat(client, (s) => s.connectivity === 'online');
  const knownPresence = useChat(client, (s) => s.presence[peerId]);
  const presence = online ? knownPresence : undefined; // stale while offline
  const peerRead = useChat(client, (s) => s.reads[peerId]?.peer ?? 0);
  const myRead = useChat(client, (s) => s.reads[peerId]?.mine ?? 0);
  const typing = useChat(client, (s) => s.typingUntil[peerId] ?? 0) > Date.now();
  const name = contact?.fullName ?? 'Conversation';
  const [viewing, setViewing] = useState<Image | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);

  // The unread marker sits where the user had read up to when the conversation opened; what
  // arrives while it is open is seen as it comes, and gets no marker.
  const [opened, setOpened] = useState<{ read: number; newest: number } | null>(null);
  if (opened === null && thread?.status === 'ready') {
    setOpened({ read: myRead, newest: thread.messages.confirmed.at(-1)?.seq ?? 0 });
  }

  useEffect(() => void client.openThread(peerId), [client, peerId]);

  const list = useRef<HTMLDivElement>(null);
  const fromBottom = useRef(0);
  const markSeen = useCallback(() => {
    if (fromBottom.current < bottomSlack && document.visibilityState === 'visible') client.markRead(peerId);
  }, [client, peerId]);

  // What the user sends is shown: the view follows to the bottom.
  const stickToBottom = useCallback(() => { fromBottom.current = 0; }, []);

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
              <MessageItem client={client} message={m} mine={m.senderId === me} read={m.seq <= peerRead} maxTextLength={maxTextLength}
                           editing={editingId === m.id} onEdit={setEditingId} onOpenImage={setViewing} />
            </Fragment>
          ))}
          {local.length > 0 && daySeparator(new Date().toISOString())}
          {local.map((m) => (
            <LocalMessageItem key={m.clientMessageId} message={m} client={client} peerId={peerId} />
          ))}
        </ol>
      </div>
      <Composer name={name} client={client} peerId={peerId} onSent={stickToBottom} />
      {viewing && <ImageViewer image={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}

interface ComposerProps {
  name: string;
  client: ChatClient;
  peerId: string;
  onSent: () => void;
}

/**
 * Enter sends, Shift+Enter starts a new line; an attached image goes with the text. Memoised
 * with stable props, so typing here does not re-render the messages, nor they the composer.
 */
const Composer = memo(function Composer({ name, client, peerId, onSent }: ComposerProps) {
  const limits = useChat(client, (s) => s.limits);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  // Checked here with the server's own limits, so a file the server would refuse is not uploaded.
  function pick(picked: File | null) {
    const error = picked && imageFileError(picked, limits);
    setFileError(error);
    setFile(error ? null : picked);
    if (error && picker.current) picker.current.value = '';
  }

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const trimmed = text.trim();
    if (!trimmed && !file) return;
    onSent();
    void client.send(peerId, trimmed || null, file ?? undefined);
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
      <input ref={picker} type="file" accept={limits.imageContentTypes.join(',')} hidden
             data-testid="attach-input" onChange={(e) => pick(e.target.files?.[0] ?? null)} />
      <button type="button" className="icon" aria-label="Attach an image" onClick={() => picker.current?.click()}><Icon name="attach" /></button>
      <div className="composer-body">
        {file && (
          <p className="attachment">
            <span><Icon name="photo" /> {file.name}</span>
            <button type="button" className="link" onClick={() => { setFile(null); picker.current!.value = ''; }}>Remove</button>
          </p>
        )}
        {fileError && <p className="attachment error" role="alert">{fileError}</p>}
        <textarea ref={input} rows={1} maxLength={limits.maxMessageTextLength} placeholder={`Message ${name}`} aria-label={`Message ${name}`}
                  value={text} autoFocus
                  onChange={(e) => { setText(e.target.value); if (e.target.value) client.typing(peerId); }} onKeyDown={onKeyDown} />
      </div>
      <button type="submit" className="primary" disabled={!text.trim() && !file}>Send</button>
    </form>
  );
});
