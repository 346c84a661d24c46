import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { SsmModel } from '../../local/cloud/ssm.js';

/**
 * SSM's GetParameter on 127.0.0.1 over its wire protocol (awsJson 1.1), for
 * AWS_ENDPOINT_URL_SSM. It checks each request's SigV4 signature as AWS does
 * (recomputed with the test credentials over the request as received, so a
 * signed host, path or body that differs from what was sent is refused), and
 * answers from the simulated Parameter Store. Replies can be queued to play
 * throttling and outages.
 */
export interface SsmCall {
  target: string;
  input: { Name: string; WithDecryption?: boolean };
  headers: IncomingHttpHeaders;
}

export type SsmFault = { status: number; type: string; message?: string };

export async function startSsmStandIn(credentials = { accessKeyId: 'test', secretAccessKey: 'test' }) {
  const store = new SsmModel('123456789012', 'us-east-1');
  const calls: SsmCall[] = [];
  const faults: SsmFault[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(body || '{}') as SsmCall['input'];
      calls.push({ target, input, headers: req.headers });
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (!(await signatureValid(req.method ?? '', req.url ?? '/', req.headers, body, credentials))) {
        return reply(400, { __type: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' });
      }
      const fault = faults.shift();
      if (fault) return reply(fault.status, { __type: `com.amazonaws.ssm#${fault.type}`, message: fault.message ?? '' });
      if (target !== 'AmazonSSM.GetParameter') return reply(400, { __type: 'UnknownOperationException', message: target });
      try {
        reply(200, store.GetParameter(input));
      } catch (error) {
        reply(400, { __type: (error as Error).name, message: '' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    calls,
    /** The next requests fail like this, in order. */
    failNext: (...next: SsmFault[]) => void faults.push(...next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function signatureValid(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<boolean> {
  const authorization = String(headers.authorization ?? '');
  const match = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(authorization);
  if (!match || match[1] !== credentials.accessKeyId) return false;
  const [, , , region, service, signedHeaders, signature] = match;
  const date = String(headers['x-amz-date'] ?? '');
  const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const signed = Object.fromEntries(signedHeaders!.split(';').map((name) => [name, String(headers[name] ?? '')]));
  const [path, query] = url.split('?');
  const signer = new SignatureV4({ service: service!, region: region!, credentials, sha256: Sha256 });
  const expected = await signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: String(headers.host).split(':')[0]!,
      path: path!,
      headers: signed,
      body,
      ...(query ? { query: Object.fromEntries(new URLSearchParams(query)) } : {}),
    },
    { signingDate },
  );
  return String(expected.headers.authorization).endsWith(`Signature=${signature}`);
}
