/**
 * A per-process sliding window per network address for the cheap public reads (badge pages, images, QR
 * codes, filing status): at most `limit` requests a minute per address. The writes (submissions,
 * verification fetches) are limited in the database instead, so their limit holds across processes.
 */
export class RateWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limit: number, private readonly windowMs = 60_000) {}

  /** Seconds to wait when `address` is over the limit, else 0 (and the request is counted). */
  take(address: string, at = Date.now()): number {
    const from = at - this.windowMs;
    const list = (this.hits.get(address) ?? []).filter((t) => t > from);
    if (list.length >= this.limit) {
      this.hits.set(address, list);
      return Math.max(1, Math.ceil((list[0] + this.windowMs - at) / 1000));
    }
    list.push(at);
    this.hits.set(address, list);
    if (this.hits.size > 50_000) for (const [k, v] of this.hits) if (v.every((t) => t <= from)) this.hits.delete(k);
    return 0;
  }
}
