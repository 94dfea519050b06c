// How callers address an event's admitter (workflow `on-sale-<eventId>`): its input, the settings signal that wakes it,
// its progress query, and the automatic admission rate, defined once for the workflow, its activities and the routes.

import { defineQuery, defineSignal } from '@temporalio/workflow';

export const onSaleAdmitterWorkflowId = (eventId: string): string => `on-sale-${eventId}`;

/** What the admitter needs of the on-sale settings; the bookings database stays their record. */
export interface AdmitterSettings {
  opensAt: string;
  waitingRoom: boolean;
  /** Admissions per minute, or 'auto' (see automaticRate). */
  admissionRatePerMinute: number | 'auto';
  admissionTtlSeconds: number;
}

export interface AdmitterProgress {
  /** Admissions made by this admitter, across its continue-as-new runs. */
  admitted: number;
  /** Admissions that lapsed unused. */
  expired: number;
  /** Now, from the last step: customers waiting, admissions used. */
  waiting: number;
  used: number;
  ratePerMinute: number;
  openedAt: string | null;
  note: string;
}

export interface AdmitterInput {
  eventId: string;
  settings: AdmitterSettings;
  /** Carried over a continue-as-new. */
  progress?: AdmitterProgress;
  credit?: number;
}

export interface AdmitterResult {
  eventId: string;
  ended: 'sold_out' | 'sale_over' | 'waiting_room_off';
  progress: AdmitterProgress;
}

/** One step of the admitter: what it may admit now, and the settings it was started or signalled with. */
export interface AdmitterStepRequest {
  eventId: string;
  /** Admissions the rate allows in this step; the free seats bound it further. */
  maxAdmissions: number;
  ratePerMinute: number;
}

export interface AdmitterStepResult {
  /** False once the settings say no waiting room (or are gone). */
  waitingRoom: boolean;
  /** True when this step ranked entries of the pre-queue (the opening, or a late arrival of the pre-queue). */
  ranked: number;
  admitted: number;
  expired: number;
  waiting: number;
  outstanding: number;
  used: number;
  /** Admissions used in the last minute: the automatic rate follows them. */
  usedLastMinute: number;
  soldOut: boolean;
  saleOver: boolean;
  admissionTtlSeconds: number;
  admissionRatePerMinute: number | 'auto';
  opensAt: string;
}

/** Wakes the admitter when its settings change (it reads the rest from the database each step). */
export const admitterSettingsSignal = defineSignal<[AdmitterSettings]>('onSaleSettingsChanged');
export const admitterProgressQuery = defineQuery<AdmitterProgress>('progress');

/** The automatic rate's bounds, per minute. */
export const AUTO_RATE = { start: 600, min: 120, max: 12_000 } as const;

/**
 * The automatic admission rate: AUTO_RATE.start for the first minute after the opening; then twice the admissions
 * actually used (holds made) over the last minute, within AUTO_RATE.min and AUTO_RATE.max. The platform's measured
 * capacity is what it sold through admissions: admitting twice that keeps the sale fed without admitting a crowd the
 * holds cannot serve. Admissions never outrun the free seats either way (the step bounds them).
 */
export function automaticRate(msSinceOpening: number, usedLastMinute: number): number {
  if (msSinceOpening < 60_000) return AUTO_RATE.start;
  return Math.min(AUTO_RATE.max, Math.max(AUTO_RATE.min, 2 * usedLastMinute));
}
