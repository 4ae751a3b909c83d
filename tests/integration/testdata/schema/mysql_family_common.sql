-- A MySQL-family schema in the syntax MySQL 8, TiDB, OceanBase (MySQL mode)
-- and MariaDB all accept, for tests/integration/schema_translation_test.cc:
-- read from MariaDB as if it were a TiDB or OceanBase source. No MariaDB-only
-- types (UUID, INET4/6) and no MariaDB-only syntax.
CREATE TABLE accounts (
  id bigint NOT NULL AUTO_INCREMENT,
  login varchar(64) NOT NULL,
  display_name varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
  kind enum('user','admin') NOT NULL DEFAULT 'user',
  flags set('a','b','c') DEFAULT NULL,
  balance decimal(18,4) NOT NULL DEFAULT 0.0000,
  rating double DEFAULT NULL,
  active tinyint(1) NOT NULL DEFAULT 1,
  counter int unsigned NOT NULL DEFAULT 0,
  bio text,
  avatar mediumblob,
  born date DEFAULT NULL,
  created datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  yr year DEFAULT NULL,
  settings json DEFAULT NULL,
  login_upper varchar(64) GENERATED ALWAYS AS (upper(login)) VIRTUAL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_login (login),
  KEY ix_created (created),
  KEY ix_bio (bio(32)),
  CONSTRAINT ck_balance CHECK (balance >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='accounts';

CREATE TABLE `select` (
  `from` int NOT NULL,
  `account id` bigint NOT NULL,
  `naïve "quote"` varchar(20) DEFAULT 'x''y',
  PRIMARY KEY (`from`),
  KEY `ix account` (`account id`),
  CONSTRAINT `fk account` FOREIGN KEY (`account id`) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE events (
  id bigint NOT NULL,
  at date NOT NULL,
  payload varchar(255),
  PRIMARY KEY (id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE COLUMNS (at) (
  PARTITION p2023 VALUES LESS THAN ('2024-01-01'),
  PARTITION pmax VALUES LESS THAN (MAXVALUE)
);

CREATE TABLE notes (body varchar(500), created datetime DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE VIEW v_admins AS SELECT id, login FROM accounts WHERE kind = 'admin';
CREATE VIEW v_admin_logins AS SELECT login FROM v_admins;
