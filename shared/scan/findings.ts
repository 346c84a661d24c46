import type { ImageScanFindings } from '@aws-sdk/client-ecr';
import type { Severity } from '../config/schema.js';

/** One finding, the same whether ECR basic scanning or Amazon Inspector (enhanced) reported it. */
export interface Finding {
  /** CVE id (basic `name`, enhanced `vulnerabilityId`), else the Inspector finding ARN. */
  id: string;
  severity: Severity;
  package?: string;
  uri?: string;
  /** Inspector finding ARN, so an ignore entry may name either. */
  arn?: string;
}

const KNOWN = new Set<string>(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED']);

/** Inspector says UNTRIAGED where basic scanning says UNDEFINED: both mean "no severity yet". */
function severityOf(raw: string | undefined): Severity {
  if (raw && KNOWN.has(raw)) return raw as Severity;
  return 'UNDEFINED';
}

export function normalizeFindings(scan: ImageScanFindings | undefined): Finding[] {
  if (!scan) return [];
  const basic = (scan.findings ?? []).map((f): Finding => {
    const attr = (key: string) => f.attributes?.find((a) => a.key === key)?.value;
    const pkg = attr('package_name');
    const version = attr('package_version');
    return {
      id: f.name ?? 'unnamed finding',
      severity: severityOf(f.severity),
      ...(pkg ? { package: version ? `${pkg} ${version}` : pkg } : {}),
      ...(f.uri ? { uri: f.uri } : {}),
    };
  });
  // Inspector keeps findings it has suppressed or closed; only ACTIVE ones are
  // real (a suppression rule in Inspector is the team's own ignore list).
  const enhanced = (scan.enhancedFindings ?? [])
    .filter((f) => f.status === undefined || f.status === 'ACTIVE')
    .map((f): Finding => {
      const details = f.packageVulnerabilityDetails;
      const pkg = details?.vulnerablePackages?.[0];
      const uri = details?.sourceUrl;
      return {
        id: details?.vulnerabilityId ?? f.findingArn ?? f.title ?? 'unnamed finding',
        severity: severityOf(f.severity),
        ...(pkg?.name ? { package: pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name } : {}),
        ...(uri ? { uri } : {}),
        ...(f.findingArn ? { arn: f.findingArn } : {}),
      };
    });
  return [...basic, ...enhanced];
}
