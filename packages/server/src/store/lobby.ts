/** The room every user is a member of from the start. */
export const LOBBY_ID = 'lobby';
export const LOBBY_NAME = 'lobby';
