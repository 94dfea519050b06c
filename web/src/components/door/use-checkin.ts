// One scan at the door: the code sent to POST /events/{id}/checkins with this device's gate, and its answer sorted
// into what the door shows. Every scan is numbered, so the same outcome twice is still announced twice.
import { useCallback, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { components } from '../../api/bookings.gen.ts';
import { problemOf, type Problem } from '../../api/problems.ts';
import type { DoorSettings } from './door-settings.ts';

type Admission = components['schemas']['CheckinAdmission'];
type Refusal = components['schemas']['CheckinRefusal'];

export type ScanOutcome = { seq: number } & (
  | { kind: 'checking' }
  | { kind: 'admitted'; admission: Admission }
  | { kind: 'used'; refusal: Refusal }
  | { kind: 'refused'; problem: Problem }
);

export function useCheckin(eventId: string, settings: DoorSettings | undefined) {
  const [outcome, setOutcome] = useState<ScanOutcome>();
  const seq = useRef(0);

  const scan = useCallback(
    async (code: string) => {
      if (!settings) return;
      const n = ++seq.current;
      setOutcome({ seq: n, kind: 'checking' });
      const next = await checkIn(eventId, code, settings);
      // A slower answer to an earlier scan never covers a later one.
      if (seq.current === n) setOutcome({ seq: n, ...next });
    },
    [eventId, settings],
  );

  return { outcome, scan };
}

type Answer = Exclude<ScanOutcome, { kind: 'checking' }> extends infer O ? (O extends { seq: number } ? Omit<O, 'seq'> : never) : never;

async function checkIn(eventId: string, code: string, { gate, device }: DoorSettings): Promise<Answer> {
  try {
    const { data, error, response } = await api.bookings.POST('/events/{id}/checkins', {
      params: { path: { id: eventId } },
      body: { code, gate, device, direction: 'in' },
    });
    if (data) return { kind: 'admitted', admission: data };
    const refusal = error as Refusal | undefined;
    if (refusal?.code === 'TICKET_ALREADY_USED') return { kind: 'used', refusal };
    return { kind: 'refused', problem: problemOf(error, response) };
  } catch {
    return { kind: 'refused', problem: problemOf(undefined) };
  }
}
