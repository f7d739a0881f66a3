/** Options of `nx g @serverless-app/workspace-plugin:endpoint` (see schema.json). */
export interface EndpointGeneratorSchema {
  /** Lower kebab-case feature name, plural for CRUD: `orders`. */
  name: string;
  /** Full CRUD like /items (default), or one route. */
  crud?: boolean;
  /** Single route: its method. @default 'GET' */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Single route: its path under `/<name>`. @default `/<name>` */
  path?: string;
  /** Who may call the routes: `none` (public) or `iam` (SigV4, checked by API Gateway). @default 'none' */
  auth?: 'none' | 'iam';
  /** Write a migration creating the feature's table. @default crud */
  table?: boolean;
  /** The singular in kebab-case when the English rules get it wrong. */
  singular?: string;
}
