import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { join } from 'node:path';
import { apiMetricsContract } from './metrics-contract';
import { apiRoutes } from './routes';
import { ServerlessAppStack } from './serverless-app-stack';
import { stackName, stageConfig } from './stages';

// The CDK app: one stack for the stage named by `-c stage=dev|prod`. Composition only. The functions run the
// api build in dist/apps/api (`nx run infra:synth` builds it first), whose routes.json (the api's route table)
// says which API Gateway resources and methods to create and which metrics the api emits; `-c apiAssetDir=<dir>` points elsewhere.
const workspaceRoot = join(__dirname, '../../..');
const app = new App();
const stage = stageConfig(app.node.tryGetContext('stage'));
const apiAssetDir: string = app.node.tryGetContext('apiAssetDir') ?? join(workspaceRoot, 'dist/apps/api');

new ServerlessAppStack(app, stackName(stage), {
  stage,
  apiAssetDir,
  routes: apiRoutes(apiAssetDir),
  metricsContract: apiMetricsContract(apiAssetDir),
});

// Synthesis fails on any finding not acknowledged, with its reason, where it arises.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
