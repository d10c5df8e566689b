import { useEffect, useState } from 'react';

// The app's places, kept in the URL's hash so reloads and links land where the user was.

export type Route = { kind: 'home' } | { kind: 'conversation'; peerId: string } | { kind: 'profile' };

export function useHashRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const conversation = /^#\/c\/(.+)$/.exec(hash);
  if (conversation) return { kind: 'conversation', peerId: decodeURIComponent(conversation[1]) };
  return hash === '#/profile' ? { kind: 'profile' } : { kind: 'home' };
}

export function conversationHref(peerId: string) {
  return `#/c/${encodeURIComponent(peerId)}`;
}
