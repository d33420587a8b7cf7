/**
 * Target passwords, encrypted with Electron's safeStorage (Keychain, DPAPI, or the Linux keyring)
 * and kept in their own electron-store file — never in the config, so exports and the CLI's config
 * cannot carry them. The Electron pieces are passed in, so this runs under plain Node in tests.
 *
 * On Linux without a keyring safeStorage falls back to `basic_text`: "encryption" with a key built
 * into Chromium, which is clear text in all but name. We refuse to store a password then, and say
 * what to do instead.
 */
import type { SecretStore } from '../core/rsync/auth.ts';
import { RsyncTrayError } from '../shared/errors.ts';

/** The subset of Electron's safeStorage used here. */
export interface Encryptor {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  /** Linux only; other platforms have no such function worth asking. */
  getSelectedStorageBackend?(): string;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

/** The subset of an electron-store (with dot notation off: target keys contain dots). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: string): void;
  delete(key: string): void;
}

export const NO_KEYRING_MESSAGE =
  'Rsync Tray will not store this password: no system keyring was found (the secret storage backend is ' +
  '"basic_text"), so it could only be saved in a form anyone who can read your files could decode.';
export const NO_KEYRING_HINT =
  'Install and unlock a keyring — GNOME Keyring (libsecret) or KWallet — and restart Rsync Tray ' +
  '(on desktops it does not detect, start it with --password-store=gnome-libsecret or --password-store=kwallet5). ' +
  'Or give this target a password file (chmod 600) or an environment variable instead.';

export async function assertSecureStorage(enc: Encryptor, platform: NodeJS.Platform): Promise<void> {
  if (platform === 'linux' && enc.getSelectedStorageBackend?.() === 'basic_text') {
    throw new RsyncTrayError('PASSWORD_MISSING', NO_KEYRING_MESSAGE, NO_KEYRING_HINT);
  }
  if (!(await enc.isAsyncEncryptionAvailable())) {
    throw new RsyncTrayError(
      'PASSWORD_MISSING',
      'Rsync Tray will not store this password: the system’s secret storage is not available right now.',
      platform === 'darwin'
        ? 'Unlock the login keychain and try again.'
        : platform === 'win32'
          ? 'Sign in to Windows normally (not as a temporary profile) and try again.'
          : NO_KEYRING_HINT,
    );
  }
}

export function createSafeSecretStore(enc: Encryptor, store: KeyValueStore, platform: NodeJS.Platform): SecretStore {
  return {
    async get(key) {
      const stored = store.get(key);
      if (typeof stored !== 'string' || stored === '') return undefined;
      let decrypted: { result: string; shouldReEncrypt: boolean };
      try {
        decrypted = await enc.decryptStringAsync(Buffer.from(stored, 'base64'));
      } catch (error) {
        throw new RsyncTrayError(
          'PASSWORD_MISSING',
          `The stored password for ${key} cannot be decrypted (the system keyring changed, ` +
            `or the file was copied from another computer).`,
          'Enter the password again in the profile editor.',
          { cause: error },
        );
      }
      // The keyring rotated its key: store the value again under the new one.
      if (decrypted.shouldReEncrypt)
        store.set(key, (await enc.encryptStringAsync(decrypted.result)).toString('base64'));
      return decrypted.result;
    },
    async set(key, value) {
      await assertSecureStorage(enc, platform);
      store.set(key, (await enc.encryptStringAsync(value)).toString('base64'));
    },
    async delete(key) {
      store.delete(key);
    },
  };
}
