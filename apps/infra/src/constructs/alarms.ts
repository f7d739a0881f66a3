import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Properties of {@link Alarms}. */
export interface AlarmsProps {
  /** Name of the topic alarms notify; subscribe to it to be told. */
  readonly topicName: string;
}

/** Options of {@link Alarms.whenAboveZero}. */
export interface AboveZeroOptions {
  readonly description: string;
  /**
   * Consecutive periods above zero before the alarm fires.
   * @default 1
   */
  readonly periods?: number;
}

/** CloudWatch alarms that notify one SNS topic (HTTPS-only publishing) when they fire and when they recover. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { topicName: props.topicName, enforceSSL: true });
  }

  /**
   * Alarms as soon as `metric` is above zero for `periods` consecutive periods. No data (no traffic) is fine.
   *
   * @example
   * alarms.whenAboveZero('ApiServerErrors', api.metricServerErrors(), { description: 'The API answered 5xx' });
   */
  whenAboveZero(id: string, metric: cloudwatch.IMetric, options: AboveZeroOptions): cloudwatch.Alarm {
    const periods = options.periods ?? 1;
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: options.description,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    return alarm;
  }
}
