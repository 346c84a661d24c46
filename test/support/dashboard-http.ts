import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request to the dashboard as a browser (or an attacker) would send
 * it: any Host, Origin and Cookie, which fetch() does not let a caller set.
 */
export function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The first `event: live` an /events stream sends, then the stream is closed. */
export function firstLiveEvent(
  port: number,
  headers: Record<string, string>,
  page: string,
): Promise<{ status: number; contentType: string | undefined; data: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/events?page=${encodeURIComponent(page)}`, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
        const match = /event: live\n((?:data: .*\n)+)\n/.exec(text);
        if (match) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], data: match[1]!.replace(/^data: /gm, '').replace(/\n$/, '') });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], data: text }));
    });
    req.on('error', reject);
    req.end();
  });
}
