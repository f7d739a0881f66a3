import { healthFeature } from './health/health.routes';
import type { Feature } from './http/route';
import { itemsFeature } from './items/items.routes';
import { nowFeature } from './now/now.routes';

/**
 * Every feature the api serves: the router, the infrastructure's API Gateway
 * resources (through the route manifest), the local gateway and the README's
 * route table all derive from this list. To add a feature, import its module's
 * feature object and append it here.
 */
export const features: readonly Feature[] = [nowFeature, healthFeature, itemsFeature];
