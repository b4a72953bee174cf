/** A list the admin view searches: loaded for the query (typing pauses 250 ms first), and loaded again on demand. */
import { useCallback, useEffect, useState } from 'react';

export function useAdminList<T>(load: (q: string) => Promise<T[]>): {
  query: string;
  setQuery(q: string): void;
  items: T[] | null;
  error: unknown;
  reload(): void;
} {
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      load(query.trim()).then(
        (found) => !stale && (setItems(found), setError(null)),
        (caught: unknown) => !stale && setError(caught),
      );
    }, tick === 0 && query === '' ? 0 : 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [load, query, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { query, setQuery, items, error, reload };
}
