CREATE TABLE IF NOT EXISTS customer (
    id        BIGINT       NOT NULL PRIMARY KEY,
    full_name VARCHAR(200) NOT NULL,
    email     VARCHAR(200)
);

CREATE TABLE IF NOT EXISTS customer_name (
    customer_id BIGINT       NOT NULL PRIMARY KEY,
    first_name  VARCHAR(100) NOT NULL,
    last_name   VARCHAR(100) NOT NULL
);
