import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP request for the calls made without an SDK client (Slack, SSM,
 * CloudTrail, EKS), with a deadline for request and response together. node:https is loaded already
 * (the SDK's HTTP handler imports it); node:http, only for the local stand-ins'
 * http:// URLs, is taken with process.getBuiltinModule: a static ESM import of
 * node:http makes Node 22 build its ES module facade, which loads undici for
 * the WebSocket and EventSource getters (25–60 ms of cold start here).
 */
export function httpRequest(method: 'GET' | 'POST', url: URL, headers: Record<string, string | number>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  const request = url.protocol === 'http:' ? process.getBuiltinModule('node:http').request : httpsRequest;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const req = request(url, { method, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    req.on('error', fail);
    req.end(body);
  });
}
