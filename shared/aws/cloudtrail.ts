import type { LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { awsJsonCall } from './json-call.js';

/** The part of LookupEvents' answer Shipwatch reads (timestamps stay epoch seconds: none is read). */
export interface LookupEventsAnswer {
  Events?: { CloudTrailEvent?: string | undefined }[] | undefined;
  NextToken?: string | undefined;
}

/**
 * CloudTrail LookupEvents, one attempt within `timeoutMs`: its one caller
 * answers a Slack click within 3 seconds, and whoPushed paces and retries
 * LookupEvents inside that budget itself. AWS_ENDPOINT_URL_CLOUDTRAIL (the
 * sandbox) is honoured as the SDK would.
 */
export function lookupEvents(input: LookupEventsCommandInput, timeoutMs: number): Promise<LookupEventsAnswer> {
  return awsJsonCall({
    service: 'cloudtrail',
    target: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
    input: { ...input },
    attempts: 1,
    timeoutMs,
  });
}
