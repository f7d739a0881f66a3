/** The workspace's Nx plugin: `nx g @serverless-app/workspace-plugin:endpoint <name>` (see docs/extending.md). */
export { endpointGenerator } from './generators/endpoint/generator';
export { EndpointOptionsError } from './generators/endpoint/options';
export type { EndpointGeneratorSchema } from './generators/endpoint/schema';
