/**
 * Where a thread's loaded replies end and more exist: a button that reads the next page. It
 * says how many replies one press shows, and stays in place (busy) while the page is read.
 */
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { THREAD_PAGE } from './thread-pager.js';

export interface MoreRepliesProps {
  /** Replies not loaded yet (at least 1). */
  notLoaded: number;
  loading: boolean;
  error: unknown;
  onMore(): void;
}

export function MoreReplies({ notLoaded, loading, error, onMore }: MoreRepliesProps) {
  const { m } = useI18n();
  return (
    <div className="thread-more">
      <button type="button" className="button small" aria-disabled={loading} onClick={() => !loading && onMore()} data-testid="thread-more">
        {loading ? m.loadingReplies : m.showMoreReplies(Math.min(notLoaded, THREAD_PAGE))}
      </button>
      {notLoaded > THREAD_PAGE && <span className="thread-more-rest">{m.repliesNotShown(notLoaded)}</span>}
      {error !== null && (
        <span className="thread-more-rest error" role="alert">
          {errorText(error, m)}
        </span>
      )}
    </div>
  );
}
