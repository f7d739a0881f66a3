-- Idempotency keys live in idempotency_keys now (0002, 0003). Dropping idempotency_key drops its unique index.
ALTER TABLE items DROP COLUMN idempotency_key, DROP COLUMN request_hash;
