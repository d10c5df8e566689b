import { useEffect, useState } from 'react';
import type { SearchHit } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import { groupKey } from '../chat/conversationKeys';
import { foldWords, snippet } from '../chat/searchText';
import { Avatar } from './Avatar';
import { formatWhen } from './format';
import { messageHref } from './routes';
import { useChat } from './useChat';

/** Search my messages: every word, case and accents ignored, newest first; a hit opens the message in its conversation. */
export function MessageSearch({ client }: { client: ChatClient }) {
  const me = useChat(client, (s) => s.me.id);
  const contacts = useChat(client, (s) => s.contacts);
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<{ query: string; hits: SearchHit[]; next: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (foldWords(q).length === 0) {
      setResult(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      client.searchMessages(q).then(
        (page) => current && (setResult({ query: q, hits: page.items, next: page.next }), setError(null)),
        (e: Error) => current && setError(e.message));
    }, 300);
    return () => { current = false; clearTimeout(timer); };
  }, [client, query]);

  const more = async () => {
    if (!result?.next) return;
    const page = await client.searchMessages(result.query, undefined, result.next);
    setResult({ ...result, hits: [...result.hits, ...page.items], next: page.next });
  };

  const words = result ? foldWords(result.query) : [];
  return (
    <section aria-labelledby="search-heading" className="message-search">
      <h2 id="search-heading" className="visually-hidden">Message search</h2>
      <input type="search" placeholder="Search messages" aria-label="Search messages" value={query} maxLength={100}
             onChange={(e) => setQuery(e.target.value)} />
      {error && <p className="form-error" role="alert">{error}</p>}
      {result && (result.hits.length === 0
        ? <p className="hint" role="status">No messages found.</p>
        : (
          <ul className="list" data-testid="search-results" aria-label="Messages found">
            {result.hits.map(({ message: m, peer, group }) => (
              <li key={m.id}>
                <a className="row" href={messageHref(peer ? peer.id : groupKey(m.conversationId), m.seq)} data-testid="search-hit">
                  <Avatar name={peer?.fullName ?? group?.name ?? ''} url={peer?.avatarUrl ?? group?.avatarUrl ?? null} />
                  <span className="row-body">
                    <span className="row-title">
                      {peer?.fullName ?? group?.name}
                      <time className="row-time" dateTime={m.createdAt}>{formatWhen(m.createdAt)}</time>
                    </span>
                    <span className="row-sub">
                      <span className="snippet">
                        {m.senderId === me ? 'You: ' : group ? `${contacts[m.senderId]?.fullName ?? 'Someone'}: ` : ''}
                        {snippet(m.text ?? '', words).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
                      </span>
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        ))}
      {result?.next && <button type="button" className="more" onClick={() => void more()}>More results</button>}
    </section>
  );
}
