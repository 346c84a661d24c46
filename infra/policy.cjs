// Building blocks of IAM policy statements in CloudFormation. ARNs are built
// with Fn::Join because `${AWS::…}` would collide with the Framework's own
// variable syntax.
const arn = (...parts) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':', ...parts]] });
const inAccount = (service, resource) => arn(service, ':', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', resource);
const allow = (Action, Resource, Condition) => ({ Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const unique = (xs) => [...new Set(xs)];

module.exports = { arn, inAccount, allow, unique };
