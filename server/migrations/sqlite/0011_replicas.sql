-- Issue 12: what several Wharf replicas on one database share instead of memory.

-- Failed sign-ins and API-key attempts by key (a user name), for the throttle that slows
-- guessing: shared, so an attacker gains nothing by spreading attempts over replicas.
CREATE TABLE auth_failures (
    key       TEXT    PRIMARY KEY,
    failures  BIGINT  NOT NULL,
    last_at   BIGINT  NOT NULL
);

-- The replica running an import job holds its lease and renews it (a heartbeat); when
-- the replica dies, the lease runs out and another replica claims the job.
ALTER TABLE import_jobs ADD COLUMN lease_holder TEXT;
ALTER TABLE import_jobs ADD COLUMN lease_until BIGINT;

-- Named leases for "one replica at a time" work (the garbage collector).
CREATE TABLE leases (
    name         TEXT    PRIMARY KEY,
    holder       TEXT    NOT NULL,
    expires_at   BIGINT  NOT NULL
);
