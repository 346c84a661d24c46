import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudError } from './errors.js';

// The awsQuery protocol (CloudFormation, STS): a form-encoded POST naming its
// Action, answered in XML. Only what DescribeStacks and GetCallerIdentity
// need: members of lists are <member> elements, dates ISO 8601.

export type QueryDispatch = (action: string, params: URLSearchParams) => Promise<Record<string, unknown>>;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';

function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (isDate(value)) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  return escapeXml(String(value));
}

const NAMESPACE: Record<string, string> = {
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** Answers one awsQuery request: `<Action>Response><Action>Result>…`, or an ErrorResponse with the error's code. */
export async function answerQuery(service: string, raw: string, res: ServerResponse, dispatch: QueryDispatch): Promise<void> {
  const params = new URLSearchParams(raw);
  const action = params.get('Action') ?? '';
  const requestId = `sandbox-${Date.now()}`;
  try {
    const result = await dispatch(action, params);
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(
      `<${action}Response xmlns="${NAMESPACE[service] ?? ''}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (error) {
    const e = error as CloudError;
    const status = e.$metadata?.httpStatusCode ?? 500;
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(
      `<ErrorResponse xmlns="${NAMESPACE[service] ?? ''}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(e.name)}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}

/**
 * The service an awsQuery request is for. One endpoint serves them all, so
 * the host cannot say: the SigV4 credential scope does
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`).
 */
export const queryServiceOf = (req: IncomingMessage): string | undefined =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];

/** Is this an awsQuery request (form-encoded, no X-Amz-Target)? */
export const isQueryRequest = (req: IncomingMessage) =>
  !req.headers['x-amz-target'] && req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/** The stacks the sandbox pretends to have deployed: `--stage sandbox` finds its outputs as it finds a real stack's. */
export class CloudFormationModel {
  readonly stacks = new Map<string, { outputs: Record<string, string>; createdAt: number }>();

  constructor(
    readonly account: string,
    readonly region: string,
  ) {}

  readonly dispatch: QueryDispatch = async (action, params) => {
    if (action !== 'DescribeStacks')
      throw new CloudError('NotImplementedInSandbox', `cloudformation:${action} is not implemented by the Shipwatch simulated cloud`, 501);
    const name = params.get('StackName');
    const chosen = name ? [name] : [...this.stacks.keys()];
    return {
      Stacks: chosen.map((n) => {
        const stack = this.stacks.get(n);
        if (!stack) throw new CloudError('ValidationError', `Stack with id ${n} does not exist`);
        return {
          StackId: `arn:aws:cloudformation:${this.region}:${this.account}:stack/${n}/00000000-0000-0000-0000-000000000000`,
          StackName: n,
          CreationTime: new Date(stack.createdAt),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        };
      }),
    };
  };
}
