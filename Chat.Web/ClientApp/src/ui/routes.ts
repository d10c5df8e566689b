import { useEffect, useState } from 'react';

// The app's places, kept in the URL's hash so reloads and links land where the user was.

/** A conversation by its key: a pair's peer id, a group's "g:" id (chat/conversationKeys.ts). */
export type Route = { kind: 'home' } | { kind: 'conversation'; key: string; focusSeq?: number } | { kind: 'profile' };

export function useHashRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const conversation = /^#\/c\/([^/]+)(?:\/m\/(\d+))?$/.exec(hash);
  if (conversation) {
    return { kind: 'conversation', key: decodeURIComponent(conversation[1]), focusSeq: conversation[2] ? Number(conversation[2]) : undefined };
  }
  return hash === '#/profile' ? { kind: 'profile' } : { kind: 'home' };
}

export function conversationHref(key: string) {
  return `#/c/${encodeURIComponent(key)}`;
}

/** A message in its conversation (a search hit): opened there, scrolled to and highlighted. */
export function messageHref(key: string, seq: number) {
  return `${conversationHref(key)}/m/${seq}`;
}
