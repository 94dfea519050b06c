// The gate and device a door scanner works at: chosen once per device and kept in localStorage, so a reload or the
// next shift on the same phone does not ask again. The events scanned here lately are kept the same way.

export interface DoorSettings {
  gate: string;
  device: string;
}

const SETTINGS_KEY = 'eventix.door.settings';
const RECENT_KEY = 'eventix.door.recent';
const RECENT_MAX = 5;

function readJson<T>(key: string): T | undefined {
  try {
    const text = localStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

export function loadDoorSettings(): DoorSettings | undefined {
  const saved = readJson<Partial<DoorSettings>>(SETTINGS_KEY);
  return typeof saved?.gate === 'string' && typeof saved.device === 'string' && saved.gate && saved.device
    ? { gate: saved.gate, device: saved.device }
    : undefined;
}

export function saveDoorSettings(settings: DoorSettings): void {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

/** A name for this device when none was typed: short, and different from the phone beside it. */
export function suggestedDevice(): string {
  return `scanner-${crypto.randomUUID().slice(0, 6)}`;
}

export function recentEvents(): string[] {
  const list = readJson<unknown>(RECENT_KEY);
  return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
}

export function rememberEvent(eventId: string): void {
  const list = [eventId, ...recentEvents().filter((id) => id !== eventId)].slice(0, RECENT_MAX);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
}
