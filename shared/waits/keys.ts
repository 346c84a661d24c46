// What a waiting execution can be woken by, as one string each: the key its
// task token is stored under and that an EventBridge event resolves to.
// The event is only a hint that something changed; the next look decides.

/** An ECR basic scan or an Amazon Inspector (enhanced) scan of one image finished. */
export const scanKey = (repository: string, digest: string) => `scan:${repository}@${digest}`;
/** Something happened to one of an ECS service's deployments. */
export const ecsServiceKey = (cluster: string, service: string) => `ecs:${cluster}/${service}`;
/** A CloudWatch alarm changed state. */
export const alarmKey = (name: string) => `alarm:${name}`;
