import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { Network } from './network';

/** The MySQL port, on the database and on the proxy. */
export const MYSQL_PORT = 3306;

/**
 * Characters kept out of generated passwords: those that need quoting in a MySQL URL or a shell, on top of
 * what Secrets Manager's rotation function excludes by default.
 */
const PASSWORD_EXCLUDED_CHARACTERS = ` %+~\`#$&*()|[]{}:;<>?!'/@"\\`;

/** Properties of {@link Database}. */
export interface DatabaseProps {
  readonly network: Network;
  /** Prefix of the physical names: `<prefix>-rds`, `<prefix>-rds-secret`, `<prefix>-rds-proxy`. */
  readonly namePrefix: string;
  readonly instanceType: ec2.InstanceType;
  /**
   * The engine version, pinned to a minor version so that a deployment never upgrades it by surprise.
   * @default rds.MysqlEngineVersion.VER_8_0_46
   */
  readonly engineVersion?: rds.MysqlEngineVersion;
  /**
   * The schema created with the instance, which the api and the migrations use.
   * @default 'serverless_app'
   */
  readonly databaseName?: string;
  /**
   * The database user in the generated secret (the workshop's `admin`).
   * @default 'admin'
   */
  readonly username?: string;
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
   * What happens to the data when the stack is deleted: `SNAPSHOT` (instance; the secret and logs are retained),
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
   * How often the password is rotated (single-user rotation).
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
   * function and an administrator.
   * @default 90
   */
  readonly maxConnectionsPercent?: number;
  /**
   * Require IAM authentication at the proxy instead of the secret's password.
   * @default false
   */
  readonly iamAuth?: boolean;
  /**
   * How long the database's error log is kept in CloudWatch Logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * RDS for MySQL reached only through an RDS Proxy: credentials generated into a named Secrets Manager secret
 * and rotated on a schedule (single user), storage encrypted, backups kept, TLS required at the proxy. The
 * database's security group admits the proxy and the rotation function, nothing else — a client cannot
 * bypass the proxy. Clients are admitted with {@link Database.grantClient}.
 */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;
  readonly secret: rds.DatabaseSecret;
  readonly proxy: rds.DatabaseProxy;
  readonly databaseName: string;
  readonly username: string;
  readonly iamAuth: boolean;
  readonly borrowTimeout: Duration;
  readonly maxConnectionsPercent: number;
  readonly securityGroup: ec2.SecurityGroup;
  readonly proxySecurityGroup: ec2.SecurityGroup;
  readonly rotationSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { network, namePrefix } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const keepOnDelete = removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const instanceIdentifier = `${namePrefix}-rds`;
    this.databaseName = props.databaseName ?? 'serverless_app';
    this.username = props.username ?? 'admin';
    this.iamAuth = props.iamAuth ?? false;
    this.borrowTimeout = props.borrowTimeout ?? Duration.seconds(5);
    this.maxConnectionsPercent = props.maxConnectionsPercent ?? 90;

    this.securityGroup = network.newSecurityGroup(this, 'SecurityGroup', 'RDS for MySQL: MySQL in from the RDS Proxy and the rotation function only');
    this.proxySecurityGroup = network.newSecurityGroup(this, 'ProxySecurityGroup', 'RDS Proxy: MySQL in from the functions that use the database, out to the database only');
    this.rotationSecurityGroup = network.newSecurityGroup(this, 'RotationSecurityGroup', 'Secret rotation function: out to the database and the Secrets Manager endpoint only');

    this.secret = new rds.DatabaseSecret(this, 'Secret', {
      secretName: `${namePrefix}-rds-secret`,
      username: this.username,
      dbname: this.databaseName,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
    });
    this.secret.applyRemovalPolicy(keepOnDelete);

    // Created here, with a retention, rather than by RDS (which would keep the log forever).
    const errorLog = new logs.LogGroup(this, 'ErrorLog', {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/error`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: keepOnDelete,
    });

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      instanceIdentifier,
      engine: rds.DatabaseInstanceEngine.mysql({ version: props.engineVersion ?? rds.MysqlEngineVersion.VER_8_0_46 }),
      instanceType: props.instanceType,
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [this.securityGroup],
      port: MYSQL_PORT,
      credentials: rds.Credentials.fromSecret(this.secret),
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
      // MySQL 8.0 left RDS standard support on 2026-07-31; RDS now bills Extended Support per vCPU-hour for it
      // (docs/deploy.md). Stated here so the charge is visible in the template; MySQL 8.4 does not incur it.
      engineLifecycleSupport: rds.EngineLifecycleSupport.OPEN_SOURCE_RDS_EXTENDED_SUPPORT,
      publiclyAccessible: false,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      cloudwatchLogsExports: ['error'],
    });
    this.instance.node.addDependency(errorLog);
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

    this.instance.addRotationSingleUser({
      automaticallyAfter: props.rotationInterval ?? Duration.days(30),
      vpcSubnets: network.lambdaSubnets,
      securityGroup: this.rotationSecurityGroup,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
      // No `endpoint`: the endpoint has private DNS, so the default Secrets Manager URL reaches it.
      // Not at deploy time: a rotation racing the deploy-time migrations could change the password between the
      // runner reading the secret and connecting. The generated password is first rotated on the schedule.
      rotateImmediatelyOnUpdate: false,
    });
    network.allowSecretsManagerFrom(this.rotationSecurityGroup);

    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      dbProxyName: `${namePrefix}-rds-proxy`,
      proxyTarget: rds.ProxyTarget.fromInstance(this.instance),
      secrets: [this.secret],
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [this.proxySecurityGroup],
      requireTLS: true,
      iamAuth: this.iamAuth,
      clientPasswordAuthType: rds.ClientPasswordAuthType.MYSQL_CACHING_SHA2_PASSWORD,
      borrowTimeout: this.borrowTimeout,
      maxConnectionsPercent: this.maxConnectionsPercent,
      maxIdleConnectionsPercent: 50,
      idleClientTimeout: Duration.minutes(30),
      // Debug logging writes SQL text, parameters included, to CloudWatch Logs.
      debugLogging: false,
    });
    // Binding the proxy to the instance opened MySQL from the proxy's group to the database's.
  }

  /** The proxy's endpoint, the only address clients use. */
  get endpoint(): string {
    return this.proxy.endpoint;
  }

  /**
   * Admits a function as a database client: MySQL from its security group to the proxy's (never to the
   * database's), read access to this one secret, and — with IAM auth — `rds-db:connect` as the database user on
   * this proxy. It still needs the Secrets Manager endpoint (`Network.allowSecretsManagerFrom`).
   *
   * @example
   * database.grantClient(apiFunction);
   */
  grantClient(fn: lambda.Function): void {
    this.proxy.connections.allowFrom(fn, ec2.Port.tcp(MYSQL_PORT), 'MySQL from a database client function');
    this.secret.grantRead(fn);
    if (this.iamAuth) this.proxy.grantConnect(fn, this.username);
  }

  /**
   * The environment a client of `libs/db` connects with (`DB_SECRET_ID`, `DB_HOST`, `DB_PORT`, `DB_NAME`,
   * `DB_TLS`, `DB_IAM_AUTH`, and `DB_USER` with IAM auth).
   */
  clientEnvironment(): Record<string, string> {
    return {
      DB_SECRET_ID: this.secret.secretArn,
      DB_HOST: this.proxy.endpoint,
      DB_PORT: String(MYSQL_PORT),
      DB_NAME: this.databaseName,
      DB_TLS: 'verify',
      DB_IAM_AUTH: String(this.iamAuth),
      ...(this.iamAuth ? { DB_USER: this.username } : {}),
    };
  }

  /**
   * Client connections pinned to one database connection (summed over the proxy's nodes). Above zero, a
   * statement pinned a session and that session holds a database connection until it ends.
   */
  metricSessionsPinned(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName: 'DatabaseConnectionsCurrentlySessionPinned',
      dimensionsMap: { ProxyName: this.proxy.dbProxyName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
    });
  }
}
