import { describe, expect, it } from 'vitest';
import { eventSample, fixture, fixturePath } from '../support/fixtures.js';

// The loader every test reads test/fixtures/ through: it keeps tests inside
// the repository and hands each caller a copy of its own.

describe('test/support/fixtures', () => {
  it('refuses a name that leaves test/fixtures/', () => {
    expect(() => fixturePath('../../package.json')).toThrow('fixture "../../package.json" is not a file inside test/fixtures/');
    expect(() => fixturePath('/etc/hostname')).toThrow('is not a file inside test/fixtures/');
    expect(() => fixturePath('')).toThrow('is not a file inside test/fixtures/');
  });

  it('names files below test/fixtures/, existing or not', () => {
    expect(fixturePath('shipwatch.test.yml')).toMatch(/[/\\]test[/\\]fixtures[/\\]shipwatch\.test\.yml$/);
    expect(fixturePath('kube-tls/ca.pem')).toMatch(/[/\\]test[/\\]fixtures[/\\]kube-tls[/\\]ca\.pem$/);
    expect(fixturePath('no-such-file.json')).toMatch(/[/\\]test[/\\]fixtures[/\\]no-such-file\.json$/);
  });

  it('parses a sample afresh on every call, so one test changing it does not change another', () => {
    const first = eventSample('eventbridge-ecr-image-action-push-success');
    first.detail['image-tag'] = 'changed';
    expect(eventSample('eventbridge-ecr-image-action-push-success').detail['image-tag']).toBe('latest');
    expect(fixture<{ ok: boolean }>('slack-chat-postmessage-response-ok').ok).toBe(true);
  });
});
