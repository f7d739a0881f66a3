/** Options of `nx g @serverless-app/workspace-plugin:endpoint` (see schema.json). */
export interface EndpointGeneratorSchema {
  /** Lower kebab-case resource name, plural for CRUD: `orders`. */
  name: string;
  /** Full CRUD like /items (default), or one route. */
  crud?: boolean;
  /** Single route: its method. @default 'GET' */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Single route: its path under `/<name>`. @default `/<name>` */
  path?: string;
  /** Write a migration creating the resource's table. @default crud */
  table?: boolean;
  /** The singular in kebab-case when the English rules get it wrong. */
  singular?: string;
}
