/**
 * The one error vocabulary shared by server and SDK. Every `error` frame and
 * every failed REST call carries one of these codes. `retryable` tells a client
 * whether sending the same request again (unchanged) can succeed.
 */
export const ERRORS = {
  invalid_json: { retryable: false, message: 'The frame is not a JSON object.' },
  invalid_frame: { retryable: false, message: 'The frame does not match the protocol schema.' },
  unauthenticated: { retryable: false, message: 'Authenticate first.' },
  invalid_credentials: { retryable: false, message: 'Wrong username, password or token.' },
  guests_disabled: { retryable: false, message: 'Guest entry is switched off on this server.' },
  name_taken: { retryable: false, message: 'That name is already taken.' },
  not_found: { retryable: false, message: 'No such room or message, or you may not see it.' },
  user_not_found: { retryable: false, message: 'No user with that username.' },
  not_member: { retryable: false, message: 'Join the room first.' },
  forbidden: { retryable: false, message: 'You may not do that.' },
  banned: { retryable: false, message: 'You are banned from this room.' },
  timed_out: { retryable: false, message: 'You are timed out in this room: you cannot post or react until retryAfterMs has passed.' },
  slow_mode: { retryable: true, message: 'Slow mode: wait retryAfterMs before your next message here.' },
  body_too_long: { retryable: false, message: 'The message body is too long.' },
  file_too_large: { retryable: false, message: 'The file is larger than this server accepts.' },
  quota_exceeded: { retryable: false, message: 'You have uploaded as much as this server allows for now.' },
  type_not_allowed: { retryable: false, message: 'Files of this type are not accepted here.' },
  image_too_large: { retryable: false, message: 'The image has more pixels than this server decodes.' },
  rate_limited: { retryable: true, message: 'Too many requests; retry after retryAfterMs.' },
  unavailable: { retryable: true, message: 'The server is shutting down or overloaded; retry soon.' },
  internal: { retryable: true, message: 'Internal server error.' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** The wire shape of an error, in an `error` frame and in REST error bodies. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /**
   * How long to wait: with `rate_limited` and `slow_mode`, before retrying; with
   * `timed_out`, until the time-out ends; with `banned`, until a ban with an end ends.
   */
  retryAfterMs?: number;
}

/**
 * A typed protocol error. Thrown by server handlers (turned into an `error`
 * frame or an HTTP error) and by the SDK (rejecting a request's promise).
 */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message?: string, retryAfterMs?: number) {
    super(message ?? ERRORS[code].message);
    this.name = 'ParleyError';
    this.code = code;
    this.retryable = ERRORS[code].retryable;
    this.retryAfterMs = retryAfterMs;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) body.retryAfterMs = this.retryAfterMs;
    return body;
  }

  static fromBody(body: ErrorBody): ParleyError {
    return new ParleyError(isErrorCode(body.code) ? body.code : 'internal', body.message, body.retryAfterMs);
  }
}

/** HTTP status for each error code, used by the REST API. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_frame: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  guests_disabled: 403,
  name_taken: 409,
  not_found: 404,
  user_not_found: 404,
  not_member: 403,
  forbidden: 403,
  banned: 403,
  timed_out: 403,
  slow_mode: 429,
  body_too_long: 413,
  file_too_large: 413,
  quota_exceeded: 413,
  type_not_allowed: 415,
  image_too_large: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};
