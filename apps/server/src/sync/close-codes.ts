/**
 * WebSocket close codes Concord uses. The official y-websocket client stops reconnecting on
 * 4400-4499 (the server decided; retrying cannot help) and retries on anything else, so each
 * refusal is placed in the range that gives the client the right behaviour.
 */
export const CloseCode = Object.freeze({
  /** Normal shutdown of the server: clients reconnect when it is back. */
  goingAway: 1001,
  /**
   * The user's sessions changed (revoked, password changed, account disabled): the client
   * reconnects, and the reconnection checks its session again (4401 if it is gone).
   */
  sessionsChanged: 4001,
  /** A frame over the size limit (set by the ws parser itself). */
  tooLarge: 1009,
  /** A persistence failure: the client keeps its edits and retries later. */
  internalError: 1011,
  /** A frame that is not valid y-websocket protocol. */
  malformed: 4400,
  /** No or unknown session token. */
  unauthenticated: 4401,
  /** Authenticated, but not allowed in this room. */
  forbidden: 4403,
  /** Not a room name Concord knows, or its project does not exist. */
  unknownRoom: 4404,
  /** Too many messages per second: retry after backoff. */
  flood: 4529,
} as const)

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]
