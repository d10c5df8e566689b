import { memo, useState, type KeyboardEvent } from 'react';
import type { Image, Message } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import type { LocalMessage } from '../chat/messageStore';
import { formatTime } from './format';
import { Icon } from './Icon';
import { RichText } from './RichText';

interface Props {
  client: ChatClient;
  message: Message;
  mine: boolean;
  /** The peer has read it (peerReadSeq ≥ seq): ✓✓ instead of ✓. */
  read: boolean;
  maxTextLength: number;
  editing: boolean;
  onEdit: (id: string | null) => void;
  onOpenImage: (image: Image) => void;
}

/**
 * A message the server has: content, time, receipts, and edit/delete for the sender. Memoised:
 * it re-renders only when its own message or receipt changes, not on every change of the thread
 * (an upload's progress, a presence change).
 */
export const MessageItem = memo(function MessageItem({ client, message: m, mine, read, maxTextLength, editing, onEdit, onOpenImage }: Props) {
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (action: Promise<void>) => action.then(() => setError(null), (e: Error) => setError(e.message));

  return (
    <li className={`message ${mine ? 'mine' : 'theirs'}`} data-testid="message" data-seq={m.seq} data-status="sent">
      <div className="bubble">
        {m.deleted ? <p className="text deleted">This message was deleted.</p> : editing ? (
          <EditBox initial={m.text ?? ''} maxLength={maxTextLength} onCancel={() => onEdit(null)}
                   onSave={(text) => act(client.edit(m, text).then(() => onEdit(null)))} />
        ) : (
          <>
            {m.image && <Thumbnail image={m.image} onOpen={() => onOpenImage(m.image!)} />}
            {m.text && <p className="text"><RichText text={m.text} /></p>}
          </>
        )}
        <p className="meta">
          {m.editedAt && !m.deleted && <span>edited · </span>}
          <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
          {mine && !m.deleted && (
            <span className="receipt" data-testid="receipt" data-state={read ? 'read' : 'sent'} aria-label={read ? 'Read' : 'Sent'}>
              {read ? '✓✓' : '✓'}
            </span>
          )}
        </p>
        {error && <p className="field-error" role="alert">{error}</p>}
      </div>
      {mine && !m.deleted && !editing && (
        <div className="actions">
          {confirmingDelete ? (
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
          )}
        </div>
      )}
    </li>
  );
});

interface LocalProps {
  message: LocalMessage;
  client: ChatClient;
  peerId: string;
}

/** The user's own message on its way (pending) or refused (failed, with Retry and Discard). */
export const LocalMessageItem = memo(function LocalMessageItem({ message: m, client, peerId }: LocalProps) {
  const uploading = m.preview && !m.mediaId && m.status === 'pending';
  return (
    <li className="message mine local" data-testid="message" data-status={m.status} data-client-id={m.clientMessageId}>
      <div className="bubble">
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
