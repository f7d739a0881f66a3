-- Idempotency keys: the answer given to each (scope, key) for 24 hours, so that a retry gets that answer
-- again, also after the record it created was deleted. Keys are opaque and compared byte for byte (VARBINARY).
-- Expired rows are treated as unused and purged a few at a time by the api (index on expires_at).
CREATE TABLE idempotency_keys (
  scope VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  idempotency_key VARBINARY(128) NOT NULL,
  request_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status SMALLINT UNSIGNED NOT NULL,
  response_body MEDIUMBLOB NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  PRIMARY KEY (scope, idempotency_key),
  KEY ix_idempotency_keys_expires_at (expires_at)
) ENGINE = InnoDB;
