// List prices (us-east-1, on-demand) used to turn counted work into dollars.
// Sources: the AWS pricing pages for each service; checked 2026-11.
export const PRICES = {
  /** Step Functions Standard: per state transition (retries count). */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda requests. */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** Lambda duration on arm64, per GB-second. */
  lambdaPerGbSecond: 0.0000133334,
  /** Memory the functions are configured with (serverless.yml provider.memorySize). */
  lambdaMemoryGb: 256 / 1024,
  /** CloudWatch GetMetricData: per metric requested. */
  cloudWatchPerMetric: 0.01 / 1000,
  /** CloudWatch DescribeAlarms and the other API calls: per 1,000 requests (the first million a month are free). */
  cloudWatchPerRequest: 0.01 / 1000,
  /** DynamoDB on-demand: per write request unit and per read request unit. */
  dynamoPerWrite: 0.625 / 1_000_000,
  dynamoPerRead: 0.125 / 1_000_000,
  /** CodePipeline V2: per action execution minute. */
  codePipelinePerActionMinute: 0.002,
} as const;
