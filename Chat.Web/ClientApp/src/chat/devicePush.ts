import { rest } from '../api/rest';

/**
 * "Notify me when Chat is closed" on this device: the browser's push subscription (Web Push,
 * with the server's VAPID key), registered with the server for this session. The service worker
 * (public/sw.js) shows what arrives. Log-out ends the subscription on the server; this browser's
 * copy is dropped too, so the next person here starts without it.
 */
export const DevicePush = {
  supported(): boolean {
    return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  },

  /** This browser's subscription, if it has one. */
  async current(): Promise<PushSubscription | null> {
    if (!DevicePush.supported()) return null;
    const registration = await navigator.serviceWorker.getRegistration();
    return (await registration?.pushManager.getSubscription()) ?? null;
  },

  /** Asks the browser's permission, subscribes with the server's key, registers this device; false when refused. */
  async enable(): Promise<boolean> {
    if (!DevicePush.supported() || (await Notification.requestPermission()) !== 'granted') return false;
    const { publicKey } = await rest.push.key();
    const registration = await navigator.serviceWorker.ready;
    const subscription = (await registration.pushManager.getSubscription())
      ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) }));
    await rest.push.subscribe(subscription.toJSON());
    return true;
  },

  async disable() {
    const subscription = await DevicePush.current();
    if (!subscription) return;
    await rest.push.unsubscribe(subscription.endpoint);
    await subscription.unsubscribe();
  },

  /** After log-out (the server already ended it): forget the browser's copy too. */
  async forget() {
    await (await DevicePush.current().catch(() => null))?.unsubscribe().catch(() => undefined);
  },

  devices: () => rest.push.devices(),

  removeDevice: (id: string) => rest.push.removeDevice(id),
};

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
