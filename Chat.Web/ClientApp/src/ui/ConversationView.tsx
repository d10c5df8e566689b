import { Fragment, forwardRef, memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { Contact, Image, Message } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { dayKey, formatDay, presenceText } from './format';
import { Icon } from './Icon';
import { ImageViewer } from './ImageViewer';
import { LocalMessageItem, MessageItem, Quote } from './MessageItem';
import { useChat } from './useChat';
import { imageFileError, imagesIn, shrinkImage } from '../chat/imageFiles';
import { quoteOf } from '../chat/messageStore';
import { groupIdOf } from '../chat/conversationKeys';
import { describeEvent, typingText } from './groupEvents';
import { MemberPanel } from './MemberPanel';
import { insertMention, mentionAt, mentionCandidates, mentionsIn } from './mentions';

interface Props {
  client: ChatClient;
  /** A pair's peer id or a group's "g:" id (chat/conversationKeys.ts). */
  conversationKey: string;
  /** A message to show (a search hit): loaded, scrolled to and highlighted. */
  focusSeq?: number;
}

// Within this many pixels of the end counts as "at the bottom": new messages keep it there,
// and what is there counts as seen.
const bottomSlack = 48;

/**
 * One conversation, a pair or a group: header, history with infinite scroll upward, and the
 * composer. A group adds its members (names on messages, "Seen by", who is typing, the member
 * panel), its events as timeline lines, and mentions.
 */
export function ConversationView({ client, conversationKey: peerId, focusSeq }: Props) {
  const me = useChat(client, (s) => s.me.id);
  const maxTextLength = useChat(client, (s) => s.limits.maxMessageTextLength);
  const thread = useChat(client, (s) => s.threads[peerId]);
  const groupId = groupIdOf(peerId);
  const details = useChat(client, (s) => (groupId ? s.groups[groupId] : undefined));
  const listed = useChat(client, (s) => (groupId ? s.conversations?.find((c) => c.id === groupId)?.group : undefined));
  const group = details?.group ?? listed ?? null;
  const contacts = useChat(client, (s) => s.contacts);
  const contact = groupId ? undefined : contacts[peerId];
  const online = useChat(client, (s) => s.connectivity === 'online');
  const knownPresence = useChat(client, (s) => s.presence[peerId]);
  const presence = online && !groupId ? knownPresence : undefined; // stale while offline
  const peerRead = useChat(client, (s) => s.reads[peerId]?.peer ?? 0);
  const myRead = useChat(client, (s) => s.reads[peerId]?.mine ?? 0);
  const groupReads = useChat(client, (s) => (groupId ? s.groupReads[groupId] : undefined));
  const typingUntil = useChat(client, (s) => s.typingUntil);
  const now = Date.now();
  const typing = !groupId && (typingUntil[peerId] ?? 0) > now;
  const nameOf = useCallback((id: string) => (id === me ? 'You' : contacts[id]?.fullName ?? 'Someone'), [contacts, me]);
  const myName = useChat(client, (s) => s.me.fullName);
  const fullNameOf = (id: string) => (id === me ? myName : contacts[id]?.fullName ?? '');
  const typists = groupId
    ? Object.entries(typingUntil).filter(([k, until]) => k.startsWith(`${peerId}/`) && until > now).map(([k]) => nameOf(k.slice(peerId.length + 1)))
    : [];
  const name = group?.name ?? contact?.fullName ?? (groupId ? 'Group' : 'Conversation');
  const [viewing, setViewing] = useState<Image | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [replyingTo, setReplyingTo] = useState<Message | null>(null);
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const [showingMembers, setShowingMembers] = useState(false);
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const composer = useRef<ComposerHandle>(null);
  const blocked = contact?.blocked === true;
  const left = group !== null && group.myRole === null;
  const muted = useChat(client, (s) => s.muted.includes(peerId));
  const request = useChat(client, (s) => !groupId && s.conversations?.some((c) => c.peer?.id === peerId && c.request) === true);
  const members = details?.members ?? [];
  // "Seen by": how many other members have read up to a message of mine.
  const seenBy = (seq: number) => members.filter((m) => m.user.id !== me && (groupReads?.[m.user.id] ?? 0) >= seq).length;

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
    if (blocked || left || ![...event.dataTransfer.types].includes('Files')) return;
    event.preventDefault();
    setDragging(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (!blocked && !left) composer.current?.addFiles(imagesIn(event.dataTransfer.files));
  };

  const unreadFrom = opened && confirmed.find((m) => m.seq > opened.read && m.seq <= opened.newest && m.senderId !== me)?.seq;

  let previousDay = '';
  const daySeparator = (iso: string) => {
    const day = dayKey(iso);
    if (day === previousDay) return null;
    previousDay = day;
    return <li className="day"><span>{formatDay(iso)}</span></li>;
  };

  // Messages from people I blocked, collapsed in runs ("2 messages from someone you blocked — Show").
  const isHidden = (m: Message) => groupId !== null && !m.event && m.senderId !== me && contacts[m.senderId]?.blocked === true;
  const runStart = (i: number) => {
    let start = i;
    while (start > 0 && isHidden(confirmed[start - 1])) start--;
    return confirmed[start].id;
  };

  const status = blocked ? 'Blocked'
    : typing ? <span className="typing" data-testid="typing">typing…</span>
    : groupId ? (typingText(typists) ? <span className="typing" data-testid="typing">{typingText(typists)}</span>
      : left ? 'You are no longer a member' : group ? `${group.memberCount} ${group.memberCount === 1 ? 'member' : 'members'}` : '')
    : presenceText(presence);

  return (
    <section className={dragging ? 'conversation dragging' : 'conversation'} aria-label={groupId ? `Group ${name}` : `Conversation with ${name}`}
             onDragOver={onDragOver} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <header className="conversation-header">
        <a className="back" href="#/" aria-label="Back to conversations">‹</a>
        <Avatar name={name} url={group ? group.avatarUrl : contact?.avatarUrl ?? null} online={presence?.online} />
        <div>
          <h2>{name}</h2>
          <p className="status" data-testid="peer-status" aria-live="polite">{status}</p>
        </div>
        <div className="header-actions">
          {groupId && (
            <button type="button" className="link" aria-expanded={showingMembers} onClick={() => setShowingMembers(!showingMembers)}>
              Members
            </button>
          )}
          <button type="button" className="link" aria-pressed={muted} onClick={() => void client.mute(peerId, !muted).catch(() => undefined)}>
            {muted ? 'Unmute' : 'Mute'}
          </button>
          {!groupId && (
            <button type="button" className="link" onClick={() => void client.block(peerId, !blocked)}>
              {blocked ? 'Unblock' : 'Block'}
            </button>
          )}
        </div>
      </header>
      <div className="conversation-body">
        <div className="messages" ref={list} onScroll={onScroll} data-testid="messages">
          {thread?.loadingOlder && <p className="loading-older" role="status">Loading earlier messages…</p>}
          {thread && !thread.hasOlder && thread.status === 'ready' && confirmed.length > 0 && !groupId && (
            <p className="history-start">This is the beginning of your conversation with {name}.</p>
          )}
          {thread?.status === 'loading' && <p className="hint centered" role="status">Loading messages…</p>}
          {thread?.status === 'error' && <p className="hint centered" role="alert">The messages could not be loaded.</p>}
          {thread?.status === 'ready' && confirmed.length === 0 && local.length === 0 && (
            <p className="hint centered">No messages yet. Say hello!</p>
          )}
          <ol className="message-list" aria-label="Messages">
            {confirmed.map((m, i) => {
              const previous = confirmed[i - 1];
              if (isHidden(m) && !revealed.has(runStart(i))) {
                if (previous && isHidden(previous)) return null;
                let count = 1;
                while (confirmed[i + count] && isHidden(confirmed[i + count])) count++;
                return (
                  <li key={m.id} className="event collapsed" data-testid="blocked-run">
                    {count} {count === 1 ? 'message' : 'messages'} from someone you blocked —{' '}
                    <button type="button" className="link" onClick={() => setRevealed(new Set([...revealed, m.id]))}>Show</button>
                  </li>
                );
              }
              return (
                <Fragment key={m.id}>
                  {daySeparator(m.createdAt)}
                  {m.seq === unreadFrom && <li className="unread-marker" data-testid="unread-marker"><span>New messages</span></li>}
                  {m.event ? (
                    <li className="event" data-testid="event" data-seq={m.seq} data-type={m.event.type}>{describeEvent(m.event, nameOf)}</li>
                  ) : (
                    <MessageItem client={client} message={m} mine={m.senderId === me} read={m.seq <= peerRead} maxTextLength={maxTextLength}
                                 peerName={name} canReact={!blocked && !left} onReply={onReply} onShowOriginal={onShowOriginal}
                                 highlighted={m.seq === highlighted}
                                 editing={editingId === m.id} onEdit={setEditingId} onOpenImage={setViewing}
                                 sender={groupId && m.senderId !== me && (previous?.senderId !== m.senderId || previous.event) ? contacts[m.senderId] ?? null : undefined}
                                 nameOf={groupId ? nameOf : undefined} mentionsMe={m.mentions?.includes(me) === true}
                                 mentionNames={m.mentions?.map(fullNameOf)}
                                 seenBy={groupId && m.senderId === me ? seenBy(m.seq) : undefined}
                                 onSeenBy={groupId ? () => client.groups.readers(groupId, m.seq) : undefined} />
                  )}
                </Fragment>
              );
            })}
            {local.length > 0 && daySeparator(new Date().toISOString())}
            {local.map((m) => (
              <LocalMessageItem key={m.clientMessageId} message={m} client={client} peerId={peerId} peerName={name} />
            ))}
          </ol>
        </div>
        {groupId && showingMembers && <MemberPanel client={client} groupId={groupId} onClose={() => setShowingMembers(false)} />}
      </div>
      {blocked ? (
        <p className="blocked-notice" role="status" data-testid="blocked-notice">
          You blocked {name}. Neither of you can message the other.{' '}
          <button type="button" className="link" onClick={() => void client.block(peerId, false)}>Unblock</button>
        </p>
      ) : left ? (
        <p className="blocked-notice" role="status" data-testid="left-notice">
          You are no longer a member of {name}; what you saw stays here.{' '}
          <button type="button" className="link" onClick={() => void client.forgetGroup(groupId!).then(() => (location.hash = '#/'))}>
            Remove from my list
          </button>
        </p>
      ) : (
        <>
          {request && <RequestNotice client={client} peerId={peerId} name={name} />}
          <Composer ref={composer} name={name} client={client} peerId={peerId} onSent={stickToBottom}
                  replyTo={replyingTo} me={me} onCancelReply={() => setReplyingTo(null)}
                  members={groupId ? members.filter((m) => m.user.id !== me).map((m) => m.user) : undefined} nameOf={nameOf} />
        </>
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
  /** In a group: the other members, offered after "@". */
  members?: Contact[];
  nameOf: (userId: string) => string;
}

interface ComposerHandle {
  focus: () => void;
  addFiles: (files: File[]) => void;
}

/**
 * Enter sends, Shift+Enter starts a new line. Images come picked (several at once), pasted or
 * dropped; each goes as its own message, in order, the text with the first, resized in the
 * browser to at most 2,048 px first. In a group, "@" offers the members by name; a picked
 * member is mentioned (by id) while their "@Full Name" stays in the text. Memoised with stable
 * props, so typing here does not re-render the messages, nor they the composer.
 */
const Composer = memo(forwardRef<ComposerHandle, ComposerProps>(function Composer(
  { name, client, peerId, me, replyTo, onCancelReply, onSent, members, nameOf }, ref) {
  const limits = useChat(client, (s) => s.limits);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const [mentioned, setMentioned] = useState<Contact[]>([]);
  const [mentioning, setMentioning] = useState<{ start: number; query: string } | null>(null);
  const [choice, setChoice] = useState(0);
  const candidates = members && mentioning ? mentionCandidates(members, mentioning.query) : [];

  function onChange(value: string, caret: number) {
    setText(value);
    if (value) client.typing(peerId);
    setMentioning(members ? mentionAt(value, caret) : null);
    setChoice(0);
  }

  function pick(member: Contact) {
    const caret = input.current?.selectionStart ?? text.length;
    const next = insertMention(text, mentioning!.start, caret, member.fullName);
    setText(next.text);
    setMentioned((current) => [...current.filter((m) => m.id !== member.id), member]);
    setMentioning(null);
    requestAnimationFrame(() => input.current?.setSelectionRange(next.caret, next.caret));
  }

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
    const mentions = members ? mentionsIn(trimmed, mentioned) : undefined;
    setMentioned([]);
    setMentioning(null);
    setText('');
    setFiles([]);
    onCancelReply();
    if (picker.current) picker.current.value = '';
    input.current?.focus();
    if (sending.length === 0) {
      await client.send(peerId, trimmed, undefined, replying, mentions);
      return;
    }
    // In order: each waits until the previous is in the outbox.
    for (const [i, file] of sending.entries()) {
      await client.send(peerId, i === 0 ? trimmed || null : null, file, i === 0 ? replying : undefined, i === 0 ? mentions : undefined);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (candidates.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setChoice((choice + (event.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(candidates[choice]);
        return;
      }
      if (event.key === 'Escape') return setMentioning(null);
    }
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
                   mine={replyTo.senderId === me} peerName={members ? nameOf(replyTo.senderId) : name} />
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
        {candidates.length > 0 && (
          <ul className="mention-suggestions" role="listbox" aria-label="Mention a member" data-testid="mention-suggestions">
            {candidates.map((m, i) => (
              <li key={m.id} role="option" aria-selected={i === choice}>
                <button type="button" className="row" onMouseDown={(e) => { e.preventDefault(); pick(m); }}>
                  <Avatar name={m.fullName} url={m.avatarUrl} /> {m.fullName}
                </button>
              </li>
            ))}
          </ul>
        )}
        <textarea ref={input} rows={1} maxLength={limits.maxMessageTextLength} placeholder={`Message ${name}`} aria-label={`Message ${name}`}
                  value={text} autoFocus onPaste={onPaste}
                  onChange={(e) => onChange(e.target.value, e.target.selectionStart)} onKeyDown={onKeyDown} />
      </div>
      <button type="submit" className="primary" disabled={!text.trim() && files.length === 0}>Send</button>
    </form>
  );
}));

/** A first message from someone outside my conversations: they learn nothing of me until I accept (or answer). */
function RequestNotice({ client, peerId, name }: { client: ChatClient; peerId: string; name: string }) {
  const [failed, setFailed] = useState(false);
  const act = (action: Promise<unknown>, leave: boolean) =>
    void action.then(() => { if (leave) location.hash = '#/'; }, () => setFailed(true));
  return (
    <div className="request-notice" role="region" aria-label="Message request" data-testid="request-notice">
      <p>
        {name} is not in your conversations. They will not see that you read this or that you are typing until you accept
        (answering accepts too).
      </p>
      <div className="inline">
        <button type="button" className="primary" onClick={() => act(client.acceptRequest(peerId), false)}>Accept</button>
        <button type="button" onClick={() => act(client.deleteRequest(peerId), true)}>Delete</button>
        <button type="button" className="danger" onClick={() => act(client.block(peerId, true), false)}>Block</button>
      </div>
      {failed && <p className="form-error" role="alert">That did not go through; try again.</p>}
    </div>
  );
}
