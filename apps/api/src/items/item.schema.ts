import * as v from 'valibot';
import { text } from '../kit';

export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 2_000;

const Name = text({ min: 1, max: MAX_NAME });
const Description = text({ max: MAX_DESCRIPTION });

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
