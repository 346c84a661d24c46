import type { LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';

type Out<T> = Omit<T, '$metadata'>;

interface TrailEvent {
  id: string;
  name: string;
  at: number;
  detail: Record<string, unknown>;
}

/** CloudTrail's event history: the ECR PutImage calls, with who made them. */
export class CloudTrailModel {
  readonly events: TrailEvent[] = [];

  constructor(
    readonly account: string,
    readonly region: string,
  ) {}

  recordPutImage(at: number, repository: string, digest: string, tag: string, principalArn: string): void {
    this.events.push({
      id: `trail-${this.events.length + 1}`,
      name: 'PutImage',
      at,
      detail: {
        eventVersion: '1.08',
        userIdentity: { type: 'AssumedRole', arn: principalArn, accountId: this.account },
        eventTime: new Date(at).toISOString(),
        eventSource: 'ecr.amazonaws.com',
        eventName: 'PutImage',
        awsRegion: this.region,
        requestParameters: { repositoryName: repository, imageTag: tag, registryId: this.account },
        responseElements: { image: { repositoryName: repository, registryId: this.account, imageId: { imageDigest: digest, imageTag: tag } } },
      },
    });
  }

  LookupEvents(input: LookupEventsCommandInput): Out<LookupEventsCommandOutput> {
    const name = input.LookupAttributes?.find((a) => a.AttributeKey === 'EventName')?.AttributeValue;
    const from = input.StartTime ? new Date(input.StartTime).getTime() : 0;
    const to = input.EndTime ? new Date(input.EndTime).getTime() : Infinity;
    const found = this.events.filter((e) => (!name || e.name === name) && e.at >= from && e.at <= to).reverse();
    return {
      Events: found.slice(0, input.MaxResults ?? 50).map((e) => ({
        EventId: e.id,
        EventName: e.name,
        EventTime: new Date(e.at),
        EventSource: 'ecr.amazonaws.com',
        CloudTrailEvent: JSON.stringify(e.detail),
      })),
    };
  }
}
