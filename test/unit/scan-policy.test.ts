import type { DescribeImageScanFindingsCommandOutput, EnhancedImageScanFinding } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type ScanPolicy, type Severity } from '../../shared/config/schema.js';
import { normalizeFindings, type Finding } from '../../shared/scan/findings.js';
import { evaluateScan, isIgnoreActive } from '../../shared/scan/policy.js';
import { fixture } from '../support/fixtures.js';

const NOW = new Date('2024-06-15T12:00:00Z');

const policy = (overrides: Partial<ScanPolicy> = {}): ScanPolicy => ({
  blockAt: 'CRITICAL',
  ignore: [],
  timeoutMinutes: 30,
  onUnsupported: 'block',
  onFailed: 'block',
  ...overrides,
});

const finding = (id: string, severity: Severity, extra: Partial<Finding> = {}): Finding => ({ id, severity, ...extra });

const zeroCounts = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

describe('evaluateScan: blockAt', () => {
  // Each floor with the severity just below it (UNDEFINED is the lowest, so nothing is below it).
  const floors: { blockAt: Severity; below: Severity | undefined }[] = [
    { blockAt: 'CRITICAL', below: 'HIGH' },
    { blockAt: 'HIGH', below: 'MEDIUM' },
    { blockAt: 'MEDIUM', below: 'LOW' },
    { blockAt: 'LOW', below: 'INFORMATIONAL' },
    { blockAt: 'INFORMATIONAL', below: 'UNDEFINED' },
    { blockAt: 'UNDEFINED', below: undefined },
  ];

  it.each(floors)('blocks a finding exactly at blockAt $blockAt', ({ blockAt }) => {
    // Prepare
    const atFloor = finding('CVE-2024-0001', blockAt);

    // Act
    const verdict = evaluateScan([atFloor], policy({ blockAt }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.blocking).toEqual([atFloor]);
    expect(verdict.counts).toEqual({ ...zeroCounts(), [blockAt]: 1 });
    expect(verdict.reason).toBe(`scan blocked: 1 finding at or above ${blockAt} (CVE-2024-0001)`);
  });

  it.each(floors.filter((f) => f.below !== undefined))('passes a finding one below blockAt $blockAt ($below)', ({ blockAt, below }) => {
    // Prepare
    const belowFloor = finding('CVE-2024-0002', below!);

    // Act
    const verdict = evaluateScan([belowFloor], policy({ blockAt }), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.blocking).toEqual([]);
    expect(verdict.counts).toEqual({ ...zeroCounts(), [below!]: 1 });
    expect(verdict.reason).toBe(`scan passed: ${below} 1`);
  });

  it('blocks findings above the floor too, and counts them all in the reason', () => {
    // Prepare
    const findings = [finding('CVE-A', 'HIGH'), finding('CVE-B', 'CRITICAL'), finding('CVE-C', 'LOW')];

    // Act
    const verdict = evaluateScan(findings, policy({ blockAt: 'HIGH' }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.blocking.map((f) => f.id)).toEqual(['CVE-B', 'CVE-A']);
    expect(verdict.reason).toBe('scan blocked: 2 findings at or above HIGH (CVE-B, CVE-A)');
  });

  it('blockAt none lets every severity through', () => {
    // Prepare
    const findings = SEVERITIES.map((s, i) => finding(`CVE-${i}`, s));

    // Act
    const verdict = evaluateScan(findings, policy({ blockAt: 'none' }), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.blocking).toEqual([]);
    expect(verdict.counts).toEqual({ CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1, INFORMATIONAL: 1, UNDEFINED: 1 });
    expect(verdict.reason).toBe('scan passed: CRITICAL 1, HIGH 1, MEDIUM 1, LOW 1, INFORMATIONAL 1, UNDEFINED 1');
  });

  it('passes with no findings and says so', () => {
    // Act
    const verdict = evaluateScan([], policy({ blockAt: 'UNDEFINED' }), NOW);

    // Assess
    expect(verdict).toEqual({ passed: true, counts: zeroCounts(), blocking: [], ignored: [], reason: 'scan passed: no findings' });
  });
});

describe('evaluateScan: maxCounts', () => {
  const highs = (n: number) => Array.from({ length: n }, (_, i) => finding(`CVE-H${i + 1}`, 'HIGH'));

  it('passes when the count equals the maximum', () => {
    // Act
    const verdict = evaluateScan(highs(2), policy({ blockAt: 'none', maxCounts: { HIGH: 2 } }), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.counts.HIGH).toBe(2);
    expect(verdict.reason).toBe('scan passed: HIGH 2');
  });

  it('blocks at maximum + 1, listing every finding of that severity', () => {
    // Act
    const verdict = evaluateScan(highs(3), policy({ blockAt: 'none', maxCounts: { HIGH: 2 } }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.blocking.map((f) => f.id)).toEqual(['CVE-H1', 'CVE-H2', 'CVE-H3']);
    expect(verdict.reason).toBe('scan blocked: 3 HIGH > maximum 2 (CVE-H1, CVE-H2, CVE-H3)');
  });

  it('a maximum of 0 blocks a single finding', () => {
    // Act
    const verdict = evaluateScan([finding('CVE-L', 'LOW')], policy({ blockAt: 'none', maxCounts: { LOW: 0 } }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.reason).toBe('scan blocked: 1 LOW > maximum 0 (CVE-L)');
  });

  it('only limits the severities it names', () => {
    // Act
    const verdict = evaluateScan([...highs(5), finding('CVE-M', 'MEDIUM')], policy({ blockAt: 'none', maxCounts: { MEDIUM: 1 } }), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.reason).toBe('scan passed: HIGH 5, MEDIUM 1');
  });

  it('applies blockAt and maxCounts together, each with its own reason, without listing a finding twice', () => {
    // Prepare
    const findings = [...highs(3), finding('CVE-C1', 'CRITICAL'), finding('CVE-M1', 'MEDIUM')];

    // Act
    const verdict = evaluateScan(findings, policy({ blockAt: 'HIGH', maxCounts: { HIGH: 2, MEDIUM: 1 } }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.blocking.map((f) => f.id)).toEqual(['CVE-C1', 'CVE-H1', 'CVE-H2', 'CVE-H3']);
    expect(verdict.reason).toBe('scan blocked: 4 findings at or above HIGH; 3 HIGH > maximum 2 (CVE-C1, CVE-H1, CVE-H2, CVE-H3)');
  });

  it('blocks through maxCounts alone when blockAt passes everything', () => {
    // Prepare: nothing reaches CRITICAL, but there are too many MEDIUMs.
    const findings = [finding('CVE-M1', 'MEDIUM'), finding('CVE-M2', 'MEDIUM'), finding('CVE-L1', 'LOW')];

    // Act
    const verdict = evaluateScan(findings, policy({ blockAt: 'CRITICAL', maxCounts: { MEDIUM: 1 } }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.blocking.map((f) => f.id)).toEqual(['CVE-M1', 'CVE-M2']);
    expect(verdict.reason).toBe('scan blocked: 2 MEDIUM > maximum 1 (CVE-M1, CVE-M2)');
  });
});

describe('evaluateScan: ignore', () => {
  it('honours a renewed entry even when the expired one for the same finding is still listed first', () => {
    // Prepare
    const ignore = [
      { id: 'CVE-1', until: '2020-01-01', reason: 'old waiver' },
      { id: 'arn:aws:inspector2:us-east-1:123456789012:finding/abc', until: '2099-01-01', reason: 'renewed by ARN' },
      { id: 'CVE-2', until: '2020-01-01', reason: 'old waiver' },
      { id: 'CVE-2', until: '2099-01-01', reason: 'renewed' },
    ];
    const findings = [finding('CVE-1', 'CRITICAL', { arn: 'arn:aws:inspector2:us-east-1:123456789012:finding/abc' }), finding('CVE-2', 'CRITICAL')];

    // Act
    const verdict = evaluateScan(findings, policy({ ignore }), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.ignored.map((f) => f.reason)).toEqual(['renewed by ARN', 'renewed']);
  });

  const ARN = 'arn:aws:inspector2:eu-west-1:000000000000:finding/92ec736dde6c50c668cf5721027ae176';
  const endOfDay = new Date('2024-06-30T23:59:59.999Z');
  const dayAfter = new Date('2024-07-01T00:00:00.000Z');

  it('ignores a finding by CVE id through the end of its until day (UTC)', () => {
    // Prepare
    const critical = finding('CVE-2024-1111', 'CRITICAL');
    const ignore = [{ id: 'CVE-2024-1111', until: '2024-06-30', reason: 'not reachable' }];

    // Act
    const verdict = evaluateScan([critical], policy({ ignore }), endOfDay);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.ignored).toEqual([{ ...critical, reason: 'not reachable', until: '2024-06-30' }]);
    expect(verdict.counts).toEqual(zeroCounts());
    expect(verdict.reason).toBe('scan passed: no findings (1 ignored)');
  });

  it('stops ignoring by CVE id the day after until', () => {
    // Prepare
    const critical = finding('CVE-2024-1111', 'CRITICAL');
    const ignore = [{ id: 'CVE-2024-1111', until: '2024-06-30', reason: 'not reachable' }];

    // Act
    const verdict = evaluateScan([critical], policy({ ignore }), dayAfter);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.ignored).toEqual([]);
    expect(verdict.counts.CRITICAL).toBe(1);
    expect(verdict.blocking).toEqual([critical]);
    expect(verdict.reason).toBe('scan blocked: 1 finding at or above CRITICAL (CVE-2024-1111)');
  });

  it('ignores an Inspector finding by its finding ARN through the end of its until day', () => {
    // Prepare
    const critical = finding('CVE-2024-9681', 'CRITICAL', { arn: ARN });
    const ignore = [{ id: ARN, until: '2024-06-30', reason: 'suppressed for this image' }];

    // Act
    const verdict = evaluateScan([critical], policy({ ignore }), endOfDay);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.ignored).toEqual([{ ...critical, reason: 'suppressed for this image', until: '2024-06-30' }]);
  });

  it('stops ignoring by finding ARN the day after until', () => {
    // Prepare
    const critical = finding('CVE-2024-9681', 'CRITICAL', { arn: ARN });
    const ignore = [{ id: ARN, until: '2024-06-30', reason: 'suppressed for this image' }];

    // Act
    const verdict = evaluateScan([critical], policy({ ignore }), dayAfter);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.ignored).toEqual([]);
    expect(verdict.blocking).toEqual([critical]);
  });

  it('an ARN entry does not match a finding that has no ARN', () => {
    // Prepare
    const critical = finding('CVE-2024-9681', 'CRITICAL');
    const ignore = [{ id: ARN, until: '2099-12-31', reason: 'other image' }];

    // Act
    const verdict = evaluateScan([critical], policy({ ignore }), NOW);

    // Assess
    expect(verdict.passed).toBe(false);
    expect(verdict.ignored).toEqual([]);
  });

  it('counts exclude ignored findings, so they do not reach maxCounts either', () => {
    // Prepare
    const findings = [finding('CVE-H1', 'HIGH'), finding('CVE-H2', 'HIGH'), finding('CVE-H3', 'HIGH')];
    const ignore = [{ id: 'CVE-H3', until: '2099-12-31', reason: 'fixed upstream, rebuild pending' }];

    // Act
    const verdict = evaluateScan(findings, policy({ blockAt: 'none', maxCounts: { HIGH: 2 }, ignore }), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.counts).toEqual({ ...zeroCounts(), HIGH: 2 });
    expect(verdict.ignored.map((f) => f.id)).toEqual(['CVE-H3']);
    expect(verdict.reason).toBe('scan passed: HIGH 2 (1 ignored)');
  });

  it('notes ignored findings in a blocked reason too', () => {
    // Prepare
    const findings = [finding('CVE-C1', 'CRITICAL'), finding('CVE-C2', 'CRITICAL')];
    const ignore = [{ id: 'CVE-C2', until: '2099-12-31', reason: 'accepted' }];

    // Act
    const verdict = evaluateScan(findings, policy({ ignore }), NOW);

    // Assess
    expect(verdict.counts.CRITICAL).toBe(1);
    expect(verdict.reason).toBe('scan blocked: 1 finding at or above CRITICAL (CVE-C1) (1 ignored)');
  });

  it('isIgnoreActive holds through the until day (UTC) and not after', () => {
    // Assess
    expect(isIgnoreActive('2024-06-30', new Date('2024-06-30T00:00:00Z'))).toBe(true);
    expect(isIgnoreActive('2024-06-30', endOfDay)).toBe(true);
    expect(isIgnoreActive('2024-06-30', dayAfter)).toBe(false);
    expect(isIgnoreActive('2024-06-30', new Date('2025-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('evaluateScan: blocking list', () => {
  it('is ordered most severe first, then by id', () => {
    // Prepare
    const findings = [
      finding('CVE-L1', 'LOW'),
      finding('CVE-U1', 'UNDEFINED'),
      finding('CVE-C2', 'CRITICAL'),
      finding('CVE-M1', 'MEDIUM'),
      finding('CVE-I1', 'INFORMATIONAL'),
      finding('CVE-H1', 'HIGH'),
      finding('CVE-C1', 'CRITICAL'),
    ];

    // Act
    const verdict = evaluateScan(findings, policy({ blockAt: 'UNDEFINED' }), NOW);

    // Assess
    expect(verdict.blocking.map((f) => `${f.severity} ${f.id}`)).toEqual([
      'CRITICAL CVE-C1',
      'CRITICAL CVE-C2',
      'HIGH CVE-H1',
      'MEDIUM CVE-M1',
      'LOW CVE-L1',
      'INFORMATIONAL CVE-I1',
      'UNDEFINED CVE-U1',
    ]);
    expect(verdict.reason).toBe('scan blocked: 7 findings at or above UNDEFINED (CVE-C1, CVE-C2, CVE-H1, CVE-M1, CVE-L1, …)');
  });

  it('names at most five findings in the reason', () => {
    // Prepare
    const five = Array.from({ length: 5 }, (_, i) => finding(`CVE-${i}`, 'CRITICAL'));

    // Act
    const verdict = evaluateScan(five, policy(), NOW);

    // Assess
    expect(verdict.reason).toBe('scan blocked: 5 findings at or above CRITICAL (CVE-0, CVE-1, CVE-2, CVE-3, CVE-4)');
  });
});

describe('normalizeFindings', () => {
  it('returns no findings for an absent scan', () => {
    // Assess
    expect(normalizeFindings(undefined)).toEqual([]);
    expect(normalizeFindings({})).toEqual([]);
  });

  it('reads the published basic scan response', () => {
    // Prepare
    const response = fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-basic-response');

    // Act
    const findings = normalizeFindings(response.imageScanFindings);

    // Assess
    expect(findings).toEqual([
      {
        id: 'CVE-2019-5188',
        severity: 'MEDIUM',
        package: 'e2fsprogs 1.44.1-1ubuntu1.1',
        uri: 'http://people.ubuntu.com/~ubuntu-security/cve/CVE-2019-5188',
      },
    ]);
  });

  it('reads the published enhanced (Inspector) response, UNTRIAGED as UNDEFINED', () => {
    // Prepare
    const response = fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-enhanced-response');

    // Act
    const findings = normalizeFindings(response.imageScanFindings);

    // Assess
    expect(findings).toEqual([
      {
        id: 'CVE-2024-9681',
        severity: 'MEDIUM',
        package: 'curl 7.88.1',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2024-9681',
        arn: 'arn:aws:inspector2:eu-west-1:000000000000:finding/92ec736dde6c50c668cf5721027ae176',
      },
      {
        id: 'CVE-2025-24528',
        severity: 'UNDEFINED',
        package: 'krb5 1.20.1',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2025-24528',
        arn: 'arn:aws:inspector2:eu-west-1:000000000000:finding/9ff1469a4702529c61a8f00661a27576',
      },
    ]);
  });

  it.each(['SUPPRESSED', 'CLOSED'])('drops %s Inspector findings', (status) => {
    // Prepare
    const response = fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-enhanced-response');
    const [first, second] = response.imageScanFindings!.enhancedFindings!;
    const edited: EnhancedImageScanFinding[] = [{ ...first!, status }, second!];

    // Act
    const findings = normalizeFindings({ enhancedFindings: edited });

    // Assess
    expect(findings.map((f) => f.id)).toEqual(['CVE-2025-24528']);
  });

  it('falls back to the finding ARN when Inspector gives no vulnerability id', () => {
    // Prepare
    const response = fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-enhanced-response');
    const first = response.imageScanFindings!.enhancedFindings![0]!;
    const edited: EnhancedImageScanFinding = {
      ...first,
      packageVulnerabilityDetails: { ...first.packageVulnerabilityDetails!, vulnerabilityId: undefined },
    };

    // Act
    const findings = normalizeFindings({ enhancedFindings: [edited] });

    // Assess
    expect(findings[0]?.id).toBe(first.findingArn);
    expect(findings[0]?.arn).toBe(first.findingArn);
  });

  it('the enhanced fixture through the default policy: nothing CRITICAL, so it passes', () => {
    // Prepare
    const findings = normalizeFindings(fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-enhanced-response').imageScanFindings);

    // Act
    const verdict = evaluateScan(findings, policy(), NOW);

    // Assess
    expect(verdict.passed).toBe(true);
    expect(verdict.reason).toBe('scan passed: MEDIUM 1, UNDEFINED 1');
  });
});
