import type { Case, Category, HandlerEntry, Ignores, Throws } from '../case.js';
import { statusEvent } from '../../support/reliability/events.js';
import { deployed, withRelease, workflowState } from '../../support/reliability/states.js';
import { ADMISSION, CHANNEL, DEPLOYMENT, iso, minutes, pushEvent, WEB, WEB_WITH_APPROVAL } from '../../support/reliability/world.js';

// The task handlers of the state machine: the execution state, as Step
// Functions passes it, malformed, cut short, out of order or foreign.

const invalid = (handler: string, reason: string) => ({ throws: 'InvalidInput', message: new RegExp(`^${handler}: .*${reason}`) });
const outOfOrder = (what: 'admission' | 'deployment') => ({
  throws: 'Error',
  message: new RegExp(`^workflow state has no ${what}: the state machine called this task out of order$`),
});
const task = (entry: HandlerEntry, category: Category, name: string, event: unknown, expect: Throws | Ignores, bug?: string): Case => ({
  kind: 'event',
  entry,
  category,
  name,
  event,
  expect,
  ...(bug ? { bug } : {}),
});

export const TASK_HANDLER_CASES: Case[] = [
  // admit-release: { executionName, state }
  task(
    'admit-release',
    'state-malformed',
    'a state without its release',
    { executionName: 'web-x', state: workflowState({ release: undefined }) },
    invalid('admit-release', 'state\\.release: Invalid input: expected object, received undefined'),
  ),
  task(
    'admit-release',
    'state-malformed',
    'no executionName',
    { state: workflowState() },
    invalid('admit-release', 'executionName: Invalid input: expected string, received undefined'),
  ),
  task(
    'admit-release',
    'state-malformed',
    'release.pushedAt that is no time',
    { executionName: 'web-x', state: workflowState({ release: withRelease({ pushedAt: 'last tuesday' }) }) },
    invalid('admit-release', 'state\\.release\\.pushedAt'),
  ),
  task(
    'admit-release',
    'foreign',
    'the ECR push event itself instead of the execution state',
    pushEvent(),
    invalid('admit-release', 'executionName: .*; state: Invalid input: expected object, received undefined'),
  ),

  // scan-image: the state
  task('scan-image', 'state-malformed', 'no admission (called before Admit)', workflowState({ admission: undefined }), outOfOrder('admission')),
  task(
    'scan-image',
    'state-malformed',
    'release.digest a number',
    workflowState({ release: withRelease({ digest: 7 }) }),
    invalid('scan-image', 'release\\.digest: Invalid input: expected string, received number'),
  ),
  task(
    'scan-image',
    'state-malformed',
    'the service given by its name only',
    workflowState({ service: 'web' }),
    invalid('scan-image', 'service: a service config as validated by the trigger \\(name, target, scan, health\\)'),
  ),
  task(
    'scan-image',
    'truncated',
    'a release cut after its repository',
    workflowState({ release: { repository: 'web' } }),
    invalid('scan-image', 'release\\.registry: Invalid input: expected string, received undefined; release\\.digest: .*release\\.imageUri: '),
  ),

  // acquire-lease: { phase, state }
  task(
    'acquire-lease',
    'state-malformed',
    'phase "deploy" instead of "deploying"',
    { phase: 'deploy', state: workflowState() },
    invalid('acquire-lease', 'phase: Invalid option: expected one of "deploying"\\|"rolling_back"'),
  ),
  task('acquire-lease', 'state-malformed', 'no admission', { phase: 'deploying', state: workflowState({ admission: undefined }) }, outOfOrder('admission')),
  task(
    'acquire-lease',
    'state-malformed',
    'a service whose health section lost its numbers',
    { phase: 'deploying', state: workflowState({ service: { ...structuredClone(WEB), health: { alarms: ['web-5xx-alarm'] } } }) },
    invalid('acquire-lease', 'service\\.health'),
  ),

  // deploy-release: the state
  task(
    'deploy-release',
    'state-malformed',
    'no admission (called before Admit and AcquireLease)',
    workflowState({ admission: undefined }),
    outOfOrder('admission'),
  ),
  task(
    'deploy-release',
    'state-malformed',
    'a release without imageUri',
    workflowState({ release: withRelease({ imageUri: undefined }) }),
    invalid('deploy-release', 'release\\.imageUri: Invalid input: expected string, received undefined'),
  ),
  task(
    'deploy-release',
    'state-malformed',
    'a service without a target',
    workflowState({ service: { ...structuredClone(WEB), target: {} } }),
    invalid('deploy-release', 'service\\.target: exactly one of `ecs` or `eks`'),
  ),

  // watch-rollout: { phase, state }
  task('watch-rollout', 'state-malformed', 'no deployment yet', { phase: 'rollout', state: workflowState() }, outOfOrder('deployment')),
  task(
    'watch-rollout',
    'state-malformed',
    'no phase',
    { state: deployed() },
    invalid('watch-rollout', 'phase: Invalid option: expected one of "rollout"\\|"rollback"'),
  ),
  task(
    'watch-rollout',
    'state-malformed',
    'phase rollback before any rollback started',
    { phase: 'rollback', state: deployed() },
    { throws: 'Error', message: /no rollback/ },
  ),

  // check-health: the state
  task('check-health', 'state-malformed', 'no deployment yet', workflowState(), outOfOrder('deployment')),
  task(
    'check-health',
    'state-malformed',
    'the deploy step was blocked (no deployment to bake)',
    workflowState({ deploy: { blocked: { reason: 'web-5xx-alarm already in ALARM', alarms: ['web-5xx-alarm'] } } }),
    outOfOrder('deployment'),
  ),
  task(
    'check-health',
    'state-malformed',
    'deploy.startedAt a number',
    deployed({ deploy: { ...DEPLOYMENT, startedAt: minutes(-6).getTime() } }),
    invalid('check-health', 'deploy\\.startedAt: .*expected string'),
  ),
  task(
    'check-health',
    'foreign',
    'a Step Functions status event instead of the state',
    statusEvent(),
    invalid('check-health', 'release: Invalid input: expected object, received undefined; service: '),
  ),

  // roll-back: the state
  task('roll-back', 'state-malformed', 'no deployment to roll back', workflowState(), outOfOrder('deployment')),
  task(
    'roll-back',
    'state-malformed',
    'an empty previousRevision',
    deployed({ deploy: { ...DEPLOYMENT, previousRevision: '' } }),
    invalid('roll-back', 'deploy\\.previousRevision'),
  ),

  // finish-deployment: { outcome, state, executionStartedAt }
  task(
    'finish-deployment',
    'state-malformed',
    'an outcome that does not exist',
    { outcome: 'succeeded', state: deployed(), executionStartedAt: iso(-9) },
    invalid('finish-deployment', 'outcome: Invalid option: expected one of "deployed"\\|"rolled_back"'),
  ),
  task(
    'finish-deployment',
    'state-malformed',
    'no executionStartedAt',
    { outcome: 'deployed', state: deployed() },
    invalid('finish-deployment', 'executionStartedAt: Invalid input: expected string, received undefined'),
  ),
  task(
    'finish-deployment',
    'state-malformed',
    'admission.recordId a number',
    { outcome: 'failed', state: workflowState({ admission: { ...ADMISSION, recordId: 20261102 } }), executionStartedAt: iso(-9) },
    invalid('finish-deployment', 'state\\.admission\\.recordId: Invalid input: expected string, received number'),
  ),
  task(
    'finish-deployment',
    'truncated',
    'a release cut to its repository',
    { outcome: 'failed', state: workflowState({ release: { repository: 'web' } }), executionStartedAt: iso(-9) },
    invalid('finish-deployment', 'state\\.release\\.registry: Invalid input: expected string, received undefined'),
  ),

  // request-approval: { taskToken, state }
  task(
    'request-approval',
    'state-malformed',
    'an empty task token',
    { taskToken: '', state: workflowState({ service: structuredClone(WEB_WITH_APPROVAL) }) },
    invalid('request-approval', 'taskToken: Too small: expected string to have >=1 characters'),
  ),
  task(
    'request-approval',
    'state-malformed',
    'a service without an approval policy',
    { taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==', state: workflowState() },
    { throws: 'Error', message: /^web has no approval policy: the state machine asked for an approval it does not need$/ },
  ),
  task(
    'request-approval',
    'state-malformed',
    'no admission',
    { taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==', state: workflowState({ service: structuredClone(WEB_WITH_APPROVAL), admission: undefined }) },
    outOfOrder('admission'),
  ),
  task(
    'request-approval',
    'state-malformed',
    'an approval policy without approvers',
    {
      taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==',
      state: workflowState({
        service: {
          ...structuredClone(WEB_WITH_APPROVAL),
          approval: { required: true, channel: CHANNEL, timeoutMinutes: 30, onTimeout: 'reject', allowSelfApproval: false },
        },
      }),
    },
    invalid('request-approval', 'service\\.approval\\.approvers'),
  ),
];
