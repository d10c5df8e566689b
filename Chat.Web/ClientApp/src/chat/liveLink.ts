import { HubConnectionState, type HubConnection } from '@microsoft/signalr';
import { SpanKind, type Span } from '@opentelemetry/api';
import { startSpan } from '../telemetry/tracing';
import { ChatHub } from '../api/hub';
import { createLiveConnection } from '../api/liveConnection';
import type { ChatStore } from './state';

interface Handlers {
  /** After every (re)connect: catch up what was missed, then send what waits. */
  connected: () => Promise<void>;
  /** True when the session has ended (the app signs out; stop trying). */
  sessionEnded: () => Promise<boolean>;
}

/**
 * The live connection's life: opened at start, reopened after drops (SignalR's automatic
 * reconnect, then our own loop when that gives up or the browser was offline), and the
 * connectivity the banner shows. The browser's offline event stops it at once.
 */
export class LiveLink {
  readonly connection: HubConnection = createLiveConnection();
  readonly hub = new ChatHub(this.connection);
  private connecting = false;
  private stopped = false;
  /** From losing the connection to having it again and the catch-up done (a trace of its own). */
  private reconnect: Span | undefined;

  constructor(private readonly store: ChatStore, private readonly handlers: Handlers) {}

  get isConnected() {
    return this.connection.state === HubConnectionState.Connected;
  }

  start() {
    const c = this.connection;
    c.onreconnecting(() => {
      this.reconnect ??= startSpan('reconnect', { kind: SpanKind.CLIENT });
      this.store.set({ connectivity: 'reconnecting' });
      void this.handlers.sessionEnded();
    });
    c.onreconnected(() => void this.opened());
    c.onclose(() => {
      if (this.stopped) return;
      this.reconnect ??= startSpan('reconnect', { kind: SpanKind.CLIENT });
      this.store.set({ connectivity: navigator.onLine ? 'reconnecting' : 'offline' });
      if (navigator.onLine) void this.connect();
    });
    window.addEventListener('online', this.onBrowserOnline);
    window.addEventListener('offline', this.onBrowserOffline);
    void this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onBrowserOnline);
    window.removeEventListener('offline', this.onBrowserOffline);
    void this.connection.stop();
  }

  private readonly onBrowserOffline = () => {
    // The browser knows before the socket does: show it, hold sends in the outbox.
    this.store.set({ connectivity: 'offline' });
    void this.connection.stop();
  };

  private readonly onBrowserOnline = () => void this.connect();

  private async connect() {
    if (this.connecting || this.stopped) return;
    this.connecting = true;
    try {
      for (let attempt = 0; !this.stopped && navigator.onLine; attempt++) {
        if (this.connection.state !== HubConnectionState.Disconnected) return;
        try {
          await this.connection.start();
          await this.opened();
          return;
        } catch {
          if (await this.handlers.sessionEnded()) return;
          this.store.set({ connectivity: 'offline' });
          await delay(Math.min(10_000, 1000 * 2 ** attempt));
        }
      }
    } finally {
      this.connecting = false;
    }
  }

  private async opened() {
    this.store.set({ connectivity: 'online' });
    await this.handlers.connected();
    this.reconnect?.end();
    this.reconnect = undefined;
  }
}

function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
