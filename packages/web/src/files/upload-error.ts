/** Why an upload failed, in the person's language. */
import { ParleyError } from '@parley/protocol';
import type { Messages } from '../i18n/en.js';
import { formatSize } from './size.js';

export function uploadErrorText(error: unknown, m: Messages, maxFileBytes: number, locale: string): string {
  if (!(error instanceof ParleyError)) return m.uploadCutOff;
  switch (error.code) {
    case 'file_too_large':
      return m.fileTooLarge(formatSize(maxFileBytes, locale));
    case 'quota_exceeded':
      return m.quotaExceeded;
    case 'type_not_allowed':
      return m.typeNotAllowed;
    case 'image_too_large':
      return m.imageTooLarge;
    case 'unavailable':
      return m.uploadCutOff;
    case 'rate_limited':
      return m.rateLimited;
    default:
      return m.genericError;
  }
}
