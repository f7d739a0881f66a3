-- The keys stored on items move to idempotency_keys with the answer their create gave (201 and the item as
-- the API returns it: its updatedAt was its createdAt then), valid for 24 hours after the item was created.
INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, status, response_body, created_at, expires_at)
SELECT
  'items',
  CONVERT(idempotency_key USING binary),
  request_hash,
  201,
  CONVERT(JSON_OBJECT(
    'id', id,
    'name', name,
    'description', description,
    'createdAt', CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'),
    'updatedAt', CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')
  ) USING utf8mb4),
  created_at,
  created_at + INTERVAL 1 DAY
FROM items
WHERE idempotency_key IS NOT NULL AND request_hash IS NOT NULL;
