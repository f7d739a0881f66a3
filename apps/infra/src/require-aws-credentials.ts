import { homedir } from 'node:os';
import { checkAwsCredentials, missingCredentialsMessage } from './aws-credentials';

// Runs before `cdk deploy`, `diff` and `destroy` (see project.json): stops with a clear message when there are
// no AWS credentials or region, before anything calls AWS.
const check = checkAwsCredentials(process.env, homedir());
const problem = missingCredentialsMessage(check);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
process.stdout.write(`AWS credentials: ${check.credentials}; region: ${check.region}\n`);
