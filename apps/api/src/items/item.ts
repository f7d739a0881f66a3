import { isoString } from '../kit';

/** An item as the API returns it. */
export interface Item {
  id: number;
  name: string;
  description: string | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  updatedAt: string;
}

/** A row of the `items` table. */
export interface ItemRow {
  id: number | string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

export const toItem = (row: ItemRow): Item => ({
  id: Number(row.id),
  name: row.name,
  description: row.description,
  createdAt: isoString(row.created_at),
  updatedAt: isoString(row.updated_at),
});
