/**
 * Browser notifications for direct messages and mentions of the person's
 * name, only while the tab is hidden and only after they allowed them. The
 * text goes into the Notification as plain text, never as markup.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ParleyClient, RoomEvent } from '@parley/client';
import type { Messages } from '../i18n/en.js';
import { mentions } from '../lib/rooms.js';

export interface NotificationControl {
  supported: boolean;
  permission: NotificationPermission;
  request(): Promise<void>;
}

/** Events replayed after a reconnect are old news past this age. */
const FRESH_MS = 2 * 60_000;
const BODY_MAX = 180;

export function useNotifications(client: ParleyClient, m: Messages, openRoom: (room: string) => void): NotificationControl {
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState<NotificationPermission>(supported ? Notification.permission : 'denied');
  const latest = useRef({ m, openRoom });
  latest.current = { m, openRoom };

  useEffect(() => {
    if (!supported) return;
    return client.on('event', (event: RoomEvent) => {
      if (event.kind !== 'message' || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
      const user = client.user;
      const room = client.room(event.room);
      if (!user || !room || event.user.id === user.id || event.deleted || Date.now() - event.ts > FRESH_MS) return;
      const isDm = room.kind === 'dm';
      if (!isDm && !mentions(event.body, user)) return;
      const { m: text, openRoom: open } = latest.current;
      const body = event.body.length > BODY_MAX ? `${event.body.slice(0, BODY_MAX)}…` : event.body;
      const notification = new Notification(isDm ? text.notifyDm(event.user.name) : text.notifyMention(event.user.name, room.name), {
        body,
        tag: `parley-${event.room}`,
        icon: '/favicon.svg',
      });
      notification.onclick = () => {
        window.focus();
        open(event.room);
        notification.close();
      };
    });
  }, [client, supported]);

  const request = useCallback(async () => {
    if (!supported) return;
    setPermission(await Notification.requestPermission());
  }, [supported]);

  return { supported, permission, request };
}
