import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { type ApiMetricsContract, requireApiMetric } from '../metrics-contract';

/** Options of {@link apiMetric}. */
export interface ApiMetricOptions {
  /** @default Stats.SUM */
  readonly statistic?: string;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
}

/**
 * One of the api's own metrics for one stage, as its metrics contract names it: the contract's namespace, its
 * service dimension set to the contract's service and its stage dimension to `stageName`. Fails at synth when the
 * contract has no such metric.
 *
 * @example
 * apiMetric(contract, 'StatementOutcomeUnknown', 'dev'); // ServerlessApp StatementOutcomeUnknown {service: api, stage: dev}, Sum over 5 minutes
 */
export function apiMetric(contract: ApiMetricsContract, name: string, stageName: string, options: ApiMetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: contract.namespace,
    metricName: requireApiMetric(contract, name),
    dimensionsMap: { [contract.dimensions.service]: contract.service, [contract.dimensions.stage]: stageName },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(5),
  });
}
