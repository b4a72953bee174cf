/** A room's settings as they are stored (rooms.settings): only what differs from the defaults. */
import { DEFAULT_PERMISSIONS, PERMISSIONS, type Permission, type Role, type RoomSettings } from '@parley/protocol';

/** Settings as stored: only what differs from the defaults, in a fixed order. */
export function normalized(settings: RoomSettings): RoomSettings {
  const out: RoomSettings = {};
  if (settings.readOnly) out.readOnly = true;
  if (settings.slowModeSeconds) out.slowModeSeconds = settings.slowModeSeconds;
  if (settings.archived) out.archived = true;
  const permissions: Partial<Record<Permission, Role>> = {};
  for (const permission of PERMISSIONS) {
    const role = settings.permissions?.[permission];
    if (role !== undefined && role !== DEFAULT_PERMISSIONS[permission]) permissions[permission] = role;
  }
  if (Object.keys(permissions).length > 0) out.permissions = permissions;
  return out;
}
