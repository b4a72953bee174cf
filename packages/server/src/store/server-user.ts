import type { UserRef } from '@parley/protocol';

/**
 * Who server-made events are attributed to: the `created` event of a room
 * with no creator (the lobby). No account has this id.
 */
export const SERVER_USER: Readonly<UserRef> = Object.freeze({ id: 'server', name: 'Parley' });
