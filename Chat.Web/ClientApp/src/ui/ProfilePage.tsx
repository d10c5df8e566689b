import { useEffect, useState, type FormEvent } from 'react';
import type { Contact, DataExport, Privacy, PushDevice, SessionInfo } from '../api/types';
import { DevicePush } from '../chat/devicePush';
import { Attention } from '../chat/attention';
import type { ChatClient } from '../chat/chatClient';
import { ApiError } from '../api/http';
import { Avatar } from './Avatar';
import { useChat } from './useChat';
import { imageFileError } from '../chat/imageFiles';

/** Name and avatar, notifications, the people blocked; log out here or everywhere. */
export function ProfilePage({ client }: { client: ChatClient }) {
  const me = useChat(client, (s) => s.me);
  const limits = useChat(client, (s) => s.limits);
  const [name, setName] = useState(me.fullName);
  const [status, setStatus] = useState<{ kind: 'saved' | 'error'; text: string; field?: string } | null>(null);

  const run = async (action: Promise<void>, done: string) => {
    try {
      await action;
      setStatus({ kind: 'saved', text: done });
    } catch (e) {
      const error = e as Error;
      setStatus({ kind: 'error', text: (e instanceof ApiError && (e.field('fullName') ?? e.field('file'))) || error.message });
    }
  };

  // Checked with the server's limits first, so a file it would refuse is not uploaded.
  const pickPhoto = (file: File | undefined) => {
    if (!file) return;
    const error = imageFileError(file, limits);
    if (error) setStatus({ kind: 'error', text: error });
    else void run(client.updateAvatar(file), 'Photo saved.');
  };

  const saveName = (event: FormEvent) => {
    event.preventDefault();
    void run(client.updateProfile(name), 'Name saved.');
  };

  return (
    <section className="profile" aria-labelledby="profile-heading">
      <a className="back" href="#/" aria-label="Back to conversations">‹</a>
      <h2 id="profile-heading">Your profile</h2>
      <div className="profile-avatar">
        <Avatar name={me.fullName} url={me.avatarUrl} size="large" />
        <label className="button">
          Change photo
          <input type="file" accept={limits.imageContentTypes.join(',')} className="visually-hidden" onChange={(e) => pickPhoto(e.target.files?.[0])} />
        </label>
      </div>
      <form onSubmit={saveName} className="field">
        <label htmlFor="profile-name">Full name</label>
        <div className="inline">
          <input id="profile-name" value={name} maxLength={limits.maxFullNameLength} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          <button type="submit" className="primary" disabled={!name.trim() || name === me.fullName}>Save</button>
        </div>
      </form>
      <p className="hint">Signed in as {me.email}</p>
      {status && <p className={status.kind === 'error' ? 'form-error' : 'saved'} role="status">{status.text}</p>}
      <Notifications />
      <ClosedNotifications />
      <PrivacyChoices client={client} />
      <SignedInDevices client={client} />
      <PasswordChange client={client} />
      <BlockedPeople client={client} />
      <ExportData client={client} />
      <DeleteAccount client={client} />
      <div className="session-actions">
        <button type="button" onClick={() => void run(client.logOut(false), '')}>Log out</button>
        <button type="button" className="danger" onClick={() => void run(client.logOut(true), '')}>Log out everywhere</button>
      </div>
    </section>
  );
}

function Notifications() {
  const [on, setOn] = useState(Attention.notificationsWanted());
  const [refused, setRefused] = useState(false);
  const supported = 'Notification' in window;
  const change = async (wanted: boolean) => {
    const done = await Attention.setNotifications(wanted);
    setRefused(!done);
    setOn(done && wanted);
  };
  return (
    <section className="profile-section" aria-labelledby="notifications-heading">
      <h3 id="notifications-heading">Notifications</h3>
      <label className="checkbox">
        <input type="checkbox" checked={on} disabled={!supported} onChange={(e) => void change(e.target.checked)} />
        Show a notification when a message arrives while I look elsewhere
      </label>
      {!supported && <p className="hint">This browser does not show notifications.</p>}
      {refused && <p className="form-error" role="alert">The browser refused: allow notifications for this site in its settings.</p>}
      <p className="hint">Mute a conversation from its header to leave it out.</p>
    </section>
  );
}

/** Web Push for this device, and the list of the user's devices that receive pushes (each can be turned off). */
function ClosedNotifications() {
  const [on, setOn] = useState(false);
  const [devices, setDevices] = useState<PushDevice[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = () => DevicePush.devices().then(setDevices, () => setDevices([]));
  useEffect(() => {
    void DevicePush.current().then((subscription) => setOn(subscription !== null), () => setOn(false));
    void reload();
  }, []);
  const change = async (wanted: boolean) => {
    setProblem(null);
    try {
      if (wanted && !(await DevicePush.enable())) setProblem('The browser refused: allow notifications for this site in its settings.');
      if (!wanted) await DevicePush.disable();
      setOn(wanted && (await DevicePush.current()) !== null);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : 'Push could not be turned on.');
    }
    await reload();
  };
  const turnOff = async (device: PushDevice) => {
    if (device.current) return change(false);
    await DevicePush.removeDevice(device.id).catch(() => undefined);
    await reload();
  };
  return (
    <section className="profile-section" aria-labelledby="push-heading">
      <h3 id="push-heading">When Chat is closed</h3>
      <label className="checkbox">
        <input type="checkbox" checked={on} disabled={!DevicePush.supported()} onChange={(e) => void change(e.target.checked)} />
        Notify me when Chat is closed (this device)
      </label>
      {!DevicePush.supported() && <p className="hint">This browser cannot receive pushes (on iPhone and iPad, add Chat to the home screen first).</p>}
      {problem && <p className="form-error" role="alert">{problem}</p>}
      <p className="hint">The push service of your browser sees only that a message is waiting, never what it says.</p>
      {devices && devices.length > 0 && (
        <ul className="list" aria-label="Devices that receive pushes" data-testid="push-devices">
          {devices.map((d) => (
            <li key={d.id} className="row">
              <span className="row-body">
                <span className="row-title">{d.device}{d.current && ' (this device)'}</span>
                <span className="row-sub">since {new Date(d.createdAt).toLocaleDateString()}</span>
              </span>
              <button type="button" className="link" onClick={() => void turnOff(d)}>Turn off</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Who sees my presence and read marks, and who may message me; each choice is saved as it is made. */
function PrivacyChoices({ client }: { client: ChatClient }) {
  const [privacy, setPrivacy] = useState<Privacy | null>(null);
  const [status, setStatus] = useState<{ kind: 'saved' | 'error'; text: string } | null>(null);
  useEffect(() => void client.account.privacy().then(setPrivacy, () => setStatus({ kind: 'error', text: 'Your privacy choices could not be loaded.' })), [client]);
  // Shown at once, as the server will store it; put back if it refuses.
  const change = async (update: Partial<Privacy>) => {
    const before = privacy;
    setPrivacy((current) => (current ? { ...current, ...update } : current));
    try {
      setPrivacy(await client.account.setPrivacy(update));
      setStatus({ kind: 'saved', text: 'Saved.' });
    } catch (e) {
      setPrivacy(before);
      setStatus({ kind: 'error', text: (e as Error).message });
    }
  };
  return (
    <section className="profile-section" aria-labelledby="privacy-heading">
      <h3 id="privacy-heading">Privacy</h3>
      {privacy === null ? <p className="hint">Loading…</p> : (
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" checked={privacy.readReceipts} onChange={(e) => void change({ readReceipts: e.target.checked })} />
            Read receipts: others see when I have read their messages
          </label>
          <p className="hint">Off: nobody sees yours, and you see nobody's.</p>
          <label htmlFor="privacy-last-seen">Who sees when I am online or was last seen</label>
          <select id="privacy-last-seen" value={privacy.lastSeen} onChange={(e) => void change({ lastSeen: e.target.value as Privacy['lastSeen'] })}>
            <option value="everyone">Everyone</option>
            <option value="conversations">People I have conversations with</option>
            <option value="nobody">Nobody</option>
          </select>
          <label htmlFor="privacy-messages-from">Who can message me</label>
          <select id="privacy-messages-from" value={privacy.messagesFrom}
                  onChange={(e) => void change({ messagesFrom: e.target.value as Privacy['messagesFrom'] })}>
            <option value="everyone">Everyone</option>
            <option value="conversations">People I have conversations with (others' first messages are requests)</option>
          </select>
        </div>
      )}
      {status && <p className={status.kind === 'error' ? 'form-error' : 'saved'} role="status">{status.text}</p>}
    </section>
  );
}

/** Where the account is signed in; any other device can be signed out from here. */
function SignedInDevices({ client }: { client: ChatClient }) {
  const [devices, setDevices] = useState<SessionInfo[] | null>(null);
  const reload = () => client.account.devices().then(setDevices, () => setDevices([]));
  useEffect(() => void reload(), [client]);
  const signOut = async (id: string) => {
    await client.account.signOutDevice(id).catch(() => undefined);
    await reload();
  };
  return (
    <section className="profile-section" aria-labelledby="devices-heading">
      <h3 id="devices-heading">Where you are signed in</h3>
      {devices === null ? <p className="hint">Loading…</p> : (
        <ul className="list" data-testid="signed-in-devices">
          {devices.map((d) => (
            <li key={d.id} className="row">
              <span className="row-body">
                <span className="row-title">{d.device}{d.current && ' (this device)'}</span>
                <span className="row-sub">
                  active {new Date(d.lastActiveAt).toLocaleString()}{d.place && ` · from ${d.place}`} · since {new Date(d.createdAt).toLocaleDateString()}
                </span>
              </span>
              {!d.current && <button type="button" className="link" onClick={() => void signOut(d.id)}>Sign out</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A new password: the current one first; every other device is signed out. */
function PasswordChange({ client }: { client: ChatClient }) {
  const limits = useChat(client, (s) => s.limits);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [status, setStatus] = useState<{ kind: 'saved' | 'error'; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await client.account.changePassword(current, next);
      setCurrent('');
      setNext('');
      setStatus({ kind: 'saved', text: 'Password changed. Your other devices are signed out.' });
    } catch (e) {
      const error = e as Error;
      setStatus({ kind: 'error', text: (e instanceof ApiError && (e.field('newPassword') ?? e.field('currentPassword'))) || error.message });
    }
  };
  return (
    <section className="profile-section" aria-labelledby="password-heading">
      <h3 id="password-heading">Password</h3>
      <form onSubmit={(e) => void submit(e)} className="field">
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        <label htmlFor="new-password">New password</label>
        <input id="new-password" type="password" autoComplete="new-password" minLength={limits.minPasswordLength} maxLength={limits.maxPasswordLength}
          value={next} onChange={(e) => setNext(e.target.value)} />
        <button type="submit" disabled={!current || next.length < limits.minPasswordLength}>Change password</button>
      </form>
      {status && <p className={status.kind === 'error' ? 'form-error' : 'saved'} role="status">{status.text}</p>}
    </section>
  );
}

function BlockedPeople({ client }: { client: ChatClient }) {
  const [people, setPeople] = useState<Contact[] | null>(null);
  useEffect(() => void client.blockedPeople().then(setPeople, () => setPeople([])), [client]);
  const unblock = async (id: string) => {
    await client.block(id, false);
    setPeople((current) => current?.filter((p) => p.id !== id) ?? null);
  };
  return (
    <section className="profile-section" aria-labelledby="blocked-heading">
      <h3 id="blocked-heading">Blocked people</h3>
      {people === null ? <p className="hint">Loading…</p> : people.length === 0 ? <p className="hint">You have not blocked anyone.</p> : (
        <ul className="list" data-testid="blocked-people">
          {people.map((p) => (
            <li key={p.id} className="row">
              <Avatar name={p.fullName} url={p.avatarUrl} />
              <span className="row-body"><span className="row-title">{p.fullName}</span></span>
              <button type="button" className="link" onClick={() => void unblock(p.id)}>Unblock</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Deleting the account, the password asked again. Erasing the messages is the default; keeping
 * them for the people one talked with is a choice made here.
 */
function DeleteAccount({ client }: { client: ChatClient }) {
  const [password, setPassword] = useState('');
  const [keepMessages, setKeepMessages] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!window.confirm('Delete your account for good? This cannot be undone.')) return;
    try {
      await client.account.deleteAccount(password, keepMessages);
    } catch (e) {
      setError((e instanceof ApiError && e.field('password')) || (e as Error).message);
    }
  };
  return (
    <section className="profile-section" aria-labelledby="delete-heading">
      <h3 id="delete-heading">Delete my account</h3>
      <p className="hint">
        You are signed out everywhere; your profile, photo, uploads, devices, blocks and settings go, and nobody can find you.
        The people you talked with keep their conversations, with your messages shown as deleted unless you keep them below.
      </p>
      <form onSubmit={(e) => void submit(e)} className="field">
        <label htmlFor="delete-password">Password</label>
        <input id="delete-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        <label className="checkbox">
          <input type="checkbox" checked={keepMessages} onChange={(e) => setKeepMessages(e.target.checked)} />
          Keep my messages for the people I talked with
        </label>
        <button type="submit" className="danger" disabled={!password}>Delete my account</button>
      </form>
      {error && <p className="form-error" role="alert">{error}</p>}
    </section>
  );
}

/** A zip of everything of mine, prepared by the server while this page shows how far it got. */
function ExportData({ client }: { client: ChatClient }) {
  const [current, setCurrent] = useState<DataExport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (current?.status !== 'preparing') return;
    const timer = setTimeout(() => void client.account.exportStatus(current.id).then(setCurrent, (e: Error) => setError(e.message)), 1000);
    return () => clearTimeout(timer);
  }, [client, current]);
  const request = async () => {
    setError(null);
    try {
      setCurrent(await client.account.requestExport());
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="profile-section" aria-labelledby="export-heading">
      <h3 id="export-heading">Your data</h3>
      <p className="hint">A zip of your profile, devices, blocks, conversations, every message you can read, and your photos.</p>
      {current?.status === 'preparing' ? (
        <label className="field">
          Preparing your download…
          <progress max={1} value={current.progress} aria-label="Export progress" />
        </label>
      ) : current?.status === 'ready' ? (
        <p role="status">
          <a className="button" href={current.downloadUrl!} download data-testid="export-download">Download my data</a>{' '}
          <span className="hint">until {new Date(current.expiresAt).toLocaleString()}</span>
        </p>
      ) : (
        <button type="button" onClick={() => void request()}>Prepare a download of my data</button>
      )}
      {current?.status === 'failed' && <p className="form-error" role="alert">It could not be prepared; ask again.</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
    </section>
  );
}
