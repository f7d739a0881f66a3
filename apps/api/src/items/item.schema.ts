import * as v from 'valibot';

const codePoints = (s: string) => [...s].length;

/** Text that can be stored as utf8mb4: no lone surrogates (category Cs). */
const wellFormed = v.check((s: string) => !/\p{Cs}/u.test(s), 'must be valid Unicode text');

export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 2_000;

const Name = v.pipe(
  v.string('must be a string'),
  wellFormed,
  v.check((s) => codePoints(s) >= 1 && codePoints(s) <= MAX_NAME, `must be 1 to ${MAX_NAME} characters`),
);
const Description = v.pipe(
  v.string('must be a string'),
  wellFormed,
  v.check((s) => codePoints(s) <= MAX_DESCRIPTION, `must be at most ${MAX_DESCRIPTION} characters`),
);

/** Body of `POST /items`. Unknown fields are rejected. */
export const CreateItemBody = v.strictObject(
  { name: Name, description: v.optional(v.nullable(Description)) },
  'must be an object with only name and description',
);
export type CreateItemInput = v.InferOutput<typeof CreateItemBody>;

/** Body of `PATCH /items/{id}`: at least one field; `description: null` clears it. */
export const UpdateItemBody = v.pipe(
  v.strictObject(
    { name: v.optional(Name), description: v.optional(v.nullable(Description)) },
    'must be an object with only name and description',
  ),
  v.check((o) => Object.keys(o).length > 0, 'send at least one of name, description'),
);
export type UpdateItemInput = v.InferOutput<typeof UpdateItemBody>;

/** An item id in a path: a positive integer that fits in a JavaScript number. */
export const ItemId = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d{0,15}$/, 'must be a positive integer'),
  v.transform(Number),
  v.maxValue(Number.MAX_SAFE_INTEGER, 'is too large'),
);

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

/** Query string of `GET /items`. */
export const ListItemsQuery = v.strictObject(
  {
    limit: v.optional(
      v.pipe(v.string(), v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE}`), v.transform(Number), v.minValue(1, `must be from 1 to ${MAX_PAGE}`), v.maxValue(MAX_PAGE, `must be from 1 to ${MAX_PAGE}`)),
      String(DEFAULT_PAGE),
    ),
    cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,24}$/, 'is not a cursor from a previous page'))),
  },
  'only limit and cursor are accepted',
);

/** `Idempotency-Key` header: 1–128 visible ASCII characters without spaces. */
export const IdempotencyKey = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,128}$/, 'must be 1 to 128 visible ASCII characters'));
