import * as v from 'valibot';
import '../shared/validation/messages.js';
import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { handleAlarm } from '../shared/alarms/after-deploy.js';
import { now } from '../shared/clock.js';
import { packagedConfig } from '../shared/config/packaged.js';
import { isAlarmFiring, parseAlarmEvent } from '../shared/events/alarm-state.js';
import { requiredEnv } from '../shared/lambda/env.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { logger } from '../shared/lambda/logger.js';

const config = packagedConfig();
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

/** CloudWatch Alarm State Change → roll back a release the alarm caught after its workflow ended. */
export const handler = lambdaHandler('alarm-rollback', v.unknown(), async (raw) => {
  const event = parseAlarmEvent(raw);
  if (!isAlarmFiring(event)) {
    logger.info('not a transition into ALARM; nothing to do', {
      alarm: event.detail.alarmName,
      detailType: event['detail-type'],
      state: event.detail.state?.value,
    });
    return { alarm: event.detail.alarmName, services: [] };
  }
  const services = await handleAlarm({ records: recordsDb(), sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn }, config, event, now());
  return { alarm: event.detail.alarmName, services };
});
