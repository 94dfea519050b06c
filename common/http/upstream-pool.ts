// The instances of one service: round robin over the healthy ones; a failed one waits for a health check or its next answer.
export interface UpstreamInstance {
  url: string;
  healthy: boolean;
  lastError?: string;
}

export class UpstreamPool {
  readonly service: string;
  private readonly instances: UpstreamInstance[];
  private cursor = 0;

  constructor(service: string, urls: string[]) {
    if (urls.length === 0) throw new Error(`no upstream URL for ${service}`);
    this.service = service;
    this.instances = urls.map((url) => ({ url, healthy: true }));
  }

  /**
   * The next instance to try, skipping `tried`. Healthy instances come first in round-robin order; when none is
   * healthy the others are still tried, so a recovered instance serves before its next health check.
   */
  next(tried: ReadonlySet<string> = new Set()): string | undefined {
    const candidates = this.instances.filter((i) => !tried.has(i.url));
    const healthy = candidates.filter((i) => i.healthy);
    const pool = healthy.length > 0 ? healthy : candidates;
    if (pool.length === 0) return undefined;
    const chosen = pool[this.cursor++ % pool.length];
    return chosen?.url;
  }

  markDown(url: string, reason: string): void {
    const instance = this.instances.find((i) => i.url === url);
    if (instance) Object.assign(instance, { healthy: false, lastError: reason });
  }

  markUp(url: string): void {
    const instance = this.instances.find((i) => i.url === url);
    if (instance) Object.assign(instance, { healthy: true, lastError: undefined });
  }

  /** Instances out of the rotation. */
  unhealthy(): string[] {
    return this.instances.filter((i) => !i.healthy).map((i) => i.url);
  }

  urls(): string[] {
    return this.instances.map((i) => i.url);
  }

  snapshot(): UpstreamInstance[] {
    return this.instances.map((i) => ({ ...i }));
  }
}
