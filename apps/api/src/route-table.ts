import { features as appFeatures } from './features';
import type { Feature, Route, RouteManifestEntry } from './http/route';

/**
 * Every route of the features, in declaration order.
 *
 * @example
 * createRouter(routesOf(features));
 */
export function routesOf(features: readonly Feature[] = appFeatures): Route[] {
  return features.flatMap((feature) => feature.routes);
}

/**
 * The routes without their handlers — what the infrastructure creates and the
 * local gateway serves. `npx nx run api:routes` writes it as `routes.json`
 * into the build output.
 *
 * @example
 * routeManifest(); // [{ method: 'GET', path: '/', auth: 'none' }, ...]
 */
export function routeManifest(features: readonly Feature[] = appFeatures): RouteManifestEntry[] {
  return routesOf(features).map(({ method, path, auth }) => ({ method, path, auth }));
}
