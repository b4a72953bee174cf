/** Protocol-level defaults. A server may be configured otherwise; it announces its values in `welcome`. */
export const DEFAULT_LIMITS = {
  /** Longest message body, in characters (UTF-16 code units, as JavaScript counts them). */
  maxBodyChars: 4000,
  /** Largest inbound WebSocket frame, in bytes. */
  maxFrameBytes: 64 * 1024,
  /** Most events one history page returns. */
  historyPageMax: 200,
  /** Most events a resume replays for one room; past this the room reports `too_far_behind`. */
  replayLimit: 1000,
  /** Deepest JSON nesting accepted in a frame. */
  maxJsonDepth: 8,
  /** Largest file `POST /api/files` takes, in bytes (25 MiB). */
  maxFileBytes: 25 * 1024 * 1024,
  /** Most files one message carries. */
  maxAttachments: 10,
} as const;

export type Limits = { [K in keyof typeof DEFAULT_LIMITS]: number };

/** Typing indicators: a client sends at most one per room per `throttleMs`; receivers forget one after `expireMs`. */
export const TYPING = { throttleMs: 3000, expireMs: 6000 } as const;

/** A room summary's `unread` counts at most this many messages; a room with more reports this many. */
export const UNREAD_MAX = 1000;

/**
 * `unread` is counted among at most this many live messages after the read marker, the reader's
 * own included: a user who posts thousands of messages and never marks the room read (a bot)
 * cannot make their own room summaries read them all. Only someone whose own messages are most
 * of the first UNREAD_SCAN_MAX after their marker sees fewer than the true count.
 */
export const UNREAD_SCAN_MAX = 4 * UNREAD_MAX;

/**
 * Largest frame read before a connection is authenticated: an `auth` frame with the longest
 * token (4,096 characters) fits. A larger one closes the connection with 1009 unread, so that
 * nobody can make the server parse 64 KiB frames without having signed in.
 */
export const AUTH_FRAME_MAX_BYTES = 8 * 1024;

export const NAME_MAX = 64;
export const ROOM_NAME_MAX = 64;
export const EMOJI_MAX = 32;

/**
 * `welcome` and `rooms` list the rooms a user is in, and at most this many public rooms they
 * are not in (the newest): the whole list of public rooms is the `directory`'s, page by page.
 * A server with thousands of public rooms must not send them all to every newcomer.
 */
export const DIRECTORY_PREVIEW = 20;
/** Most public rooms one `directory` page lists. */
export const DIRECTORY_PAGE_MAX = 100;
/** Most people one `people` answer lists. */
export const PEOPLE_MAX = 20;
/** Longest file name kept (UTF-16 code units); a longer one is cut, its extension kept. */
export const FILE_NAME_MAX = 255;
/** A thumbnail fits in this many pixels a side. */
export const THUMBNAIL_MAX = 480;
/** Where files are uploaded (`POST`) and fetched (`GET /api/files/<id>/<name>`). */
export const FILES_PATH = '/api/files';
/** Where thumbnails are fetched: `GET /api/thumbnails/<id>`. */
export const THUMBNAILS_PATH = '/api/thumbnails';

/** Longest `search` query, in characters. */
export const SEARCH_QUERY_MAX = 200;
/** Most results one `search` page returns. */
export const SEARCH_PAGE_MAX = 50;

/** Where incoming webhooks are POSTed: `<path>/<webhook id>/<secret>` (§29.2). */
export const INCOMING_WEBHOOK_PATH = '/api/hooks';
