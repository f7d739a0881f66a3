import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of {@link Alarms}. */
export interface AlarmsProps {
  /** Name of the topic alarms notify; subscribe to it to be told. */
  readonly topicName: string;
  /** Prefix of every alarm's and rule's name: `<prefix>-<name>`. */
  readonly namePrefix: string;
  /**
   * An e-mail address subscribed to the topic (SNS asks it to confirm).
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * What happens to the topic's KMS key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One alarm of {@link Alarms.alarm}. */
export interface AlarmSpec {
  /** What it means, in a sentence (docs/operations.md says how to confirm it and what to do). */
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** Whether it fires above or below the threshold. */
  readonly when: 'above' | 'below';
  /**
   * Consecutive periods past the threshold before it fires.
   * @default 1
   */
  readonly periods?: number;
  /**
   * What a period without data counts as.
   * @default TreatMissingData.NOT_BREACHING (no traffic is fine)
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/** Alarm and rule names: PascalCase, the stable name docs/operations.md documents them by. */
const NAME = /^[A-Z][A-Za-z0-9]+$/;

/**
 * One SNS topic, encrypted with a key of its own that CloudWatch and EventBridge may use, HTTPS-only publishing;
 * the CloudWatch alarms and EventBridge rules that notify it; an optional e-mail subscription. Every alarm and
 * rule has a stable name (`<prefix>-<name>`), listed in {@link names}.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  /** Where events EventBridge could not deliver to the topic wait (14 days). */
  readonly deadLetterQueue: sqs.Queue;
  /** Every alarm, by its stable name. */
  readonly alarms = new Map<string, cloudwatch.Alarm>();
  /** Every rule, by its stable name. */
  readonly rules = new Map<string, events.Rule>();
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.namePrefix = props.namePrefix;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const account = Stack.of(this).account;
    this.key = new kms.Key(this, 'Key', {
      description: `${props.topicName}: encrypts the alarm topic's messages`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Publishing to an encrypted topic needs the key: CloudWatch (alarms) and EventBridge (rules), from this
    // account only.
    const publishers = [
      ['CloudWatch', 'cloudwatch.amazonaws.com'],
      ['EventBridge', 'events.amazonaws.com'],
    ] as const;
    for (const [name, service] of publishers) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `PublishFrom${name}`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
    }
    this.topic = new sns.Topic(this, 'Topic', { topicName: props.topicName, masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PublishFromCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    const dlqReason =
      'This queue is itself a dead-letter queue: of the rotation-failure rule\'s SNS target (EventBridge keeps events it could not deliver here for 14 days). cdk-nag recognises only queues named in another queue\'s redrive policy as dead-letter queues; a queue behind this one would hold nothing.';
    Validations.of(this.deadLetterQueue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: dlqReason },
      { id: 'Serverless-SQSRedrivePolicy', reason: dlqReason },
    );
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** The stable names of every alarm and rule, sorted. */
  get names(): string[] {
    return [...this.alarms.keys(), ...this.rules.keys()].sort();
  }

  /**
   * An alarm named `<prefix>-<name>` that notifies the topic when it fires and when it recovers.
   *
   * @example
   * alarms.alarm('ApiServerErrors', { description: 'The API answers 5xx', metric: api.metricServerErrorRate(), threshold: 0.01, when: 'above' });
   */
  alarm(name: string, spec: AlarmSpec): cloudwatch.Alarm {
    this.checkName(name);
    const periods = spec.periods ?? 1;
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `${this.namePrefix}-${name}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.when === 'above' ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.set(name, alarm);
    return alarm;
  }

  /**
   * A rule named `<prefix>-<name>` that sends Secrets Manager's `RotationFailed` event (a CloudTrail service
   * event) for any of `secrets` to the topic; undeliverable events go to {@link deadLetterQueue}.
   *
   * @example
   * alarms.rotationFailureRule('SecretRotationFailed', [database.adminSecret, database.appSecret]);
   */
  rotationFailureRule(name: string, secrets: readonly secretsmanager.ISecret[]): events.Rule {
    this.checkName(name);
    const rule = new events.Rule(this, name, {
      ruleName: `${this.namePrefix}-${name}`,
      description: 'Secrets Manager could not rotate one of the database users\' secrets',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed'],
          additionalEventData: { SecretId: secrets.map((s) => s.secretArn) },
        },
      },
    });
    rule.addTarget(new targets.SnsTopic(this.topic, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(24) }));
    this.rules.set(name, rule);
    return rule;
  }

  private checkName(name: string): void {
    if (!NAME.test(name)) throw new Error(`Alarm and rule names are PascalCase (letters and digits), got "${name}"`);
    if (this.alarms.has(name) || this.rules.has(name)) throw new Error(`An alarm or rule is already named "${name}"`);
  }
}
