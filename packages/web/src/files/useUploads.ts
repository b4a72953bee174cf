/**
 * The files a person is about to send in one room: each uploads at once, with
 * its progress, and can be cancelled; a failed one stays with its reason until
 * it is retried or removed. The message is sent once they are all uploaded.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ParleyError, type Attachment, type ParleyClient } from '@parley/client';

export interface Upload {
  key: string;
  file: File;
  /** Bytes sent so far. */
  sent: number;
  state: 'uploading' | 'done' | 'failed';
  attachment?: Attachment;
  error?: unknown;
}

let counter = 0;

export function useUploads(client: ParleyClient, room: string) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const aborts = useRef(new Map<string, AbortController>());

  const patch = useCallback((key: string, change: Partial<Upload>) => {
    setUploads((list) => list.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)));
  }, []);

  const start = useCallback(
    (key: string, file: File) => {
      const abort = new AbortController();
      aborts.current.set(key, abort);
      client
        .upload(room, file, { signal: abort.signal, onProgress: (sent) => patch(key, { sent }) })
        .then(
          (attachment) => patch(key, { state: 'done', attachment, sent: file.size }),
          (error: unknown) => {
            // Cancelled: the entry is gone already.
            if (!abort.signal.aborted) patch(key, { state: 'failed', error });
          },
        )
        .finally(() => aborts.current.delete(key));
    },
    [client, room, patch],
  );

  const add = useCallback(
    (files: readonly File[]) => {
      const added = files.map((file) => ({ key: `upload-${++counter}`, file, sent: 0, state: 'uploading' as const }));
      setUploads((list) => [...list, ...added]);
      for (const upload of added) start(upload.key, upload.file);
    },
    [start],
  );

  /** Cancels an upload on its way, or drops a failed or finished one. */
  const remove = useCallback((key: string) => {
    aborts.current.get(key)?.abort(new ParleyError('unavailable', 'cancelled'));
    setUploads((list) => list.filter((upload) => upload.key !== key));
  }, []);

  const retry = useCallback(
    (key: string) => {
      const upload = uploads.find((u) => u.key === key);
      if (!upload || upload.state !== 'failed') return;
      patch(key, { state: 'uploading', sent: 0, error: undefined });
      start(key, upload.file);
    },
    [uploads, patch, start],
  );

  const clear = useCallback(() => setUploads([]), []);

  // Leaving the room (or the page) stops what is still uploading.
  useEffect(() => {
    const running = aborts.current;
    return () => {
      for (const abort of running.values()) abort.abort(new ParleyError('unavailable', 'cancelled'));
    };
  }, []);

  return { uploads, add, remove, retry, clear };
}
