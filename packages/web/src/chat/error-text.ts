/** What to tell a person when a request failed, in their language. */
import { ParleyError } from '@parley/protocol';
import type { Messages } from '../i18n/en.js';
import { formatMoment } from '../lib/time.js';

export function errorText(error: unknown, m: Messages, locale = 'en-US'): string {
  if (!(error instanceof ParleyError)) return m.genericError;
  switch (error.code) {
    case 'invalid_credentials':
      return m.invalidCredentials;
    case 'guests_disabled':
      return m.guestsDisabled;
    case 'rate_limited':
      return m.rateLimited;
    case 'unauthenticated':
      return m.sessionEnded;
    case 'forbidden':
      return m.errorForbidden;
    case 'banned':
      return m.errorBanned;
    case 'timed_out':
      return m.errorTimedOut(formatMoment(Date.now() + (error.retryAfterMs ?? 0), Date.now(), { locale }));
    case 'slow_mode':
      return m.errorSlowMode(Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    case 'not_member':
      return m.errorNotMember;
    case 'user_not_found':
      return m.errorNoSuchMember;
    case 'invalid_frame':
      // The server explains which field was wrong; its words beat a vague apology.
      return error.message;
    default:
      return m.genericError;
  }
}
