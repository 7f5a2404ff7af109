-- Statistics, part 6: the statistics actions join the one permissions table.
--
-- 0103 checked the reader's and the officer's roles inline.  Now reading and
-- entering statistics are rows of ecr.permissions like every other action, so
-- the database, ecr_tk/services/permissions.py (the windows hide what a role may
-- not do) and docs/roles-and-workflow.md agree; a test checks they do.

INSERT INTO ecr.permissions (role, action) VALUES
    ('secretary', 'stats.read'), ('officer', 'stats.read'),
    ('officer', 'stats.expected.set'),
    ('officer', 'stats.population.set'),
    ('officer', 'stats.urban_rural.set');

CREATE OR REPLACE FUNCTION stats._reader(p_token uuid) RETURNS ecr.actor
LANGUAGE plpgsql SET search_path = stats, pg_temp AS $$
BEGIN
    RETURN ecr._actor(p_token, 'stats.read');
END $$;

CREATE OR REPLACE FUNCTION stats._officer(p_token uuid, p_action text) RETURNS ecr.actor
LANGUAGE plpgsql SET search_path = stats, pg_temp AS $$
BEGIN
    RETURN ecr._actor(p_token, p_action);
END $$;
