/**
 * Registers the service worker (public/sw.js: the offline app shell and Web Push) and follows its
 * word: a notification clicked while this tab is open opens the conversation here.
 */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; url?: string }>) => {
    if (event.data?.type === 'open' && typeof event.data.url === 'string') location.hash = new URL(event.data.url, location.origin).hash;
  });
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
