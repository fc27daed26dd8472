import type { Context } from 'hono'

/** The part of @hono/node-server's bindings this reads: the Node request's socket. */
interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string } }
}

/**
 * The address of the peer that sent the request, from its TCP socket. `X-Forwarded-For` is not
 * read: any client can write it, and Concord has no option yet to name a trusted proxy (behind
 * one, every client shares the proxy's address). Requests without a socket (`app.request` in
 * tests) share the address 'local'.
 */
export function clientAddress(c: Context): string {
  const env = c.env as NodeBindings | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'local'
}
