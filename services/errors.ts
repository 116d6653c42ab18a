/** A request the caller can fix: bad input, a rule of the domain not met. Shown to the caller as is. */
export class UserInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

/**
 * Something that does not exist — or lies outside the caller's jurisdiction: the two are deliberately
 * indistinguishable, so an outsider learns nothing by probing ids.
 */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(what: string, id: string | number) {
    super(`${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** A request that contradicts what is stored (e.g. an id reused for other content): HTTP 409. */
export class ConflictError extends Error {
  readonly code = 'CONFLICT';
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
