/** Words for moderation: a room's settings in a phrase, an audit entry as a line. Plain text, never markup. */
import type { AuditEntry, Role, RoomSettings } from '@parley/client';
import type { Messages } from '../i18n/en.js';

export function settingsSummary(settings: RoomSettings, m: Messages): string {
  const parts: string[] = [];
  if (settings.archived) parts.push(m.settingsSummary.archived);
  if (settings.readOnly) parts.push(m.settingsSummary.readOnly);
  if (settings.slowModeSeconds) parts.push(m.settingsSummary.slowMode(settings.slowModeSeconds));
  if (settings.permissions && Object.keys(settings.permissions).length > 0) parts.push(m.settingsSummary.permissions);
  return parts.length === 0 ? m.settingsSummary.defaults : parts.join(', ');
}

/** What an audit entry says happened, in the reader's language. */
export function auditLine(entry: AuditEntry, m: Messages): string {
  const a = entry.actor.name;
  const t = entry.target?.name ?? '';
  const details = entry.details ?? {};
  switch (entry.action) {
    case 'role':
      return m.audit.role(a, t, m.roles[(details.role as Role | undefined) ?? 'member']);
    case 'timeout':
      return details.until === 0 ? m.audit.timeoutLifted(a, t) : m.audit.timeout(a, t);
    case 'archive_room':
      return details.archived === false ? m.audit.unarchive_room(a) : m.audit.archive_room(a);
    case 'delete_room':
      return m.audit.delete_room(a, typeof details.name === 'string' ? details.name : '');
    case 'settings':
      return m.audit.settings(a);
    default:
      return m.audit[entry.action](a, t);
  }
}
