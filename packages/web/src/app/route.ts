/**
 * The open room lives in the URL (/r/<room id>), so a reload or a shared link
 * lands in the same place and Back returns to the previous room. The server
 * answers every non-API path with index.html.
 */
import { useCallback, useEffect, useState } from 'react';

const PREFIX = '/r/';

function roomFromPath(pathname: string): string | null {
  if (!pathname.startsWith(PREFIX)) return null;
  try {
    return decodeURIComponent(pathname.slice(PREFIX.length)) || null;
  } catch {
    return null;
  }
}

export function roomPath(room: string): string {
  return PREFIX + encodeURIComponent(room);
}

export function useRoomRoute(): [string | null, (room: string, options?: { replace?: boolean }) => void] {
  const [room, setRoom] = useState(() => roomFromPath(location.pathname));
  useEffect(() => {
    const onPop = () => setRoom(roomFromPath(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: string, options: { replace?: boolean } = {}) => {
    const path = roomPath(next);
    if (location.pathname !== path) {
      if (options.replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    setRoom(next);
  }, []);
  return [room, navigate];
}
