import { checkAwsCredentials, missingCredentialsMessage } from './aws-credentials';

// Runs before `cdk deploy`, `diff` and `destroy` (see project.json): stops with a clear message when the AWS SDK
// finds no credentials or region, before anything calls AWS.
checkAwsCredentials({ useInstanceMetadata: process.env['CDK_USE_INSTANCE_ROLE'] === '1' }).then((check) => {
  const problem = missingCredentialsMessage(check);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  process.stdout.write(`AWS credentials: ${check.credentials}; region: ${check.region}\n`);
});
