/**
 * Where the person is lives in the URL: a room (/r/<room id>), or the admin
 * view (/admin), so that a reload or a shared link lands in the same place and
 * Back returns to the previous one. The server answers every non-API path with
 * index.html.
 */
import { useCallback, useEffect, useState } from 'react';

const PREFIX = '/r/';
const ADMIN = '/admin';

export type Place = { kind: 'room'; room: string | null } | { kind: 'admin' };

function placeOf(pathname: string): Place {
  if (pathname === ADMIN || pathname.startsWith(`${ADMIN}/`)) return { kind: 'admin' };
  if (!pathname.startsWith(PREFIX)) return { kind: 'room', room: null };
  try {
    return { kind: 'room', room: decodeURIComponent(pathname.slice(PREFIX.length)) || null };
  } catch {
    return { kind: 'room', room: null };
  }
}

export function roomPath(room: string): string {
  return PREFIX + encodeURIComponent(room);
}

export interface Route {
  place: Place;
  /** Opens a room (leaving the admin view). */
  navigate(room: string, options?: { replace?: boolean }): void;
  openAdmin(): void;
}

export function useRoute(): Route {
  const [place, setPlace] = useState(() => placeOf(location.pathname));
  useEffect(() => {
    const onPop = () => setPlace(placeOf(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((path: string, replace: boolean) => {
    if (location.pathname !== path) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    setPlace(placeOf(path));
  }, []);
  const navigate = useCallback((room: string, options: { replace?: boolean } = {}) => go(roomPath(room), options.replace ?? false), [go]);
  const openAdmin = useCallback(() => go(ADMIN, false), [go]);
  return { place, navigate, openAdmin };
}
