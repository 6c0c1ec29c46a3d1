-- The sample's tables. Idempotent: applied at every start (spring.sql.init.mode=always).
-- Before: a customer with its name in one column and a single subscription in three more.
CREATE TABLE IF NOT EXISTS customer (
    id        BIGINT       NOT NULL PRIMARY KEY,
    full_name VARCHAR(200),
    email     VARCHAR(200)
);
-- The name accepts NULL: the name split's store shares the customer row, and clears the name when a rollback
-- deletes a name (the customer, whose email the application keeps, stays). Earlier versions declared it NOT NULL.
ALTER TABLE customer ALTER COLUMN full_name DROP NOT NULL;
-- The subscription columns accept NULL: deleting a customer's subscription clears them (the customer stays).
ALTER TABLE customer ADD COLUMN IF NOT EXISTS plan VARCHAR(40) DEFAULT 'free';
ALTER TABLE customer ADD COLUMN IF NOT EXISTS status VARCHAR(20) DEFAULT 'active';
ALTER TABLE customer ADD COLUMN IF NOT EXISTS renewal_date DATE;
-- Databases created by an earlier version of the sample declared them NOT NULL.
ALTER TABLE customer ALTER COLUMN plan DROP NOT NULL;
ALTER TABLE customer ALTER COLUMN status DROP NOT NULL;
-- Ids of customers created without one (POST /customers): the name-split migration's key sequence, the one source of
-- generated ids in every phase. It starts above the ids PUT accepts (below 100000000) and stops below the added
-- subscriptions' ids (from 1000000000, which must never be a customer's id). The default (written as PostgreSQL
-- writes it, which H2 accepts too) makes every insert that leaves the id out draw from it as well.
CREATE SEQUENCE IF NOT EXISTS customer_id START WITH 100000000 MAXVALUE 999999999;
ALTER TABLE customer ALTER COLUMN id SET DEFAULT nextval('customer_id');

-- After, migration customer-name-split: the name in two columns of its own table.
CREATE TABLE IF NOT EXISTS customer_name (
    customer_id BIGINT       NOT NULL PRIMARY KEY,
    first_name  VARCHAR(100) NOT NULL,
    last_name   VARCHAR(100) NOT NULL
);

-- After, migration subscriptions: subscriptions in their own table, several per customer allowed. A customer's
-- legacy subscription keeps the customer's id as its own.
CREATE TABLE IF NOT EXISTS subscription (
    id           BIGINT      NOT NULL PRIMARY KEY,
    customer_id  BIGINT      NOT NULL,
    plan         VARCHAR(40) NOT NULL,
    status       VARCHAR(20) NOT NULL,
    renewal_date DATE
);
CREATE INDEX IF NOT EXISTS subscription_customer ON subscription (customer_id);
-- Ids of the subscriptions added in the new model (a customer's second one): above every customer id.
CREATE SEQUENCE IF NOT EXISTS subscription_id START WITH 1000000000;
