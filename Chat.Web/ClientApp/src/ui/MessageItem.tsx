import { memo, useState, type KeyboardEvent } from 'react';
import type { Contact, Image, Message, ReplyPreview } from '../api/types';
import { Avatar } from './Avatar';
import type { ChatClient } from '../chat/chatClient';
import type { LocalMessage } from '../chat/messageStore';
import { formatTime } from './format';
import { Icon } from './Icon';
import { RichText } from './RichText';

/** The reactions offered first; any other emoji can be typed. */
export const reactionPalette = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

interface Props {
  client: ChatClient;
  message: Message;
  mine: boolean;
  /** Whose name a quote of the peer's message shows. */
  peerName: string;
  /** Blocked either way: no reactions (the server would refuse them). */
  canReact: boolean;
  onReply: (message: Message) => void;
  onShowOriginal: (seq: number) => void;
  /** Just shown on purpose (a quote's original, a search hit). */
  highlighted?: boolean;
  /** The peer has read it (peerReadSeq ≥ seq): ✓✓ instead of ✓. */
  read: boolean;
  maxTextLength: number;
  editing: boolean;
  onEdit: (id: string | null) => void;
  onOpenImage: (image: Image) => void;
  /** In a group, on the first of a run of someone else's messages: who wrote (null: unknown). */
  sender?: Contact | null;
  /** In a group: names for quotes. */
  nameOf?: (userId: string) => string;
  /** The full names of the members it mentions (highlighted). */
  mentionNames?: string[];
  mentionsMe?: boolean;
  /** In a group, on my messages: how many others have read it; on request, who. */
  seenBy?: number;
  onSeenBy?: () => Promise<Contact[]>;
}

/**
 * A message the server has: content, time, receipts, and edit/delete for the sender. Memoised:
 * it re-renders only when its own message or receipt changes, not on every change of the thread
 * (an upload's progress, a presence change).
 */
export const MessageItem = memo(function MessageItem({
  client, message: m, mine, peerName, canReact, onReply, onShowOriginal, highlighted, read, maxTextLength, editing, onEdit, onOpenImage,
  sender, nameOf, mentionNames, mentionsMe, seenBy, onSeenBy,
}: Props) {
  const [readers, setReaders] = useState<Contact[] | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (action: Promise<void>) => action.then(() => setError(null), (e: Error) => setError(e.message));
  const react = (emoji: string, on: boolean) => {
    setPicking(false);
    void act(client.react(m, emoji, on));
  };
  const reactions = m.reactions ?? [];

  return (
    <li className={`message ${mine ? 'mine' : 'theirs'}${highlighted ? ' highlighted' : ''}${mentionsMe ? ' mentions-me' : ''}${sender !== undefined ? ' first' : ''}`}
        data-testid="message" data-seq={m.seq} data-id={m.id} data-status="sent">
      {sender !== undefined && <Avatar name={sender?.fullName ?? 'Someone'} url={sender?.avatarUrl ?? null} />}
      <div className="bubble">
        {sender !== undefined && <p className="sender" data-testid="sender">{sender?.fullName ?? 'Someone'}</p>}
        {m.replyTo && !m.deleted && <Quote quote={m.replyTo} mine={m.replyTo.senderId === m.senderId ? mine : !mine}
                                           peerName={peerName} author={nameOf?.(m.replyTo.senderId)} onClick={() => onShowOriginal(m.replyTo!.seq)} />}
        {m.deleted ? <p className="text deleted">This message was deleted.</p> : editing ? (
          <EditBox initial={m.text ?? ''} maxLength={maxTextLength} onCancel={() => onEdit(null)}
                   onSave={(text) => act(client.edit(m, text).then(() => onEdit(null)))} />
        ) : (
          <>
            {m.image && <Thumbnail image={m.image} onOpen={() => onOpenImage(m.image!)} />}
            {m.text && <p className="text"><RichText text={m.text} mentions={mentionNames} /></p>}
          </>
        )}
        <p className="meta">
          {m.editedAt && !m.deleted && <span>edited · </span>}
          <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
          {mine && !m.deleted && seenBy === undefined && (
            <span className="receipt" data-testid="receipt" data-state={read ? 'read' : 'sent'} aria-label={read ? 'Read' : 'Sent'}>
              {read ? '✓✓' : '✓'}
            </span>
          )}
          {mine && !m.deleted && seenBy !== undefined && (
            <button type="button" className="link seen-by" data-testid="seen-by" data-count={seenBy}
                    onClick={() => void onSeenBy?.().then((found) => setReaders(found.filter((r) => r.id !== m.senderId)), () => setReaders([]))}>
              {seenBy === 0 ? '✓' : `Seen by ${seenBy}`}
            </button>
          )}
        </p>
        {readers && (
          <p className="readers" data-testid="readers">
            {readers.length === 0 ? 'Nobody has read it yet.' : `Read by ${readers.map((r) => r.fullName).join(', ')}`}{' '}
            <button type="button" className="link" onClick={() => setReaders(null)}>Hide</button>
          </p>
        )}
        {error && <p className="field-error" role="alert">{error}</p>}
      </div>
      {reactions.length > 0 && !m.deleted && (
        <ul className="reactions" aria-label="Reactions" data-testid="reactions">
          {reactions.map((r) => (
            <li key={r.emoji}>
              <button type="button" className={r.mine ? 'reaction mine' : 'reaction'} aria-pressed={r.mine} disabled={!canReact}
                      aria-label={`${r.emoji} ${r.count}${r.mine ? ', yours' : ''}`} onClick={() => react(r.emoji, !r.mine)}>
                {r.emoji} <span className="count">{r.count}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {picking && <ReactionPicker onPick={(emoji) => react(emoji, !reactions.some((r) => r.emoji === emoji && r.mine))} onClose={() => setPicking(false)} />}
      {!m.deleted && !editing && (
        <div className="actions">
          <button type="button" className="link" onClick={() => onReply(m)}>Reply</button>
          {canReact && <button type="button" className="link" aria-expanded={picking} onClick={() => setPicking(!picking)}>React</button>}
          {mine && (confirmingDelete ? (
            <>
              <span>Delete for everyone?</span>
              <button type="button" className="link danger" onClick={() => act(client.remove(m))}>Delete</button>
              <button type="button" className="link" onClick={() => setConfirmingDelete(false)}>Cancel</button>
            </>
          ) : (
            <>
              {m.text !== null && <button type="button" className="link" onClick={() => onEdit(m.id)}>Edit</button>}
              <button type="button" className="link" onClick={() => setConfirmingDelete(true)}>Delete</button>
            </>
          ))}
        </div>
      )}
    </li>
  );
});

/** The quoted original of a reply: who wrote it and its start, or that it is a photo or gone. Click: show it. */
export function Quote({ quote, mine, peerName, author, onClick }: {
  quote: ReplyPreview; mine: boolean; peerName: string; author?: string; onClick?: () => void;
}) {
  const body = quote.deleted ? 'Deleted message' : quote.text ?? (quote.hasImage ? 'Photo' : '');
  const who = author ?? (mine ? 'You' : peerName);
  return (
    <button type="button" className="quote" data-testid="quote" onClick={onClick} disabled={!onClick || quote.deleted}
            aria-label={`Reply to ${who === 'You' ? 'you' : who}: ${body}`}>
      <span className="quote-author">{who}</span>
      <span className={quote.deleted ? 'quote-text deleted' : 'quote-text'}>{quote.hasImage && !quote.deleted && <Icon name="photo" />} {body}</span>
    </button>
  );
}

/** The palette, and a field for any other emoji. */
function ReactionPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [other, setOther] = useState('');
  return (
    <div className="reaction-picker" role="dialog" aria-label="Choose a reaction" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {reactionPalette.map((emoji) => (
        <button key={emoji} type="button" className="emoji" aria-label={`React ${emoji}`} onClick={() => onPick(emoji)}>{emoji}</button>
      ))}
      <form onSubmit={(e) => { e.preventDefault(); if (other.trim()) onPick(other.trim()); }}>
        <input aria-label="Another emoji" placeholder="🙂" value={other} maxLength={16} size={3} onChange={(e) => setOther(e.target.value)} />
      </form>
    </div>
  );
}

interface LocalProps {
  message: LocalMessage;
  client: ChatClient;
  peerId: string;
  peerName: string;
}

/** The user's own message on its way (pending) or refused (failed, with Retry and Discard). */
export const LocalMessageItem = memo(function LocalMessageItem({ message: m, client, peerId, peerName }: LocalProps) {
  const uploading = m.preview && !m.mediaId && m.status === 'pending';
  return (
    <li className="message mine local" data-testid="message" data-status={m.status} data-client-id={m.clientMessageId}>
      <div className="bubble">
        {m.replyTo && <Quote quote={m.replyTo} mine={m.replyTo.senderId !== peerId} peerName={peerName} />}
        {m.preview && (
          <div className="thumbnail" style={box(m.preview)}>
            <img src={m.preview.url} alt="Image being sent" />
            {uploading && <progress max={1} value={m.preview.progress} aria-label="Upload progress" />}
          </div>
        )}
        {m.text && <p className="text"><RichText text={m.text} /></p>}
        <p className="meta">
          {m.status === 'pending'
            ? <span className="receipt"><Icon name="clock" label="Sending" /></span>
            : <span className="failed" role="alert">Not sent{m.error ? `: ${m.error}` : ''}</span>}
        </p>
      </div>
      {m.status === 'failed' && (
        <div className="actions always">
          <button type="button" className="link" onClick={() => client.retry(peerId, m.clientMessageId)}>Retry</button>
          <button type="button" className="link" onClick={() => client.discard(peerId, m.clientMessageId)}>Discard</button>
        </div>
      )}
    </li>
  );
});

/** Laid out at its final size before it loads, so the conversation does not jump. */
function Thumbnail({ image, onOpen }: { image: Image; onOpen: () => void }) {
  return (
    <button type="button" className="thumbnail" style={box(image)} onClick={onOpen} aria-label="Open the image">
      <img src={image.thumbnailUrl} alt="" loading="lazy" />
    </button>
  );
}

function box({ width, height }: { width: number; height: number }) {
  const scale = Math.min(1, 280 / width, 280 / height);
  return { width: Math.round(width * scale), aspectRatio: `${width} / ${height}` };
}

function EditBox({ initial, maxLength, onSave, onCancel }: { initial: string; maxLength: number; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') onCancel();
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      if (text.trim()) onSave(text.trim());
    }
  };
  return (
    <div className="edit-box">
      <textarea aria-label="Edit message" value={text} maxLength={maxLength} autoFocus
                onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
      <div className="actions always">
        <button type="button" className="link" disabled={!text.trim()} onClick={() => onSave(text.trim())}>Save</button>
        <button type="button" className="link" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
