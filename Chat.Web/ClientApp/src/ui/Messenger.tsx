import { useEffect, useState } from 'react';
import type { ChatClient, Connectivity } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { ConversationView } from './ConversationView';
import { ProfilePage } from './ProfilePage';
import { Sidebar } from './Sidebar';
import { useHashRoute } from './routes';
import { useTheme, type Theme } from './theme';
import { useChat } from './useChat';

/** The signed-in app: top bar, connection banner, sidebar, and the open conversation or the profile. */
export function Messenger({ client }: { client: ChatClient }) {
  const me = useChat(client, (s) => s.me);
  const connectivity = useChat(client, (s) => s.connectivity);
  const route = useHashRoute();
  const [theme, setTheme] = useTheme();

  return (
    <div className="messenger" data-view={route.kind}>
      <header className="topbar">
        <a className="brand" href="#/">Chat</a>
        <label className="theme-picker">
          <span className="visually-hidden">Theme</span>
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)} aria-label="Theme">
            <option value="system">System theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <a className="me" href="#/profile">
          <Avatar name={me.fullName} url={me.avatarUrl} />
          <span className="visually-hidden">Your profile: </span>
          <span className="me-name">{me.fullName}</span>
        </a>
      </header>
      <ConnectionBanner connectivity={connectivity} />
      <Sidebar client={client} selectedKey={route.kind === 'conversation' ? route.key : null} />
      <main className="main">
        {route.kind === 'conversation' && <ConversationView key={route.key} client={client} conversationKey={route.key} focusSeq={route.focusSeq} />}
        {route.kind === 'profile' && <ProfilePage client={client} />}
        {route.kind === 'home' && (
          <div className="empty-state">
            <h2>Welcome, {me.fullName}</h2>
            <p>Choose a conversation, or find someone under People.</p>
          </div>
        )}
      </main>
    </div>
  );
}

function ConnectionBanner({ connectivity }: { connectivity: Connectivity }) {
  // "connecting" is the first second of every visit: not worth a banner unless it lasts.
  const [shown, setShown] = useState(connectivity !== 'connecting');
  useEffect(() => {
    if (connectivity === 'online') return setShown(false);
    if (connectivity !== 'connecting') return setShown(true);
    const timer = setTimeout(() => setShown(true), 1500);
    return () => clearTimeout(timer);
  }, [connectivity]);
  if (!shown || connectivity === 'online') return null;
  const text = connectivity === 'offline'
    ? 'You are offline. Messages you write are kept and sent when the connection is back.'
    : 'Reconnecting… Messages you write are kept and sent when the connection is back.';
  return <div className="banner" role="status" data-testid="connection-banner" data-state={connectivity}>{text}</div>;
}
