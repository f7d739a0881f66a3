/** Secrets Manager's price: $0.05 per 10,000 API calls. */
export const PRICE_PER_CALL = 0.05 / 10_000;
/** A 30-day month. */
export const SECONDS_PER_MONTH = 30 * 24 * 3_600;

/** Dollars a month for Secrets Manager at `callsPerRequest` and `requestsPerSecond` (100 by default), steady. */
export const monthlySecretsCost = (callsPerRequest: number, requestsPerSecond = 100) =>
  callsPerRequest * requestsPerSecond * SECONDS_PER_MONTH * PRICE_PER_CALL;
