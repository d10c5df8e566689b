import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';

/** The hub path of docs/api.md; the web front proxies it to whichever API replica the proxy picks. */
export const hubPath = '/hubs/chat';

// Retry at once, then back off to every 10 s, and never give up: a messenger left open over
// a long outage should come back by itself.
const retryDelays = [0, 1000, 2000, 5000];

/**
 * Opens the live connection: WebSockets only with skipNegotiation, so no sticky sessions
 * are needed in front of the replicas; reconnects automatically.
 */
export function createLiveConnection(): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(hubPath, { transport: HttpTransportType.WebSockets, skipNegotiation: true })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (retry) => retryDelays[retry.previousRetryCount] ?? 10_000 })
    .configureLogging(LogLevel.Warning)
    .build();
}

/** The server's words from a HubException ("An unexpected error ... HubException: <message>"). */
export function hubErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^.*HubException:\s*/s, '');
}
