// Stub activities that fail on purpose, for good: chosen calls fail as a database refusing their statement would
// (PostgreSQL's "invalid message format" for text with a NUL byte), through the real activity adapter, before or
// after the stub has done its work (a write that landed, then a lost answer).
import { DriverException } from '@mikro-orm/core';
import { asActivity } from '../../activities/domain-failure.ts';
import type { ActivityName, StubActivities } from './stub-calls.ts';

type Rule = { activity: ActivityName; when: (args: unknown[]) => boolean; after: boolean };

/** What PostgreSQL answers, through MikroORM, a statement whose text carries a NUL byte. */
export function invalidMessageFormat(): DriverException {
  return new DriverException(Object.assign(new Error('invalid message format'), { code: '08P01' }));
}

export function createFailures() {
  const rules: Rule[] = [];
  /** Every call that failed on purpose, in order. */
  const failed: { activity: ActivityName; args: unknown[] }[] = [];
  const ruleFor = (activity: ActivityName, args: unknown[]) => rules.find((r) => r.activity === activity && r.when(args));
  return {
    failed,
    /** From now on every call of `activity` that `when` matches fails; with `after`, once the stub has done its work. */
    always<K extends ActivityName>(
      activity: K,
      when: (...args: Parameters<StubActivities[K]>) => boolean,
      options: { after?: boolean } = {},
    ): void {
      rules.push({ activity, when: (args) => when(...(args as Parameters<StubActivities[K]>)), after: options.after ?? false });
    },
    /** The same activities, each call first checked against the rules. */
    wrap<A extends object>(activities: A): A {
      const wrapped: Record<string, unknown> = {};
      for (const [name, run] of Object.entries(activities) as [ActivityName, (...args: unknown[]) => Promise<unknown>][]) {
        wrapped[name] = async (...args: unknown[]) => {
          const rule = ruleFor(name, args);
          if (!rule) return run(...args);
          if (rule.after) await run(...args);
          failed.push({ activity: name, args });
          return asActivity(() => Promise.reject(invalidMessageFormat()));
        };
      }
      return wrapped as A;
    },
  };
}
