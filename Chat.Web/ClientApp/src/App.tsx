import { useEffect, useState } from 'react';
import { createLiveConnection } from './liveConnection';

type LiveState =
  | { kind: 'checking' }
  | { kind: 'signed-out' }
  | { kind: 'connected'; replica: string }
  | { kind: 'reconnecting' }
  | { kind: 'offline' };

/**
 * The shell: shows whether this browser has a session and, if so, that the live connection
 * reaches an API replica. The client issue builds the messenger here.
 */
export function App() {
  const [live, setLive] = useState<LiveState>({ kind: 'checking' });

  useEffect(() => {
    const connection = createLiveConnection();
    let stopped = false;
    const announce = async () => {
      const replica = await connection.invoke<string>('Ping');
      if (!stopped) setLive({ kind: 'connected', replica });
    };
    connection.onreconnecting(() => setLive({ kind: 'reconnecting' }));
    connection.onreconnected(() => void announce());
    connection.onclose(() => !stopped && setLive({ kind: 'offline' }));

    // The hub takes the same cookie as the API: without a session there is nothing to open.
    fetch('/api/auth/me').then(async (me) => {
      if (stopped) return;
      if (me.status === 401) return setLive({ kind: 'signed-out' });
      await connection.start();
      await announce();
    }).catch(() => !stopped && setLive({ kind: 'offline' }));

    return () => {
      stopped = true;
      void connection.stop();
    };
  }, []);

  return (
    <main className="shell">
      <h1>Chat</h1>
      <p role="status" data-testid="live-status" data-state={live.kind}>
        {live.kind === 'checking' && 'Checking your session…'}
        {live.kind === 'signed-out' && 'Not signed in.'}
        {live.kind === 'connected' && <>Live, served by replica <code>{live.replica}</code></>}
        {live.kind === 'reconnecting' && 'Reconnecting…'}
        {live.kind === 'offline' && 'Offline: the live connection could not be opened.'}
      </p>
    </main>
  );
}
