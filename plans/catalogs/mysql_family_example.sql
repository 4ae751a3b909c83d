-- The example schema behind the MySQL-family example catalogs in this folder.
-- Made on MariaDB 10.11 with: CREATE DATABASE <db>; USE <db>; SOURCE this file;
-- then `sluice inspect`; the MySQL, OceanBase and TiDB snapshots are the same
-- catalog with "dialect" and "server_version" set to those engines'.
CREATE TABLE customers (
  id int unsigned NOT NULL AUTO_INCREMENT,
  email varchar(190) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  full_name varchar(200) NOT NULL DEFAULT '',
  status enum('new','active','closed') NOT NULL DEFAULT 'new',
  flags set('vip','press','staff') DEFAULT NULL,
  birthday date DEFAULT NULL,
  created_at datetime(6) NOT NULL DEFAULT current_timestamp(6),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  profile json DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY customers_email (email),
  KEY customers_name (full_name(20))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='people who buy';
CREATE TABLE orders (
  id bigint NOT NULL AUTO_INCREMENT,
  customer_id int unsigned NOT NULL,
  total decimal(12,2) NOT NULL CHECK (total >= 0),
  currency char(3) NOT NULL DEFAULT 'EUR',
  weight double DEFAULT NULL,
  paid tinyint(1) NOT NULL DEFAULT 0,
  note text,
  total_cents bigint GENERATED ALWAYS AS (total * 100) STORED,
  placed_on date NOT NULL,
  PRIMARY KEY (id, placed_on),
  KEY orders_customer (customer_id),
  FULLTEXT KEY orders_note (note)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE (year(placed_on)) (
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025),
  PARTITION pmax VALUES LESS THAN MAXVALUE);
CREATE TABLE order_items (
  order_id bigint NOT NULL,
  line smallint NOT NULL,
  sku varchar(40) NOT NULL,
  qty mediumint NOT NULL DEFAULT 1,
  price decimal(10,2) NOT NULL,
  picture blob,
  PRIMARY KEY (order_id, line),
  CONSTRAINT items_sku_nonempty CHECK (sku <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `select` (
  `key` int NOT NULL,
  `väl ue` varchar(20) DEFAULT NULL,
  `it's` year DEFAULT NULL,
  PRIMARY KEY (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE audit_log (
  at datetime NOT NULL,
  who varchar(64) NOT NULL,
  what varbinary(255) DEFAULT NULL,
  bits bit(8) DEFAULT b'00000101'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE tmp_import (id int PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE orders_bak (id int PRIMARY KEY) ENGINE=InnoDB;
CREATE TABLE addresses (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id int unsigned NOT NULL,
  line1 varchar(200) NOT NULL,
  CONSTRAINT addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE VIEW paid_orders AS SELECT o.id, o.total, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.paid = 1;
