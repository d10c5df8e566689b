/*
 * Chat's service worker: the app shell offline (so the installed app opens without a network),
 * and Web Push for when Chat is closed. A push carries only { conversationId, seq, kind }; the
 * preview is fetched here through the API with this device's own session, so the push service
 * never sees a word, and a device that was signed out shows a plain "New message".
 */
const shellCache = 'chat-shell-v1';
const shellFiles = ['/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/maskable-512.png'];
const networkOnly = ['/api/', '/hubs/', '/media/'];
const previewLength = 120;

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== shellCache) await caches.delete(name);
    await self.clients.claim();
  })());
});

/** The page and every file it names (Vite's fingerprinted /assets), as one consistent shell. */
async function cacheShell(page) {
  const cache = await caches.open(shellCache);
  const response = page ?? (await fetch('/', { cache: 'no-cache' }));
  if (!response.ok) return;
  const html = await response.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  await cache.addAll([...new Set([...assets, ...shellFiles])]);
  await cache.put('/', response);
  // Files of earlier deploys go.
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !assets.includes(path)) await cache.delete(request);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || networkOnly.some((p) => url.pathname.startsWith(p))) return;
  event.respondWith(request.mode === 'navigate' ? page(request) : file(request));
});

/** The page from the network when it answers (then kept as the shell), else the kept shell. */
async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok) void cacheShell(response.clone()).catch(() => undefined);
    return response;
  } catch {
    return (await caches.match('/')) ?? Response.error();
  }
}

async function file(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  return fetch(request);
}

self.addEventListener('push', (event) => {
  let payload = null;
  try {
    payload = event.data?.json() ?? null;
  } catch {
    // Not ours to read: shown as a plain notification.
  }
  event.waitUntil(show(payload));
});

async function show(payload) {
  // A Chat tab in front shows the message itself.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.visibilityState === 'visible' && w.focused)) return;
  const n = await describe(payload);
  await self.registration.showNotification(n.title, {
    body: n.body,
    // One notification per conversation: the next message replaces it ("3 new messages").
    tag: n.tag,
    renotify: true,
    icon: '/icons/icon-192.png',
    data: { url: n.url },
  });
}

/** Title, text and where a click goes, from the API with this device's session. */
async function describe(payload) {
  const plain = { title: 'Chat', body: 'New message', tag: payload?.conversationId ?? 'chat', url: '/#/' };
  if (typeof payload?.conversationId !== 'string') return plain;
  try {
    const conversations = await getJson('/api/conversations');
    const c = conversations?.find((x) => x.id === payload.conversationId);
    if (!c) return plain;
    const isGroup = c.kind === 'group' || !c.peer;
    const url = `/#/c/${encodeURIComponent(isGroup ? `g:${c.id}` : c.peer.id)}`;
    const last = c.lastMessage;
    const content = last?.text ?? (last?.image ? 'Photo' : 'New message');
    const count = Math.max(c.unreadCount, 1);
    if (!isGroup) return { title: c.peer.fullName, body: clip(count > 1 ? `${count} new messages` : content), tag: c.id, url };
    const sender = last ? await memberName(c.id, last.senderId) : null;
    const mentioned = payload.kind === 'mention' ? ' mentioned you' : '';
    const body = count > 1 ? `${count} new messages` : `${sender ?? 'Someone'}${mentioned}: ${content}`;
    return { title: c.group?.name ?? 'Group', body: clip(body), tag: c.id, url };
  } catch {
    return plain;
  }
}

async function memberName(groupId, userId) {
  const group = await getJson(`/api/groups/${encodeURIComponent(groupId)}`).catch(() => null);
  return group?.members?.find((m) => m.user.id === userId)?.user.fullName ?? null;
}

async function getJson(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  return response.ok ? response.json() : null;
}

function clip(text) {
  return text.length > previewLength ? `${text.slice(0, previewLength - 1)}…` : text;
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data?.url ?? '/#/';
  event.waitUntil((async () => {
    // The open tab, if there is one, opens the conversation; else a new window.
    const [open] = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (open) {
      open.postMessage({ type: 'open', url });
      await open.focus();
      return;
    }
    await self.clients.openWindow(url);
  })());
});

// The push service replaced the subscription: register the new one for this session.
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil((async () => {
    const subscription = event.newSubscription ?? (await self.registration.pushManager.subscribe(event.oldSubscription.options));
    await fetch('/api/push/subscriptions', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(subscription.toJSON()),
    });
  })());
});
