/** Errors of the public self-filing page, mapped to HTTP statuses by server/http/public-filing.ts. */
import type { InputProblem } from '../complaints/complaint.commands';

/** The filing has problems; nothing was stored (400). */
export class FilingInputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'FilingInputError';
  }
}

/** Too many submissions or verification fetches (429, Retry-After). */
export class FilingRateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number, what = '提交') {
    super(`${what}过于频繁，请稍后再试。Too many requests; please try again later.`);
    this.name = 'FilingRateLimitedError';
  }
}

/** The page is closed (PUBLIC_FILINGS_PER_HOUR = 0) (503). */
export class FilingClosedError extends Error {
  constructor() {
    super('网上主体备案暂停受理，请到所在地市场监管所办理。Self-filing is closed; please file at your local station.');
    this.name = 'FilingClosedError';
  }
}

/** No filing of this number with this key (404: a wrong key and an unknown number look the same). */
export class FilingNotFoundError extends Error {
  constructor() {
    super('未找到该备案，请核对备案编号和查询码。No filing with this number and key.');
    this.name = 'FilingNotFoundError';
  }
}
