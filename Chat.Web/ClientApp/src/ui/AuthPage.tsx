import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/http';
import { rest } from '../api/rest';
import type { User } from '../api/types';

type Mode = 'login' | 'signup';

/** Log in or sign up. The server validates; its ProblemDetails appear next to the field they name. */
export function AuthPage({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<Mode>('login');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const field = (name: string) => String(data.get(name) ?? '');
    const credentials = { email: field('email'), password: field('password') };
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await (mode === 'login' ? rest.auth.logIn(credentials) : rest.auth.signUp({ ...credentials, fullName: field('fullName') })));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { detail: 'Chat cannot be reached. Check your connection.' }));
      setBusy(false);
    }
  }

  const fieldError = (name: string) => error?.field(name);
  const general = error && !error.problem.errors ? error.message : null;
  const switchTo = (next: Mode) => { setMode(next); setError(null); };

  return (
    <main className="auth">
      <h1 className="brand">Chat</h1>
      <div className="auth-card">
        <div className="tabs" role="tablist" aria-label="Account">
          <button type="button" role="tab" aria-selected={mode === 'login'} onClick={() => switchTo('login')}>Log in</button>
          <button type="button" role="tab" aria-selected={mode === 'signup'} onClick={() => switchTo('signup')}>Sign up</button>
        </div>
        <form onSubmit={submit} noValidate aria-label={mode === 'login' ? 'Log in' : 'Sign up'}>
          {mode === 'signup' && <Field name="fullName" label="Full name" autoComplete="name" error={fieldError('fullName')} />}
          <Field name="email" label="Email" type="email" autoComplete="email" error={fieldError('email')} />
          <Field name="password" label="Password" type="password"
                 autoComplete={mode === 'login' ? 'current-password' : 'new-password'} error={fieldError('password')} />
          {general && <p className="form-error" role="alert">{general}</p>}
          <button type="submit" className="primary" disabled={busy}>{mode === 'login' ? 'Log in' : 'Create account'}</button>
        </form>
      </div>
    </main>
  );
}

interface FieldProps {
  name: string;
  label: string;
  type?: string;
  autoComplete: string;
  error?: string;
}

function Field({ name, label, type = 'text', autoComplete, error }: FieldProps) {
  const id = `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} autoComplete={autoComplete} required
             aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}
