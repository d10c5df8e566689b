import { useEffect, useState } from 'react';

// The app's places, kept in the URL's hash so reloads and links land where the user was.

export type Route = { kind: 'home' } | { kind: 'conversation'; peerId: string; focusSeq?: number } | { kind: 'profile' };

export function useHashRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const conversation = /^#\/c\/([^/]+)(?:\/m\/(\d+))?$/.exec(hash);
  if (conversation) {
    return { kind: 'conversation', peerId: decodeURIComponent(conversation[1]), focusSeq: conversation[2] ? Number(conversation[2]) : undefined };
  }
  return hash === '#/profile' ? { kind: 'profile' } : { kind: 'home' };
}

export function conversationHref(peerId: string) {
  return `#/c/${encodeURIComponent(peerId)}`;
}

/** A message in its conversation (a search hit): opened there, scrolled to and highlighted. */
export function messageHref(peerId: string, seq: number) {
  return `${conversationHref(peerId)}/m/${seq}`;
}
