import { healthFeature } from './health/health.routes';
import type { Feature } from './http/route';
import { itemsFeature } from './items/items.routes';
import { nowFeature } from './now/now.routes';

/** Every feature the api serves (a fixture: the endpoint generator's tests register features here). */
export const features: readonly Feature[] = [nowFeature, healthFeature, itemsFeature];
