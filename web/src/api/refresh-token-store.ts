// Where the session's refresh token is kept for every tab of the box office: IndexedDB, which each tab reads as the
// last write left it, so a tab that takes the refresh lock right after another reads the token that tab got.
// localStorage does not promise that (each tab reads its own copy, brought up to date a moment later), and a tab that
// read the token another had just spent would present a used token and end the whole session. A marker in
// localStorage answers synchronously whether a session is kept, and its removal tells the other tabs of a sign-out.
// Without IndexedDB (some private modes) the token itself goes to localStorage.

/** Set while a refresh token is kept; removed on sign-out (other tabs hear of it through the storage event). */
export const SIGNED_IN_MARKER = 'eventix.signedIn';
/** Where the token lives without IndexedDB, and where earlier versions of the box office kept it. */
const FALLBACK_KEY = 'eventix.refresh';
const DATABASE = 'eventix';
const STORE = 'session';
const TOKEN = 'refreshToken';

let opened: Promise<IDBDatabase | undefined> | undefined;

function database(): Promise<IDBDatabase | undefined> {
  opened ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
  return opened;
}

function completed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

async function readStored(db: IDBDatabase): Promise<string | undefined> {
  const transaction = db.transaction(STORE, 'readonly');
  const request = transaction.objectStore(STORE).get(TOKEN);
  await completed(transaction);
  return typeof request.result === 'string' ? request.result : undefined;
}

async function writeStored(db: IDBDatabase, token: string | undefined): Promise<void> {
  const transaction = db.transaction(STORE, 'readwrite');
  if (token === undefined) transaction.objectStore(STORE).delete(TOKEN);
  else transaction.objectStore(STORE).put(token, TOKEN);
  await completed(transaction);
}

export const refreshTokenStore = {
  /** Whether a session is kept here, at once (what the other tabs wrote may reach this one a moment later). */
  present(): boolean {
    return localStorage.getItem(SIGNED_IN_MARKER) !== null || localStorage.getItem(FALLBACK_KEY) !== null;
  },

  /** The token as the last tab to write it left it; read under the refresh lock. */
  async read(): Promise<string | undefined> {
    const db = await database();
    const legacy = localStorage.getItem(FALLBACK_KEY) ?? undefined;
    if (!db) return legacy;
    const stored = await readStored(db);
    if (stored !== undefined || legacy === undefined) return stored;
    // A session kept by an earlier version of the box office moves over, once.
    await this.write(legacy);
    return legacy;
  },

  /** Keeps a new token, or forgets it (undefined); written before the refresh lock is let go. */
  async write(token: string | undefined): Promise<void> {
    const db = await database();
    if (db) {
      await writeStored(db, token);
      localStorage.removeItem(FALLBACK_KEY);
    } else if (token === undefined) localStorage.removeItem(FALLBACK_KEY);
    else localStorage.setItem(FALLBACK_KEY, token);
    if (token === undefined) localStorage.removeItem(SIGNED_IN_MARKER);
    else localStorage.setItem(SIGNED_IN_MARKER, '1');
  },
};
