// EKS access entries for the roles that call the Kubernetes API (opt-in, see README "EKS").
const { createHash } = require('node:crypto');

/** The functions that call the Kubernetes API, and so need an EKS access entry for their role. */
const KUBERNETES_CALLERS = ['deployRelease', 'watchRollout', 'advanceRelease', 'checkHealth', 'rollBack'];
/** The Kubernetes group the access entries map to; README shows the RBAC that grants it get/patch on Deployments, docs/progressive-eks.md what a canary adds (create, delete). */
const KUBERNETES_GROUP = 'shipwatch-deployers';

/**
 * A logical id part for a cluster. Logical ids allow letters and digits only,
 * EKS cluster names also - and _, so `prod-eu` and `prod_eu` sanitize alike:
 * eight hex digits of the exact name's SHA-256 keep them apart, and stay the
 * same from one packaging to the next (a changed id would replace the entry).
 */
function clusterIdPart(cluster) {
  const hash = createHash('sha256').update(cluster).digest('hex').slice(0, 8);
  return `${cluster.replace(/[^A-Za-z0-9]/g, '')}${hash}`;
}

/** One AWS::EKS::AccessEntry per cluster the config names and calling role, keyed by logical id. */
function accessEntries(config, roleName) {
  const clusters = [...new Set(config.services.filter((s) => s.target.eks).map((s) => s.target.eks.cluster))];
  const Resources = {};
  for (const cluster of clusters) {
    for (const fn of KUBERNETES_CALLERS) {
      Resources[`${roleName(fn)}${clusterIdPart(cluster)}AccessEntry`] = {
        Type: 'AWS::EKS::AccessEntry',
        Properties: {
          ClusterName: cluster,
          PrincipalArn: { 'Fn::GetAtt': [roleName(fn), 'Arn'] },
          KubernetesGroups: [KUBERNETES_GROUP],
          Type: 'STANDARD',
        },
      };
    }
  }
  return Resources;
}

module.exports = { accessEntries, clusterIdPart, KUBERNETES_CALLERS, KUBERNETES_GROUP };
