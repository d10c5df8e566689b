import { useEffect, useState, type FormEvent } from 'react';
import type { Contact } from '../api/types';
import type { ChatClient } from '../chat/chatClient';
import { Avatar } from './Avatar';
import { conversationHref } from './routes';
import { useChat } from './useChat';

/** A dialog box: Escape or the backdrop closes it. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) {
  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <section className="dialog" role="dialog" aria-modal="true" aria-label={title}>
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="link" aria-label="Close" onClick={onClose}>✕</button>
        </header>
        {children}
      </section>
    </div>
  );
}

/** People found by name, each with a checkbox; those in <code>excluded</code> (already in) are left out. */
export function PeoplePicker({ client, picked, onChange, excluded = [] }: {
  client: ChatClient; picked: Contact[]; onChange: (picked: Contact[]) => void; excluded?: string[];
}) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Contact[]>([]);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => client.findPeople(query.trim()).then((page) => current && setFound(page.items), () => undefined), 200);
    return () => { current = false; clearTimeout(timer); };
  }, [client, query]);
  const toggle = (c: Contact) => onChange(picked.some((p) => p.id === c.id) ? picked.filter((p) => p.id !== c.id) : [...picked, c]);
  const shown = found.filter((c) => !excluded.includes(c.id) && !c.blocked);

  return (
    <div className="people-picker">
      {picked.length > 0 && (
        <p className="picked" data-testid="picked">{picked.map((p) => (
          <button key={p.id} type="button" className="chip" onClick={() => toggle(p)} aria-label={`Remove ${p.fullName}`}>{p.fullName} ✕</button>
        ))}</p>
      )}
      <input type="search" placeholder="Search people" aria-label="Search people to add" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="list picker-list">
        {shown.map((c) => (
          <li key={c.id}>
            <label className="row">
              <input type="checkbox" checked={picked.some((p) => p.id === c.id)} onChange={() => toggle(c)} aria-label={c.fullName} />
              <Avatar name={c.fullName} url={c.avatarUrl} />
              <span className="row-title">{c.fullName}</span>
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A new group: a name and people from the directory; I become its owner and it opens. */
export function NewGroupDialog({ client, onClose }: { client: ChatClient; onClose: () => void }) {
  const maxName = useChat(client, (s) => s.limits.maxGroupNameLength ?? 100);
  const maxMembers = useChat(client, (s) => s.limits.maxGroupMembers ?? 256);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const key = await client.createGroup(name.trim(), picked.map((p) => p.id));
      onClose();
      location.hash = conversationHref(key);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  return (
    <Dialog title="New group" onClose={onClose}>
      <form className="dialog-body" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>Group name</span>
          <input value={name} maxLength={maxName} required autoFocus onChange={(e) => setName(e.target.value)} aria-label="Group name" />
        </label>
        <PeoplePicker client={client} picked={picked} onChange={setPicked} excluded={[client.getState().me.id]} />
        {picked.length + 1 > maxMembers && <p className="form-error" role="alert">A group has at most {maxMembers} members.</p>}
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy || !name.trim() || picked.length + 1 > maxMembers}>
          Create group{picked.length > 0 ? ` with ${picked.length} ${picked.length === 1 ? 'person' : 'people'}` : ''}
        </button>
      </form>
    </Dialog>
  );
}
