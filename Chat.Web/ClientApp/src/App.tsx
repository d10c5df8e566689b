import { useEffect, useState } from 'react';
import { createLiveConnection } from './liveConnection';

type LiveState = { kind: 'connecting' } | { kind: 'connected'; replica: string } | { kind: 'offline' };

/** The shell: shows that the live connection reaches an API replica. The client issue builds the messenger here. */
export function App() {
  const [live, setLive] = useState<LiveState>({ kind: 'connecting' });

  useEffect(() => {
    const connection = createLiveConnection();
    let stopped = false;
    const announce = async () => {
      const replica = await connection.invoke<string>('Ping');
      if (!stopped) setLive({ kind: 'connected', replica });
    };
    connection.onreconnecting(() => setLive({ kind: 'connecting' }));
    connection.onreconnected(() => void announce());
    connection.onclose(() => !stopped && setLive({ kind: 'offline' }));
    connection.start().then(announce, () => !stopped && setLive({ kind: 'offline' }));
    return () => {
      stopped = true;
      void connection.stop();
    };
  }, []);

  return (
    <main className="shell">
      <h1>Chat</h1>
      <p role="status" data-testid="live-status" data-state={live.kind}>
        {live.kind === 'connected' && <>Live, served by replica <code>{live.replica}</code></>}
        {live.kind === 'connecting' && 'Connecting…'}
        {live.kind === 'offline' && 'Offline: the live connection could not be opened.'}
      </p>
    </main>
  );
}
