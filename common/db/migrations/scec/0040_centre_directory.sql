-- SCEC central database: what the ministry knows of each centre beyond its code
-- and name (bulk enrollment, supervision by region).
ALTER TABLE centre
    ADD COLUMN region text NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    ADD COLUMN contact text NOT NULL DEFAULT '' CHECK (length(contact) <= 200);
CREATE INDEX centre_region ON centre (region, code);
