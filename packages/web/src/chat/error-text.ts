/** What to tell a person when a request failed, in their language. */
import { ParleyError } from '@parley/protocol';
import type { Messages } from '../i18n/en.js';

export function errorText(error: unknown, m: Messages): string {
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
    case 'invalid_frame':
      // The server explains which field was wrong; its words beat a vague apology.
      return error.message;
    default:
      return m.genericError;
  }
}
