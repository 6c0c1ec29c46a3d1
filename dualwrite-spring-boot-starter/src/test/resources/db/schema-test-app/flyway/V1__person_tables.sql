-- An application's own first migration, beside dualwrite's (AbstractSchemaToolsTest).
CREATE TABLE person_full (id BIGINT PRIMARY KEY, name VARCHAR(100));
CREATE TABLE person_split (id BIGINT PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100));
