import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ApiThrottle } from '../capacity';
import { resourceNodes, type Route } from '../routes';

/** Properties of {@link PublicApi}. */
export interface PublicApiProps {
  readonly handler: lambda.IFunction;
  /** The routes the handler serves (the api's route manifest); `auth: 'iam'` routes need a SigV4 signature. */
  readonly routes: readonly Route[];
  readonly restApiName: string;
  readonly stageName: string;
  readonly throttle: ApiThrottle;
  /**
   * How long access logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the access and execution log groups when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const ACCESS_LOG_FIELDS = {
  requestId: apigw.AccessLogField.contextRequestId(),
  extendedRequestId: apigw.AccessLogField.contextExtendedRequestId(),
  requestTime: apigw.AccessLogField.contextRequestTime(),
  sourceIp: apigw.AccessLogField.contextIdentitySourceIp(),
  userAgent: apigw.AccessLogField.contextIdentityUserAgent(),
  httpMethod: apigw.AccessLogField.contextHttpMethod(),
  resourcePath: apigw.AccessLogField.contextResourcePath(),
  path: apigw.AccessLogField.contextPath(),
  protocol: apigw.AccessLogField.contextProtocol(),
  status: apigw.AccessLogField.contextStatus(),
  responseLength: apigw.AccessLogField.contextResponseLength(),
  responseLatency: apigw.AccessLogField.contextResponseLatency(),
  integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
  integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
  errorMessage: apigw.AccessLogField.contextErrorMessage(),
  xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
};

/**
 * A regional REST API whose every request reaches one Lambda (proxy integration): the declared routes (IAM
 * authorization where a route says `auth: 'iam'`), plus `ANY` on each of their resources and a greedy
 * `{proxy+}` wherever no path parameter already catches the next segment — so the Lambda answers an unknown
 * path (404) or method (405) itself, never API Gateway with 403 "Missing Authentication Token". One stage,
 * with JSON access logs, execution logs for errors (no request bodies; a log group of ours, with a retention),
 * X-Ray, and throttling. API Gateway may invoke the Lambda for this stage only.
 */
export class PublicApi extends Construct {
  readonly api: apigw.RestApi;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const logOptions = { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY };
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', logOptions);

    this.api = new apigw.RestApi(this, 'RestApi', {
      restApiName: props.restApiName,
      description: 'serverless-app: API Gateway → Lambda → RDS Proxy → RDS for MySQL',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // Logging to CloudWatch needs the account-level API Gateway role; it is shared by every API of the
      // account and region, so it outlives this stack.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Never log request and response bodies: they carry user data.
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
      },
    });

    // The stack exports the URL under a readable name; drop the RestApi's own `Endpoint` output.
    this.api.node.tryRemoveChild('Endpoint');

    // API Gateway writes execution logs to this group, creating it — without a retention, outliving the stack —
    // unless it exists before the stage.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      ...logOptions,
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${props.stageName}`,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);

    // One permission for the whole API instead of one per method (the function policy is limited to 20 KB).
    const integration = new apigw.LambdaIntegration(props.handler, { proxy: true, scopePermissionToMethod: false });
    for (const node of resourceNodes(props.routes)) {
      const resource = this.api.root.resourceForPath(node.path);
      for (const route of node.routes) {
        resource.addMethod(route.method, integration, { authorizationType: route.auth === 'iam' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE });
      }
      // The catch-alls are public: behind them the Lambda only answers 404 or 405.
      resource.addMethod('ANY', integration);
      if (!node.hasParameterChild) resource.addResource('{proxy+}').addMethod('ANY', integration);
    }
    // The integration's one permission lets any stage of the API invoke the function; narrow it to this stage.
    const permissions = this.api.node.findAll().filter((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission);
    if (permissions.length !== 1) throw new Error(`Expected one API Gateway invoke permission, found ${permissions.length}`);
    (permissions[0] as lambda.CfnPermission).sourceArn = this.api.arnForExecuteApi('*', '/*', props.stageName);

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason: 'The Lambda validates every request (valibot schemas) and answers 400/415/422 in the API\'s one error format; a gateway validator would duplicate the schemas and answer in another format.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason: 'No WAF web ACL: the stage throttle, sized to the Lambda\'s reserved concurrency, already keeps load within what the database serves; a web ACL adds $5/month plus $1 per rule and $0.60 per million requests. Add one (AWS managed rule groups) in front of a public production API.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Every route that reads or writes data is IAM-authorised (SigV4, per the route table\'s auth); the methods left public are the workshop\'s GET / and GET /health, and the ANY catch-alls through which the Lambda answers 404/405 for unknown paths and methods — all throttled.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Callers authenticate with IAM (SigV4) on the routes that need it, not with a Cognito user pool; the public methods are listed under AwsSolutions-APIG4.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-level role API Gateway needs to write access and execution logs; AmazonAPIGatewayPushToCloudWatchLogs is the policy API Gateway documents for it and holds CloudWatch Logs actions only.',
      },
    );
  }

  /** The invoke URL of the stage, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/dev/`. */
  get url(): string {
    return this.api.url;
  }

  /**
   * The share of the stage's requests answered 5xx (from API Gateway or the Lambda) over 5 minutes, as a
   * fraction from 0 to 1 (the average of `5XXError`, which is 1 for a 5xx and 0 otherwise).
   */
  metricServerErrorRate(): cloudwatch.Metric {
    return this.api.deploymentStage.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.AVERAGE });
  }

  /** The stage's p99 latency (request in to response out, in ms) over 5 minutes. */
  metricLatencyP99(): cloudwatch.Metric {
    return this.api.deploymentStage.metricLatency({ period: Duration.minutes(5), statistic: cloudwatch.Stats.p(99) });
  }
}
