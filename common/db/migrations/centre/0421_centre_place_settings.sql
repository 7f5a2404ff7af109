-- Where the centre is, in words, for its documents (issue 13, bug 7).
--
-- Copies printed "Délivré à Centre d'état civil de démonstration" (the
-- centre's name standing in for a place) and an empty [@country_name]: no
-- setting held the country, the locality or the administrative area by name.
-- Three officer settings of a new kind 'text' (one line of at most 200
-- characters, no control or direction-override characters, no spaces around):
--   centre.country_name   "République du Sénégal": the heading of documents
--   centre.locality       "Thiès": where a document is issued ("Délivré à …")
--   centre.area_name      "Région de Thiès — Commune de Thiès Nord"
-- Empty by default: a document then leaves the line out (printdesigner).

ALTER TABLE ecr.settings DROP CONSTRAINT settings_kind_check;
ALTER TABLE ecr.settings ADD CONSTRAINT settings_kind_check
    CHECK (kind IN ('minutes', 'timeliness', 'age', 'currency', 'text'));

INSERT INTO ecr.settings (key, kind, value) VALUES
    ('centre.country_name', 'text', '""'),
    ('centre.locality', 'text', '""'),
    ('centre.area_name', 'text', '""');

CREATE OR REPLACE FUNCTION ecr.setting_set(p_token uuid, p_key text, p_value jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.change');
    k text;
    good boolean;
BEGIN
    SELECT kind INTO k FROM settings WHERE key = p_key FOR UPDATE;
    IF k IS NULL THEN
        PERFORM _refuse('EC005', 'bad_setting', 'key', jsonb_build_object('key', p_key));
    END IF;
    good := CASE k
        WHEN 'minutes' THEN jsonb_typeof(p_value) = 'number'
                            AND (p_value #>> '{}')::numeric BETWEEN 1 AND 1440
                            AND (p_value #>> '{}')::numeric = round((p_value #>> '{}')::numeric)
        WHEN 'age' THEN jsonb_typeof(p_value) = 'number'
                        AND (p_value #>> '{}')::numeric BETWEEN 10 AND 30
                        AND (p_value #>> '{}')::numeric = round((p_value #>> '{}')::numeric)
        WHEN 'currency' THEN jsonb_typeof(p_value) = 'string'
                             AND (p_value #>> '{}') ~ '^[A-Z]{3}$'
        WHEN 'timeliness' THEN jsonb_typeof(p_value -> 'current_days') = 'number'
                               AND jsonb_typeof(p_value -> 'late_days') = 'number'
                               AND (p_value ->> 'current_days')::numeric >= 1
                               AND (p_value ->> 'late_days')::numeric
                                   >= (p_value ->> 'current_days')::numeric
        -- a name printed on documents: one line, no control or bidi-override characters
        WHEN 'text' THEN jsonb_typeof(p_value) = 'string'
                         AND char_length(p_value #>> '{}') <= 200
                         AND (p_value #>> '{}') = btrim(p_value #>> '{}')
                         AND (p_value #>> '{}') !~ '[[:cntrl:]\u200b-\u200f\u202a-\u202e\u2066-\u2069]'
        ELSE false END;
    IF NOT coalesce(good, false) THEN
        PERFORM _refuse('EC005', 'bad_setting_value', p_key, jsonb_build_object('key', p_key));
    END IF;
    UPDATE settings SET value = p_value WHERE key = p_key;
    PERFORM _audit(a, 'settings.change', NULL, jsonb_build_object(p_key, p_value));
END $$;
