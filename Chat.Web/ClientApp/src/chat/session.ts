import { rest } from '../api/rest';
import type { Privacy } from '../api/types';
import { DevicePush } from './devicePush';
import { OfflineCopies } from './offlineCopy';
import type { ChatStore } from './state';

/** The signed-in user: profile changes, devices, password, privacy, log-out, and noticing that the session ended elsewhere. */
export class Session {
  private ended = false;

  constructor(private readonly store: ChatStore, private readonly signedOut: () => void) {}

  async updateProfile(fullName: string) {
    this.store.set({ me: await rest.profile.update(fullName) });
  }

  async updateAvatar(file: File) {
    this.store.set({ me: await rest.profile.setAvatar(file) });
  }

  /** Where I am signed in, this device marked. */
  devices() {
    return rest.auth.sessions();
  }

  /** Signs one of my other devices out, at once. */
  signOutDevice(id: string) {
    return rest.auth.endSession(id);
  }

  /** A new password (the current one needed); every other device is signed out, this one stays. */
  changePassword(currentPassword: string, newPassword: string) {
    return rest.auth.changePassword(currentPassword, newPassword);
  }

  /** Who sees my presence and read marks, and who may message me. */
  privacy() {
    return rest.profile.privacy();
  }

  setPrivacy(change: Partial<Privacy>) {
    return rest.profile.setPrivacy(change);
  }

  /** Asks for a download of all my data (the one being prepared, if there is one). */
  requestExport() {
    return rest.account.startExport();
  }

  exportStatus(id: string) {
    return rest.account.export(id);
  }

  /** Deletes the account (the password again): signed out everywhere, and nothing of it stays at this browser. */
  async deleteAccount(password: string, keepMessages: boolean) {
    await rest.account.delete(password, keepMessages);
    await DevicePush.forget();
    this.end();
  }

  async logOut(everywhere: boolean) {
    await rest.auth.logOut(everywhere);
    await DevicePush.forget();
    this.end();
  }

  /** True when the session has ended (logged out everywhere, expired): the app signs out. Unreachable is not signed out. */
  async hasEnded(): Promise<boolean> {
    try {
      if ((await rest.auth.meStatus()) !== 401) return false;
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
