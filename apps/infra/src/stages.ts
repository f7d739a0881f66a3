/** Everything that differs between deployment stages. */
export interface StageConfig {
  name: 'dev' | 'prod';
  /** RDS instance class, e.g. `t4g.micro`. */
  instanceType: string;
  multiAz: boolean;
  deletionProtection: boolean;
  /** Keep the database (snapshot) when the stack is deleted. */
  retainData: boolean;
  logRetentionDays: number;
  /** Connect the Lambda with IAM auth tokens instead of the secret's password. */
  iamAuth: boolean;
}

/** The stages this app deploys. `dev` is cheap and disposable; `prod` is durable. */
export const STAGES: Readonly<Record<StageConfig['name'], StageConfig>> = {
  dev: {
    name: 'dev',
    instanceType: 't4g.micro',
    multiAz: false,
    deletionProtection: false,
    retainData: false,
    logRetentionDays: 7,
    iamAuth: false,
  },
  prod: {
    name: 'prod',
    instanceType: 'r7g.large',
    multiAz: true,
    deletionProtection: true,
    retainData: true,
    logRetentionDays: 365,
    iamAuth: false,
  },
};

/**
 * Looks a stage up by name (from `cdk -c stage=...`), failing with the list of
 * valid names.
 *
 * @example
 * const stage = stageConfig(app.node.tryGetContext('stage') ?? 'dev');
 */
export function stageConfig(name: unknown): StageConfig {
  if (typeof name === 'string' && Object.hasOwn(STAGES, name)) {
    return STAGES[name as StageConfig['name']];
  }
  throw new Error(`Unknown stage ${JSON.stringify(name)}; expected one of: ${Object.keys(STAGES).join(', ')}`);
}
