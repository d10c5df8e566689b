import { HttpTransportType, HubConnectionBuilder, type HubConnection } from '@microsoft/signalr';

/** The hub path of API.md; the web front proxies it to whichever API replica the proxy picks. */
export const hubPath = '/hubs/chat';

/**
 * Opens the live connection: WebSockets only with skipNegotiation, so no sticky sessions
 * are needed in front of the replicas; reconnects automatically.
 */
export function createLiveConnection(): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(hubPath, { transport: HttpTransportType.WebSockets, skipNegotiation: true })
    .withAutomaticReconnect()
    .build();
}
