/**
 * Per-host concurrency for one crawl. Crawlee limits concurrency per crawler, not per host; the
 * spider takes a slot before each request and gives it back once the body is read or the request
 * has failed, so that one busy host never gets more than `limit` requests at a time.
 */
export class HostSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`perHostConcurrency must be ≥ 1, got ${limit}`);
  }

  /** Resolves once a slot on `host` is free; the returned function releases it (idempotent). */
  async acquire(host: string): Promise<() => void> {
    const n = this.active.get(host) ?? 0;
    if (n >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        queue.push(resolve);
        this.waiting.set(host, queue);
      });
      // the releaser handed its slot over: `active` is unchanged
    } else this.active.set(host, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(host)?.shift();
      if (next) next();
      else this.active.set(host, (this.active.get(host) ?? 1) - 1);
    };
  }
}
