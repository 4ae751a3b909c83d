-- A rich MariaDB schema for tests/integration/schema_translation_test.cc,
-- created in a fresh database that is the session's default database (names
-- below are unqualified). Every common column type, AUTO_INCREMENT, defaults
-- (literal, expression, ON UPDATE), ENUM and SET, JSON, generated columns,
-- prefix, unique, fulltext and descending indexes, CHECKs, foreign keys, views
-- on views, a partitioned table, a table without a key, and names that need
-- quoting (quotes, spaces, unicode, reserved words).
CREATE TABLE customers (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  email varchar(200) NOT NULL,
  name varchar(100) NOT NULL DEFAULT 'it''s',
  status enum('sad','ok','it''s happy') NOT NULL DEFAULT 'ok',
  perms set('read','write','admin') DEFAULT 'read',
  balance decimal(12,2) NOT NULL DEFAULT 0.00,
  score double DEFAULT 1.5,
  ratio float,
  tiny tinyint DEFAULT -5,
  small smallint unsigned,
  medium mediumint,
  plain int DEFAULT 42,
  big bigint,
  flag tinyint(1) NOT NULL DEFAULT 1,
  code char(3) CHARACTER SET ascii COLLATE ascii_bin,
  note text,
  bio mediumtext,
  essay longtext,
  tiny_note tinytext,
  created datetime(3) NOT NULL DEFAULT current_timestamp(3),
  updated timestamp NULL DEFAULT NULL ON UPDATE current_timestamp(),
  birth date DEFAULT '2000-01-01',
  wake time(2),
  yr year,
  doc json,
  avatar blob,
  thumb mediumblob,
  raw varbinary(16),
  fixed binary(4),
  bits bit(8) DEFAULT b'101',
  uid uuid,
  ip4 inet4,
  ip6 inet6,
  name_len int GENERATED ALWAYS AS (char_length(name)) VIRTUAL,
  email_domain varchar(200) GENERATED ALWAYS AS (lower(email)) STORED,
  PRIMARY KEY (id),
  UNIQUE KEY uq_email (email),
  KEY ix_name_prefix (name(10)),
  KEY ix_created_desc (created DESC),
  KEY ix_domain (email_domain),
  FULLTEXT KEY ft_note (note),
  CONSTRAINT ck_balance CHECK (balance >= 0),
  CONSTRAINT ck_tiny CHECK (tiny BETWEEN -100 AND 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='people who buy';

CREATE TABLE orders (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id bigint unsigned NOT NULL,
  placed date NOT NULL,
  total decimal(14,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  state varchar(20) NOT NULL DEFAULT 'new',
  KEY ix_customer (customer_id, id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Reserved words, quotes, spaces and unicode in names; a composite FK.
CREATE TABLE `order items "ü"` (
  order_id int NOT NULL,
  customer_id bigint unsigned NOT NULL,
  line int NOT NULL,
  `select` varchar(50),
  `we"ird col ü` int DEFAULT 7,
  `Mixed Case` varchar(10) COMMENT 'it''s mixed',
  qty smallint NOT NULL DEFAULT 1,
  PRIMARY KEY (order_id, line),
  KEY `ix "select" ü` (`select`, `we"ird col ü`),
  CONSTRAINT `fk "orders"` FOREIGN KEY (customer_id, order_id) REFERENCES orders (customer_id, id)
    ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT `ck qty` CHECK (qty > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A range-partitioned table.
CREATE TABLE measurements (
  id bigint NOT NULL,
  taken date NOT NULL,
  value double,
  PRIMARY KEY (id, taken)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE COLUMNS (taken) (
  PARTITION p2023 VALUES LESS THAN ('2024-01-01'),
  PARTITION p2024 VALUES LESS THAN ('2025-01-01'),
  PARTITION pmax VALUES LESS THAN (MAXVALUE)
);

-- No primary or unique key: the target gets a hidden key.
CREATE TABLE audit_log (at datetime DEFAULT current_timestamp(), who varchar(50), msg text) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Views on views.
CREATE VIEW v_active AS SELECT id, email, status FROM customers WHERE status <> 'sad';
CREATE VIEW v_active_emails AS SELECT email FROM v_active;
CREATE VIEW v_order_totals AS
  SELECT c.id, c.name, count(o.id) AS orders, coalesce(sum(o.total), 0) AS total
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.name;
CREATE VIEW `big spenders` AS SELECT id, name FROM v_order_totals WHERE total > 100;
