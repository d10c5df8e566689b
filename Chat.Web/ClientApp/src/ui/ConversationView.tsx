import { Fragment, forwardRef, memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { Image, Message } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { dayKey, formatDay, presenceText } from './format';
import { Icon } from './Icon';
import { ImageViewer } from './ImageViewer';
import { LocalMessageItem, MessageItem, Quote } from './MessageItem';
import { useChat } from './useChat';
import { imageFileError, imagesIn, shrinkImage } from '../chat/imageFiles';
import { quoteOf } from '../chat/messageStore';

interface Props {
  client: ChatClient;
  peerId: string;
  /** A message to show (a search hit): loaded, scrolled to and highlighted. */
  focusSeq?: number;
}

// Within this many pixels of the end counts as "at the bottom": new messages keep it there,
// and what is there counts as seen.
const bottomSlack = 48;

/** One conversation: header, history with infinite scroll upward, and the composer. */
export function ConversationView({ client, peerId, focusSeq }: Props) {
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
  const [replyingTo, setReplyingTo] = useState<Message | null>(null);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const blocked = contact?.blocked === true;
  const muted = useChat(client, (s) => s.muted.includes(peerId));

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

  // A quoted original or a search hit: load back to it, bring it into view, mark it a moment.
  const showMessage = useCallback(async (seq: number) => {
    await client.reveal(peerId, seq);
    requestAnimationFrame(() => {
      const item = list.current?.querySelector(`[data-seq="${seq}"]`);
      if (!item) return;
      item.scrollIntoView({ block: 'center' });
      setHighlighted(seq);
      setTimeout(() => setHighlighted((current) => (current === seq ? null : current)), 2000);
    });
  }, [client, peerId]);
  useEffect(() => {
    if (focusSeq !== undefined && thread?.status === 'ready') void showMessage(focusSeq);
  }, [focusSeq, showMessage, thread?.status]);

  const onReply = useCallback((message: Message) => {
    setReplyingTo(message);
    composer.current?.focus();
  }, []);
  const onShowOriginal = useCallback((seq: number) => void showMessage(seq), [showMessage]);

  // Images dropped anywhere on the conversation go to the composer.
  const onDragOver = (event: DragEvent) => {
    if (blocked || ![...event.dataTransfer.types].includes('Files')) return;
    event.preventDefault();
    setDragging(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!blocked) composer.current?.addFiles(imagesIn(event.dataTransfer.files));
  };

  const unreadFrom = opened && confirmed.find((m) => m.seq > opened.read && m.seq <= opened.newest && m.senderId === peerId)?.seq;

  let previousDay = '';
  const daySeparator = (iso: string) => {
    const day = dayKey(iso);
    if (day === previousDay) return null;
    previousDay = day;
    return <li className="day"><span>{formatDay(iso)}</span></li>;
  };

  return (
    <section className={dragging ? 'conversation dragging' : 'conversation'} aria-label={`Conversation with ${name}`}
             onDragOver={onDragOver} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <header className="conversation-header">
        <a className="back" href="#/" aria-label="Back to conversations">‹</a>
        <Avatar name={name} url={contact?.avatarUrl ?? null} online={presence?.online} />
        <div>
          <h2>{name}</h2>
          <p className="status" data-testid="peer-status" aria-live="polite">
            {blocked ? 'Blocked' : typing ? <span className="typing" data-testid="typing">typing…</span> : presenceText(presence)}
          </p>
        </div>
        <div className="header-actions">
          <button type="button" className="link" aria-pressed={muted} onClick={() => client.mute(peerId, !muted)}>
            {muted ? 'Unmute' : 'Mute'}
          </button>
          <button type="button" className="link" onClick={() => void client.block(peerId, !blocked)}>
            {blocked ? 'Unblock' : 'Block'}
          </button>
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
                           peerName={name} canReact={!blocked} onReply={onReply} onShowOriginal={onShowOriginal}
                           highlighted={m.seq === highlighted}
                           editing={editingId === m.id} onEdit={setEditingId} onOpenImage={setViewing} />
            </Fragment>
          ))}
          {local.length > 0 && daySeparator(new Date().toISOString())}
          {local.map((m) => (
            <LocalMessageItem key={m.clientMessageId} message={m} client={client} peerId={peerId} peerName={name} />
          ))}
        </ol>
      </div>
      {blocked ? (
        <p className="blocked-notice" role="status" data-testid="blocked-notice">
          You blocked {name}. Neither of you can message the other.{' '}
          <button type="button" className="link" onClick={() => void client.block(peerId, false)}>Unblock</button>
        </p>
      ) : (
        <Composer ref={composer} name={name} client={client} peerId={peerId} onSent={stickToBottom}
                  replyTo={replyingTo} me={me} onCancelReply={() => setReplyingTo(null)} />
      )}
      {viewing && <ImageViewer image={viewing} onClose={() => setViewing(null)} />}
    </section>
  );
}

interface ComposerProps {
  name: string;
  client: ChatClient;
  peerId: string;
  me: string;
  replyTo: Message | null;
  onCancelReply: () => void;
  onSent: () => void;
}

interface ComposerHandle {
  focus: () => void;
  addFiles: (files: File[]) => void;
}

/**
 * Enter sends, Shift+Enter starts a new line. Images come picked (several at once), pasted or
 * dropped; each goes as its own message, in order, the text with the first, resized in the
 * browser to at most 2,048 px first. Memoised with stable props, so typing here does not
 * re-render the messages, nor they the composer.
 */
const Composer = memo(forwardRef<ComposerHandle, ComposerProps>(function Composer(
  { name, client, peerId, me, replyTo, onCancelReply, onSent }, ref) {
  const limits = useChat(client, (s) => s.limits);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  // Checked here with the server's own limits (after resizing), so a file the server would refuse is not uploaded.
  async function add(picked: File[]) {
    if (picked.length === 0) return;
    const resized = await Promise.all(picked.map(shrinkImage));
    const errors = resized.map((f) => imageFileError(f, limits));
    setFileError(errors.find((e) => e !== null) ?? null);
    setFiles((current) => [...current, ...resized.filter((_, i) => errors[i] === null)]);
    if (picker.current) picker.current.value = '';
  }

  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus(), addFiles: (picked) => void add(picked) }));

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const trimmed = text.trim();
    if (!trimmed && files.length === 0) return;
    onSent();
    const replying = replyTo ?? undefined;
    const sending = files;
    setText('');
    setFiles([]);
    onCancelReply();
    if (picker.current) picker.current.value = '';
    input.current?.focus();
    if (sending.length === 0) {
      await client.send(peerId, trimmed, undefined, replying);
      return;
    }
    // In order: each waits until the previous is in the outbox.
    for (const [i, file] of sending.entries()) {
      await client.send(peerId, i === 0 ? trimmed || null : null, file, i === 0 ? replying : undefined);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape' && replyTo) onCancelReply();
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) void submit(event);
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = imagesIn(event.clipboardData.files);
    if (pasted.length === 0) return;
    event.preventDefault();
    void add(pasted);
  }

  return (
    <form className="composer" onSubmit={(e) => void submit(e)} aria-label="Write a message">
      <input ref={picker} type="file" accept={limits.imageContentTypes.join(',')} hidden multiple
             data-testid="attach-input" onChange={(e) => void add([...(e.target.files ?? [])])} />
      <button type="button" className="icon" aria-label="Attach images" onClick={() => picker.current?.click()}><Icon name="attach" /></button>
      <div className="composer-body">
        {replyTo && (
          <div className="replying" data-testid="replying-to">
            <Quote quote={quoteOf(replyTo)}
                   mine={replyTo.senderId === me} peerName={name} />
            <button type="button" className="link" aria-label="Cancel the reply" onClick={onCancelReply}>Cancel</button>
          </div>
        )}
        {files.map((file, i) => (
          <p className="attachment" key={`${file.name}-${i}`} data-testid="attachment">
            <span><Icon name="photo" /> {file.name}</span>
            <button type="button" className="link" onClick={() => setFiles(files.filter((_, j) => j !== i))}>Remove</button>
          </p>
        ))}
        {fileError && <p className="attachment error" role="alert">{fileError}</p>}
        <textarea ref={input} rows={1} maxLength={limits.maxMessageTextLength} placeholder={`Message ${name}`} aria-label={`Message ${name}`}
                  value={text} autoFocus onPaste={onPaste}
                  onChange={(e) => { setText(e.target.value); if (e.target.value) client.typing(peerId); }} onKeyDown={onKeyDown} />
      </div>
      <button type="submit" className="primary" disabled={!text.trim() && files.length === 0}>Send</button>
    </form>
  );
}));
