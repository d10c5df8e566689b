import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/http';
import { rest } from './api/rest';
import type { Limits, User } from './api/types';
import { ChatClient } from './chat/chatClient';
import { OfflineCopies } from './chat/offlineCopy';
import { AuthPage } from './ui/AuthPage';
import { Messenger } from './ui/Messenger';

type Session =
  | { kind: 'checking' }
  | { kind: 'unreachable' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; client: ChatClient };

/** The session decides the page: the messenger for a signed-in user (kept across reloads by the cookie), else log-in. */
export function App() {
  const [session, setSession] = useState<Session>({ kind: 'checking' });
  // The server's limits (text length, image size...), loaded once: the client checks the same numbers.
  const limits = useRef<Limits | null>(null);

  const signIn = useCallback((user: User, copy = OfflineCopies.load()) => {
    const client = new ChatClient(user, limits.current!, () => setSession({ kind: 'signed-out' }), copy?.me.id === user.id ? copy : null);
    client.start();
    setSession({ kind: 'signed-in', client });
  }, []);

  const check = useCallback(() => {
    setSession({ kind: 'checking' });
    (async () => {
      limits.current ??= await rest.limits();
      return rest.auth.me();
    })().then((user) => signIn(user), (error) => {
      if (error instanceof ApiError && error.status === 401) return setSession({ kind: 'signed-out' });
      // No network (the installed app opened offline): the last signed-in user's copy, until it reconnects.
      const copy = error instanceof ApiError ? null : OfflineCopies.load();
      if (!copy) return setSession({ kind: 'unreachable' });
      limits.current ??= copy.limits;
      signIn(copy.me, copy);
    });
  }, [signIn]);

  useEffect(check, [check]);
  useEffect(() => (session.kind === 'signed-in' ? () => session.client.dispose() : undefined), [session]);

  switch (session.kind) {
    case 'checking':
      return <main className="centered" aria-busy="true"><p>Loading…</p></main>;
    case 'unreachable':
      return (
        <main className="centered">
          <p role="alert">Chat cannot be reached right now.</p>
          <button type="button" onClick={check}>Try again</button>
        </main>
      );
    case 'signed-out':
      return <AuthPage onSignedIn={signIn} />;
    case 'signed-in':
      return <Messenger client={session.client} />;
  }
}
