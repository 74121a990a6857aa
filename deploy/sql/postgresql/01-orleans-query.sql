-- Verge.Orleans schema, PostgreSQL, part 1 of 4: the query catalogue.
--
-- Orleans' ADO.NET providers hold no SQL of their own. At start each provider runs
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and afterwards executes, for every operation, the text stored under a fixed key, binding its
-- parameters by name (@Name). The table and column names are therefore fixed by Orleans; the
-- identifiers are left unquoted so that PostgreSQL folds them to lower case, and Npgsql's
-- case-insensitive column lookup still finds "QueryKey"/"QueryText".
--
-- Idempotent: safe to run at every start.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT pk_orleans_query PRIMARY KEY (QueryKey)
);
