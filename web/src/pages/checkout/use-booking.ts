// The booking being checked out: loaded once, reloaded on demand (after a payment, or when the countdown ends so the
// API confirms the expiry).
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import type { components } from '../../api/bookings.gen.ts';
import { must, problemOf, type Problem } from '../../api/problems.ts';

export type Booking = components['schemas']['Booking'];

export function useBooking(id: string) {
  const [booking, setBooking] = useState<Booking>();
  const [problem, setProblem] = useState<Problem>();
  const reload = useCallback(async () => {
    try {
      const found = await must(api.bookings.GET('/bookings/{id}', { params: { path: { id } } }));
      setBooking(found);
      setProblem(undefined);
      return found;
    } catch (err) {
      setProblem(problemOf(err));
      return undefined;
    }
  }, [id]);
  useEffect(() => void reload(), [reload]);
  return { booking, setBooking, problem, reload };
}
