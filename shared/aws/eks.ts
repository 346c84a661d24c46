import { awsJsonCall } from './json-call.js';

/** The part of DescribeCluster's answer Shipwatch reads. */
export interface EksClusterInfo {
  status?: string | undefined;
  endpoint?: string | undefined;
  certificateAuthority?: { data?: string | undefined } | undefined;
}

/**
 * DescribeCluster (restJson GET /clusters/{name}), the one EKS API call
 * Shipwatch makes, without the EKS SDK client (shared/aws/json-call.ts).
 * AWS_ENDPOINT_URL_EKS (the sandbox) is honoured as the SDK would.
 */
export function describeCluster(name: string): Promise<{ cluster?: EksClusterInfo }> {
  return awsJsonCall({ service: 'eks', get: `/clusters/${encodeURIComponent(name)}` });
}
