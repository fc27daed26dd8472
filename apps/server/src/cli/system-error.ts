/**
 * Turns the operating system's errors a user can fix into one sentence that says how; anything
 * else is left to the caller (which prints the stack, since it is then a bug).
 */
export function describeSystemError(err: unknown): string | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number }
  const where = e.address !== undefined ? `${e.address}:${e.port ?? ''}` : (e.path ?? '')
  switch (e.code) {
    case 'EADDRINUSE':
      return `${where} is already in use: stop the other server or choose another port with --port`
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: this machine has no such address (check --host)`
    case 'EACCES':
    case 'EPERM':
      return e.syscall === 'listen'
        ? `not allowed to listen on ${where}: ports below 1024 need privileges; use --port 8080`
        : `permission denied for ${where}: choose a data directory you can write (--data-dir)`
    case 'ENOENT':
      return `no such file or directory: ${where}`
    case 'ENOSPC':
      return `the disk is full (${where}): free space, then start again; nothing stored was lost`
    default:
      return undefined
  }
}
