import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/load.js';
import { actionsOf, grantsOf, iam } from '../support/iam.js';

// Item 12 of issue #11. With enhanced scanning on, ECR answers
// DescribeImageScanFindings from Amazon Inspector on the caller's behalf, so
// the caller needs inspector2:ListFindings (the findings) and
// inspector2:ListCoverage (the scan status); see
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html.
// Turning enhanced scanning on or off is not Shipwatch's business.

const roles = iam.statementsFor(loadConfig(), 'test');

describe('scanImage role: enhanced scanning', () => {
  it('may read Amazon Inspector findings and coverage, which have no resource-level permissions', () => {
    // Act
    const inspector = grantsOf(roles.scanImage!, 'inspector2:');

    // Assess
    expect(inspector).toEqual([{ Effect: 'Allow', Action: ['inspector2:ListFindings', 'inspector2:ListCoverage'], Resource: ['*'] }]);
  });

  it('may not enable, disable or administer Amazon Inspector', () => {
    // Assess
    expect(actionsOf(roles.scanImage!, 'inspector2:')).toEqual(['inspector2:ListCoverage', 'inspector2:ListFindings']);
    expect(actionsOf(roles.scanImage!, 'iam:')).toEqual([]);
  });

  it('is the only role that reads Amazon Inspector', () => {
    // Assess
    const readers = Object.entries(roles)
      .filter(([, statements]) => actionsOf(statements, 'inspector2:').length > 0)
      .map(([fn]) => fn);
    expect(readers).toEqual(['scanImage']);
  });
});
