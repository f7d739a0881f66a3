/**
 * Readers for request fields. Every field is type-checked: a value of the wrong JSON type is a
 * `SerializationException` (the request cannot be deserialised), a missing required field or a value outside
 * the documented constraints is an `InvalidParameterException`.
 */
import { invalidParameter, serializationError } from './errors';

/** A parsed JSON request body. */
export type RequestBody = Readonly<Record<string, unknown>>;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function wrongType(field: string, expected: string, value: unknown): Error {
  return serializationError(`Expected ${expected} for field '${field}', got ${typeName(value)}.`);
}

interface LengthLimits {
  min?: number;
  max?: number;
}

function checkLength(field: string, value: string, limits: LengthLimits): string {
  const { min = 0, max = Number.POSITIVE_INFINITY } = limits;
  if (value.length < min || value.length > max) {
    const range = max === Number.POSITIVE_INFINITY ? `at least ${min}` : `between ${min} and ${max}`;
    throw invalidParameter(`The length of '${field}' must be ${range} characters.`);
  }
  return value;
}

/** An optional string field; `null` counts as absent. */
export function optionalString(body: RequestBody, field: string, limits: LengthLimits = {}): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a string', value);
  return checkLength(field, value, limits);
}

/** A required string field. */
export function requiredString(body: RequestBody, field: string, limits: LengthLimits = {}): string {
  const value = optionalString(body, field, limits);
  if (value === undefined) throw invalidParameter(`You must provide a value for the required parameter '${field}'.`);
  return value;
}

/** An optional boolean field. */
export function optionalBoolean(body: RequestBody, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(field, 'a boolean', value);
  return value;
}

/** An optional integer field within `[min, max]`. */
export function optionalInteger(body: RequestBody, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(field, 'an integer', value);
  if (value < min || value > max) throw invalidParameter(`'${field}' must be between ${min} and ${max}.`);
  return value;
}

/** An optional list of strings with 1..`maxItems` entries, each within `limits`. */
export function optionalStringList(
  body: RequestBody,
  field: string,
  maxItems: number,
  limits: LengthLimits = {},
): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(field, 'a list', value);
  if (value.length < 1 || value.length > maxItems) {
    throw invalidParameter(`'${field}' must contain between 1 and ${maxItems} items.`);
  }
  return value.map((item, index) => {
    if (typeof item !== 'string') throw wrongType(`${field}[${index}]`, 'a string', item);
    return checkLength(`${field}[${index}]`, item, limits);
  });
}

/** An optional list of objects; each element is handed to `read` as a request body of its own. */
export function optionalObjectList<T>(
  body: RequestBody,
  field: string,
  read: (item: RequestBody, path: string) => T,
): T[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(field, 'a list', value);
  return value.map((item, index) => {
    const path = `${field}[${index}]`;
    if (!isPlainObject(item)) throw wrongType(path, 'an object', item);
    return read(item, path);
  });
}

/** An optional base64 blob field, decoded. */
export function optionalBlob(body: RequestBody, field: string): Buffer | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a base64 string', value);
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw serializationError(`Field '${field}' is not valid base64.`);
  }
  return Buffer.from(value, 'base64');
}

/** True for `{...}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
