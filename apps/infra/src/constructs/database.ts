import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as sam from 'aws-cdk-lib/aws-sam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Network } from './network';

/** The MySQL port, on the database and on the proxy. */
export const MYSQL_PORT = 3306;

/**
 * The engine: MySQL 8.4 (LTS, in RDS standard support), pinned to a minor version. aws-cdk-lib maps each
 * constant to a parameter-group family (aws-cdk#32933 had `8.4` constants on the `8.0` family); the family is
 * stated below and checked at synth, so a wrong mapping fails here rather than at deploy.
 */
export const MYSQL_VERSION = rds.MysqlEngineVersion.VER_8_4_10;

/** The parameter-group family of {@link MYSQL_VERSION}. */
export const MYSQL_PARAMETER_GROUP_FAMILY = 'mysql8.4';

/** The actions a client needs on a secret it reads (what `grantRead` grants). */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/**
 * What the single-user rotation function calls on its secret, on top of {@link SECRET_READ_ACTIONS}
 * (`GetRandomPassword` has no resource; it is allowed on its own).
 */
export const SECRET_ROTATION_ACTIONS = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'];

/**
 * Characters kept out of generated passwords: those that need quoting in a MySQL URL or a shell, on top of
 * what Secrets Manager's rotation function excludes by default.
 */
const PASSWORD_EXCLUDED_CHARACTERS = ` %+~\`#$&*()|[]{}:;<>?!'/@"\\`;

/** Properties of {@link Database}. */
export interface DatabaseProps {
  readonly network: Network;
  /**
   * Prefix of the physical names: `<prefix>-rds`, `<prefix>-rds-secret` (admin), `<prefix>-rds-app-secret`,
   * `<prefix>-rds-proxy`.
   */
  readonly namePrefix: string;
  readonly instanceType: ec2.InstanceType;
  /**
   * The engine version, pinned to a minor version so that a deployment never upgrades it by surprise. Its
   * parameter-group family must be {@link MYSQL_PARAMETER_GROUP_FAMILY}.
   * @default MYSQL_VERSION (8.4.10)
   */
  readonly engineVersion?: rds.MysqlEngineVersion;
  /**
   * The schema created with the instance, which the api and the migrations use.
   * @default 'serverless_app'
   */
  readonly databaseName?: string;
  /**
   * The administrator (the instance's master user, the workshop's `admin`): the migrations and its own rotation
   * use it, nothing that serves requests.
   * @default 'admin'
   */
  readonly username?: string;
  /**
   * The user the api connects as, with `SELECT, INSERT, UPDATE, DELETE` on the schema only. The migration runner
   * creates it and keeps its password and grants in sync with its secret at every deployment.
   * @default 'app'
   */
  readonly appUsername?: string;
  /**
   * A standby in a second availability zone.
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Refuse to delete the instance.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the data when the stack is deleted: `SNAPSHOT` (instance; the secrets and logs are retained),
   * or `DESTROY` (everything, automated backups included).
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy.SNAPSHOT | RemovalPolicy.DESTROY;
  /**
   * How long automated backups are kept.
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;
  /**
   * How often each password is rotated (single-user rotation, one function per secret).
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
  /**
   * How long a client waits at the proxy for a database connection before `ERROR 9501`. Keep it well below
   * the Lambda timeout so the Lambda can still answer 503.
   * @default Duration.seconds(5)
   */
  readonly borrowTimeout?: Duration;
  /**
   * Share of the database's `max_connections` the proxy may open; the rest is left for the rotation
   * functions and an administrator.
   * @default 90
   */
  readonly maxConnectionsPercent?: number;
  /**
   * Require IAM authentication at the proxy instead of the secrets' passwords.
   * @default false
   */
  readonly iamAuth?: boolean;
  /**
   * How long the logs this construct owns (the database's error log, the proxy's log, the rotation functions'
   * logs) are kept in CloudWatch Logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * RDS for MySQL 8.4 reached only through an RDS Proxy, with two database users, each with its own generated
 * secret rotated on a schedule (single user): the administrator (master user; migrations) and the app user
 * (requests; DML only). Storage encrypted, backups kept, TLS required by the database and by the proxy. The
 * database's security group admits the proxy and the rotation functions, nothing else — a client cannot
 * bypass the proxy. Clients are admitted with {@link Database.grantAppClient} and
 * {@link Database.grantAdminClient}.
 */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;
  /** The administrator's credentials (`admin`), the instance's master user. */
  readonly adminSecret: rds.DatabaseSecret;
  /** The app user's credentials (`app`), what the api connects with. */
  readonly appSecret: rds.DatabaseSecret;
  readonly parameterGroup: rds.ParameterGroup;
  readonly proxy: rds.DatabaseProxy;
  readonly proxyRole: iam.Role;
  readonly rotations: { admin: secretsmanager.SecretRotation; app: secretsmanager.SecretRotation };
  readonly databaseName: string;
  readonly username: string;
  readonly appUsername: string;
  readonly iamAuth: boolean;
  readonly borrowTimeout: Duration;
  readonly maxConnectionsPercent: number;
  readonly securityGroup: ec2.SecurityGroup;
  readonly proxySecurityGroup: ec2.SecurityGroup;
  readonly rotationSecurityGroup: ec2.SecurityGroup;
  /** The proxy's target group (the instance, in the `READ_WRITE` role). */
  readonly proxyTargetGroup: rds.CfnDBProxyTargetGroup;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { network, namePrefix } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const keepOnDelete = removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const ownLogGroup = (logId: string, logGroupName: string) => new logs.LogGroup(this, logId, { logGroupName, retention: logRetention, removalPolicy: keepOnDelete });
    const instanceIdentifier = `${namePrefix}-rds`;
    this.databaseName = props.databaseName ?? 'serverless_app';
    this.username = props.username ?? 'admin';
    this.appUsername = props.appUsername ?? 'app';
    if (this.appUsername === this.username) throw new Error(`The app user must differ from the administrator ("${this.username}")`);
    this.iamAuth = props.iamAuth ?? false;
    this.borrowTimeout = props.borrowTimeout ?? Duration.seconds(5);
    this.maxConnectionsPercent = props.maxConnectionsPercent ?? 90;

    this.securityGroup = network.newSecurityGroup(this, 'SecurityGroup', 'RDS for MySQL: MySQL in from the RDS Proxy and the rotation functions only');
    this.proxySecurityGroup = network.newSecurityGroup(this, 'ProxySecurityGroup', 'RDS Proxy: MySQL in from the functions that use the database, out to the database only');
    this.rotationSecurityGroup = network.newSecurityGroup(this, 'RotationSecurityGroup', 'Secret rotation functions: out to the database and the Secrets Manager endpoint only');

    const newSecret = (secretId: string, secretName: string, username: string) => {
      const secret = new rds.DatabaseSecret(this, secretId, { secretName, username, dbname: this.databaseName, excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS });
      secret.applyRemovalPolicy(keepOnDelete);
      return secret;
    };
    this.adminSecret = newSecret('Secret', `${namePrefix}-rds-secret`, this.username);
    this.appSecret = newSecret('AppSecret', `${namePrefix}-rds-app-secret`, this.appUsername);

    const engine = rds.DatabaseInstanceEngine.mysql({ version: props.engineVersion ?? MYSQL_VERSION });
    if (engine.parameterGroupFamily !== MYSQL_PARAMETER_GROUP_FAMILY) {
      throw new Error(`The engine's parameter-group family is ${String(engine.parameterGroupFamily)}, expected ${MYSQL_PARAMETER_GROUP_FAMILY} (see aws-cdk#32933)`);
    }
    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: `${instanceIdentifier}: MySQL 8.4, TLS required for every connection`,
      // Every client — the proxy, the rotation functions, an administrator — must use TLS.
      parameters: { require_secure_transport: 'ON' },
    });

    // Created here, with a retention, rather than by RDS (which would keep the log forever).
    const errorLog = ownLogGroup('ErrorLog', `/aws/rds/instance/${instanceIdentifier}/error`);

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      instanceIdentifier,
      engine,
      parameterGroup: this.parameterGroup,
      instanceType: props.instanceType,
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [this.securityGroup],
      port: MYSQL_PORT,
      credentials: rds.Credentials.fromSecret(this.adminSecret),
      databaseName: this.databaseName,
      multiAz: props.multiAz ?? false,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
      backupRetention: props.backupRetention ?? Duration.days(7),
      deleteAutomatedBackups: removalPolicy === RemovalPolicy.DESTROY,
      copyTagsToSnapshot: true,
      storageEncrypted: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      // The version is pinned in code; upgrades are a reviewed change, not a maintenance-window surprise.
      autoMinorVersionUpgrade: false,
      // Never billed for Extended Support: when 8.4 leaves standard support, RDS upgrades the instance instead
      // of charging per vCPU-hour to keep it (docs/deploy.md).
      engineLifecycleSupport: rds.EngineLifecycleSupport.OPEN_SOURCE_RDS_EXTENDED_SUPPORT_DISABLED,
      publiclyAccessible: false,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      cloudwatchLogsExports: ['error'],
    });
    this.instance.node.addDependency(errorLog);
    // The app secret gets the instance's host, port and identifier too: the same shape as the admin secret, and
    // what its rotation function connects with.
    const appSecretAttached = this.appSecret.attach(this.instance);
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason: 'The default port hides nothing worth hiding: only the proxy and the rotation function security groups reach it, in isolated subnets; another port would only add configuration to every client.',
    });
    if (!(props.multiAz ?? false)) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS3',
        reason: 'Single-AZ is this stage\'s choice (multiAz: false, the disposable dev stage, at half the instance cost); prod runs Multi-AZ.',
      });
    }
    if (!(props.deletionProtection ?? true)) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection is off by this stage\'s choice (the disposable dev stage, deleted with its stack); prod keeps it on.',
      });
    }

    // Single-user rotation for both users: each function logs in as its user, over TLS (the template tries TLS
    // first and require_secure_transport refuses the plain fallback), and changes that user's own password.
    const rotationOptions = {
      automaticallyAfter: props.rotationInterval ?? Duration.days(30),
      vpcSubnets: network.lambdaSubnets,
      securityGroup: this.rotationSecurityGroup,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
      // No `endpoint`: the endpoint has private DNS, so the default Secrets Manager URL reaches it.
      // Not at deploy time: a rotation racing the deploy-time migrations could change a password between the
      // runner reading the secret and connecting. The generated passwords are first rotated on the schedule.
      rotateImmediatelyOnUpdate: false,
    };
    this.rotations = {
      admin: this.instance.addRotationSingleUser(rotationOptions),
      app: new secretsmanager.SecretRotation(this, 'AppRotation', {
        ...rotationOptions,
        application: secretsmanager.SecretRotationApplication.MYSQL_ROTATION_SINGLE_USER,
        secret: appSecretAttached,
        target: this.instance,
        vpc: network.vpc,
      }),
    };
    // Lambda would create the rotation functions' log groups on first use, kept forever and left behind by a
    // stack deletion; these exist first, with a retention.
    for (const [user, rotation] of Object.entries(this.rotations)) {
      ownLogGroup(`${user === 'admin' ? 'Admin' : 'App'}RotationLogs`, `/aws/lambda/${rotationFunctionName(rotation)}`);
    }
    network.allowSecretsManagerFrom(this.rotationSecurityGroup);
    const secrets = [this.adminSecret, this.appSecret];
    network.allowSecretsThroughEndpoint(secrets, [...SECRET_READ_ACTIONS, ...SECRET_ROTATION_ACTIONS]);

    // The proxy's own role, so that the proxy can depend on it with its policy: a proxy created before it may
    // read the secrets has no usable target for a while.
    this.proxyRole = new iam.Role(this, 'ProxyRole', {
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
      description: `RDS Proxy ${namePrefix}-rds-proxy: reads the database users' secrets`,
    });
    for (const secret of secrets) secret.grantRead(this.proxyRole);
    const proxyName = `${namePrefix}-rds-proxy`;
    // RDS Proxy writes connection events here (never SQL: debug logging is off).
    const proxyLog = ownLogGroup('ProxyLogs', `/aws/rds/proxy/${proxyName}`);
    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      dbProxyName: proxyName,
      proxyTarget: rds.ProxyTarget.fromInstance(this.instance),
      // One authentication entry per user, each with the client auth type stated.
      secrets,
      role: this.proxyRole,
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [this.proxySecurityGroup],
      requireTLS: true,
      iamAuth: this.iamAuth,
      // RDS Proxy's current MySQL default, and what MySQL 8.4 users authenticate with (mysql_native_password is
      // off by default in 8.4). Over TLS, mysql2 answers it by sending the password (docs/deploy.md).
      clientPasswordAuthType: rds.ClientPasswordAuthType.MYSQL_CACHING_SHA2_PASSWORD,
      borrowTimeout: this.borrowTimeout,
      maxConnectionsPercent: this.maxConnectionsPercent,
      maxIdleConnectionsPercent: 50,
      idleClientTimeout: Duration.minutes(30),
      // Debug logging writes SQL text, parameters included, to CloudWatch Logs.
      debugLogging: false,
    });
    this.proxy.node.addDependency(this.proxyRole, proxyLog);
    // The target is registered once the instance is available (CloudFormation's DBInstance completes then).
    const targetGroup = this.proxy.node.children.find((c): c is rds.CfnDBProxyTargetGroup => c instanceof rds.CfnDBProxyTargetGroup);
    if (!targetGroup) throw new Error('aws-cdk-lib no longer creates the proxy target group under the proxy');
    targetGroup.addResourceDependency(this.instance.node.defaultChild as rds.CfnDBInstance);
    this.proxyTargetGroup = targetGroup;
    // Binding the proxy to the instance opened MySQL from the proxy's group to the database's.
  }

  /** The proxy's endpoint, the only address clients use. */
  get endpoint(): string {
    return this.proxy.endpoint;
  }

  /**
   * Admits a function as a client that serves requests, as the app user: MySQL from its security group to the
   * proxy's (never to the database's), read access to the app secret only, and — with IAM auth —
   * `rds-db:connect` as the app user on this proxy. It still needs the Secrets Manager endpoint
   * (`Network.allowSecretsManagerFrom`).
   *
   * @example
   * database.grantAppClient(apiFunction);
   */
  grantAppClient(fn: lambda.Function): void {
    this.proxy.connections.allowFrom(fn, ec2.Port.tcp(MYSQL_PORT), 'MySQL from a database client function');
    this.appSecret.grantRead(fn);
    if (this.iamAuth) this.proxy.grantConnect(fn, this.appUsername);
  }

  /**
   * Admits the migration runner, as the administrator: MySQL to the proxy, read access to the admin secret (to
   * connect) and to the app secret (to keep the app user's password in sync), and — with IAM auth —
   * `rds-db:connect` as the administrator on this proxy.
   *
   * @example
   * database.grantAdminClient(migrations.function);
   */
  grantAdminClient(fn: lambda.Function): void {
    this.proxy.connections.allowFrom(fn, ec2.Port.tcp(MYSQL_PORT), 'MySQL from a database client function');
    this.adminSecret.grantRead(fn);
    this.appSecret.grantRead(fn);
    if (this.iamAuth) this.proxy.grantConnect(fn, this.username);
  }

  /**
   * The environment the api connects with through `libs/db`, as the app user (`DB_SECRET_ID`, `DB_HOST`,
   * `DB_PORT`, `DB_NAME`, `DB_TLS`, `DB_IAM_AUTH`, and `DB_USER` with IAM auth).
   */
  appEnvironment(): Record<string, string> {
    return this.environment(this.appSecret, this.appUsername);
  }

  /**
   * The migration runner's environment: connects as the administrator (`DB_SECRET_ID` names the admin secret)
   * and keeps the app user of `DB_APP_SECRET_ID` in sync.
   */
  adminEnvironment(): Record<string, string> {
    return { ...this.environment(this.adminSecret, this.username), DB_APP_SECRET_ID: this.appSecret.secretArn };
  }

  private environment(secret: secretsmanager.ISecret, username: string): Record<string, string> {
    return {
      DB_SECRET_ID: secret.secretArn,
      DB_HOST: this.proxy.endpoint,
      DB_PORT: String(MYSQL_PORT),
      DB_NAME: this.databaseName,
      DB_TLS: 'verify',
      DB_IAM_AUTH: String(this.iamAuth),
      ...(this.iamAuth ? { DB_USER: username } : {}),
    };
  }

  /**
   * Client connections pinned to one database connection (summed over the proxy's nodes). Above zero, a
   * statement pinned a session and that session holds a database connection until it ends.
   */
  metricSessionsPinned(): cloudwatch.Metric {
    return this.proxyMetric('DatabaseConnectionsCurrentlySessionPinned', cloudwatch.Stats.SUM, Duration.minutes(1));
  }

  /**
   * The time, in microseconds, clients waited for a database connection at the proxy (averaged over its nodes and
   * 5 minutes). It nears the borrow timeout when connections run short.
   */
  metricBorrowLatency(): cloudwatch.Metric {
    return this.proxyMetric('DatabaseConnectionsBorrowLatency', cloudwatch.Stats.AVERAGE, Duration.minutes(5));
  }

  /** Client logins the proxy refused (wrong password, a user it has no secret for, no TLS), per 5 minutes. */
  metricFailedAuths(): cloudwatch.Metric {
    return this.proxyMetric('ClientConnectionsSetupFailedAuth', cloudwatch.Stats.SUM, Duration.minutes(5));
  }

  /**
   * The percentage of time the proxy's target (the instance, `READ_WRITE`) was available, per minute. This metric
   * exists only with the target group and role dimensions.
   */
  metricAvailability(): cloudwatch.Metric {
    return this.proxyMetric('AvailabilityPercentage', cloudwatch.Stats.AVERAGE, Duration.minutes(1), {
      TargetGroup: this.proxyTargetGroup.targetGroupName,
      TargetRole: 'READ_WRITE',
    });
  }

  private proxyMetric(metricName: string, statistic: string, period: Duration, dimensions: Record<string, string> = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap: { ProxyName: this.proxy.dbProxyName, ...dimensions }, statistic, period });
  }
}

/** The function name a rotation's serverless application is given (known at synth). */
function rotationFunctionName(rotation: secretsmanager.SecretRotation): string {
  const parameters = (rotation.node.defaultChild as sam.CfnApplication).parameters as Record<string, string> | undefined;
  const name = parameters?.['functionName'];
  if (typeof name !== 'string' || name === '') throw new Error(`The rotation ${rotation.node.path} has no function name`);
  return name;
}
