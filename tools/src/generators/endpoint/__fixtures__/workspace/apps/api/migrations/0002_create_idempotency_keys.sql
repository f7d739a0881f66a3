CREATE TABLE idempotency_keys (
  scope VARCHAR(64) NOT NULL,
  idempotency_key VARBINARY(128) NOT NULL,
  PRIMARY KEY (scope, idempotency_key)
) ENGINE = InnoDB;
