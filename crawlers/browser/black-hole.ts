/**
 * The browser's proxy: a TCP listener on 127.0.0.1 that reads the request line of every connection
 * (`CONNECT host:443`, `GET http://host/path`), records the target and closes the connection without
 * answering or connecting anywhere. Chromium is launched with it as its proxy and with only the
 * allowed origins bypassing it, so whatever the page routing does not see (redirect hops after the
 * first, the browser's own background traffic, WebSockets, service workers) still cannot leave the
 * machine: it ends here. With a fixed proxy Chromium does not resolve the target host itself.
 */
import net from 'node:net';

export interface BlackHole {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Parses a proxy request line into the URL that was asked for, or null. */
export function proxyTarget(line: string): string | null {
  const m = /^([A-Z]+) (\S+) HTTP\/\d(?:\.\d)?$/u.exec(line.trim());
  if (!m) return null;
  try {
    if (m[1] === 'CONNECT') return new URL(`https://${m[2]}`).href.replace(/\/$/u, '');
    return new URL(m[2]).href;
  } catch {
    return null;
  }
}

export async function startBlackHole(onTarget: (url: string) => void): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setTimeout(5000, () => socket.destroy());
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end >= 0 || head.length > 8192) {
        const target = proxyTarget(end >= 0 ? head.slice(0, end) : head);
        onTarget(target ?? `(unparsed proxy request: ${JSON.stringify(head.slice(0, 80))})`);
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
