import { api, upload } from '../api/http';
import type { DataExport, Privacy, SessionInfo, User } from '../api/types';
import { DevicePush } from './devicePush';
import { OfflineCopies } from './offlineCopy';
import type { ChatStore } from './state';

/** The signed-in user: profile changes, devices, password, privacy, log-out, and noticing that the session ended elsewhere. */
export class Session {
  private ended = false;

  constructor(private readonly store: ChatStore, private readonly signedOut: () => void) {}

  async updateProfile(fullName: string) {
    this.store.set({ me: await api<User>('PUT', '/api/users/me', { fullName }) });
  }

  async updateAvatar(file: File) {
    this.store.set({ me: await upload<User>('PUT', '/api/users/me/avatar', file) });
  }

  /** Where I am signed in, this device marked. */
  devices() {
    return api<SessionInfo[]>('GET', '/api/auth/sessions');
  }

  /** Signs one of my other devices out, at once. */
  signOutDevice(id: string) {
    return api<void>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`);
  }

  /** A new password (the current one needed); every other device is signed out, this one stays. */
  changePassword(currentPassword: string, newPassword: string) {
    return api<void>('PUT', '/api/auth/password', { currentPassword, newPassword });
  }

  /** Who sees my presence and read marks, and who may message me. */
  privacy() {
    return api<Privacy>('GET', '/api/users/me/privacy');
  }

  setPrivacy(change: Partial<Privacy>) {
    return api<Privacy>('PUT', '/api/users/me/privacy', change);
  }

  /** Asks for a download of all my data (the one being prepared, if there is one). */
  requestExport() {
    return api<DataExport>('POST', '/api/account/export');
  }

  exportStatus(id: string) {
    return api<DataExport>('GET', `/api/account/export/${encodeURIComponent(id)}`);
  }

  /** Deletes the account (the password again): signed out everywhere, and nothing of it stays at this browser. */
  async deleteAccount(password: string, keepMessages: boolean) {
    await api<void>('DELETE', '/api/account', { password, keepMessages });
    await DevicePush.forget();
    this.end();
  }

  async logOut(everywhere: boolean) {
    await api<void>('POST', everywhere ? '/api/auth/logout-all' : '/api/auth/logout');
    await DevicePush.forget();
    this.end();
  }

  /** True when the session has ended (logged out everywhere, expired): the app signs out. Unreachable is not signed out. */
  async hasEnded(): Promise<boolean> {
    try {
      const response = await fetch('/api/auth/me', { credentials: 'same-origin' });
      if (response.status !== 401) return false;
    } catch {
      return false;
    }
    this.end();
    return true;
  }

  private end() {
    if (this.ended) return;
    this.ended = true;
    this.signedOut();
    // Signed out: nothing of this user stays for the next person at this browser.
    OfflineCopies.clear();
  }
}
