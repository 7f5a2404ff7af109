-- Centre database: no age rule on a date of birth after the event (issue 13, bug 5).
--
-- A mother born after the child was refused twice: "is after the date of the
-- event" on her date of birth (_people), and "the mother would be -1 years old"
-- (_mother), the second only repeating the first as a negative age.  As
-- common/acts/plausibility.py now does (Check.age), a date of birth after the
-- event gives no age: the mother's age rule, the spouses' legal age and the
-- deceased's pregnancy-related and infant rules do not judge it, and the date
-- order rule alone reports it.  The function is 0402's otherwise.
CREATE OR REPLACE FUNCTION ecr._act_plausibility(p_event text, p_data jsonb, p_vals jsonb,
                                                 p_dates text[], p_objects text[], p_today date,
                                                 p_registered date, p_rules jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    k constant jsonb := _act_constants();
    ev act_events;
    errs jsonb := '[]';
    occurred date := (p_vals ->> 'occurred_on')::date;
    registered date;
    category text;
    deadline jsonb;
    path text;
    d date;
    born date;
    age integer;
    age_path text;
    n integer;
    m integer;
    person text;
    roles jsonb := '{}';
    child_born date;
    decision constant text := 'registration_court_decision';
BEGIN
    SELECT * INTO ev FROM act_events WHERE event_type = p_event;
    -- _dates: no date in the future, none before the oldest date
    FOREACH path IN ARRAY p_dates LOOP
        d := (p_vals ->> path)::date;
        IF d > p_today THEN
            errs := errs || _act_problem(path, 'date_in_future', jsonb_build_object('date', d));
        ELSIF d < (k ->> 'min_date')::date THEN
            errs := errs || _act_problem(path, 'date_too_old',
                                         jsonb_build_object('minimum', k ->> 'min_date'));
        END IF;
    END LOOP;
    -- _people: every person born before the event, an age that fits the date of birth
    IF occurred IS NOT NULL THEN
        FOREACH path IN ARRAY p_objects LOOP
            born := (p_vals ->> (path || '.birth_date'))::date;
            CONTINUE WHEN born IS NULL;
            IF born > occurred THEN
                IF p_event = 'death' AND path = ev.principal_person THEN
                    errs := errs || _act_problem(path || '.birth_date', 'death_before_birth',
                        jsonb_build_object('occurred', occurred, 'born', born));
                ELSE
                    errs := errs || _act_problem(path || '.birth_date', 'born_after_event',
                        jsonb_build_object('occurred', occurred));
                END IF;
                CONTINUE;
            END IF;
            age := (p_vals ->> (path || '.age'))::integer;
            IF age IS NOT NULL AND age <> _act_years(born, occurred) THEN
                errs := errs || _act_problem(path || '.age', 'age_inconsistent',
                    jsonb_build_object('expected', _act_years(born, occurred)));
            END IF;
        END LOOP;
    END IF;
    -- _registration: registered after the event; a court decision when delayed
    IF occurred IS NOT NULL THEN
        IF p_registered IS NOT NULL AND p_registered < occurred THEN
            errs := errs || _act_problem('occurred_on', 'registered_before_occurrence',
                                         jsonb_build_object('registered', p_registered));
        ELSE
            registered := coalesce(p_registered, p_today);
            IF registered >= occurred THEN
                deadline := coalesce(p_rules -> 'deadlines' -> p_event, p_rules -> 'default_deadline');
                n := registered - occurred;
                category := CASE WHEN n <= (deadline ->> 0)::integer THEN 'current'
                                 WHEN n <= (deadline ->> 1)::integer THEN 'late'
                                 ELSE 'delayed' END;
                IF category = 'delayed' AND coalesce(jsonb_typeof(p_data -> decision), 'null') = 'null'
                THEN
                    errs := errs || _act_problem(decision, 'court_decision_required',
                                                 jsonb_build_object('days', n));
                END IF;
                d := (p_vals ->> (decision || '.decision_date'))::date;
                IF d < occurred THEN
                    errs := errs || _act_problem(decision || '.decision_date',
                        'decision_before_occurrence', jsonb_build_object('occurred', occurred));
                ELSIF d > registered THEN
                    errs := errs || _act_problem(decision || '.decision_date',
                        'decision_after_registration', jsonb_build_object('registered', registered));
                END IF;
            END IF;
        END IF;
    END IF;
    -- _mother and _delivery (births and foetal deaths)
    IF ev.mother_path IS NOT NULL THEN
        person := ev.mother_path;
        born := (p_vals ->> (person || '.birth_date'))::date;
        IF born > occurred THEN
            age := NULL;  -- born after the event: refused by _people, no age to judge
        ELSIF born IS NOT NULL AND occurred IS NOT NULL THEN
            age := _act_years(born, occurred);
            age_path := person || '.birth_date';
        ELSE
            age := (p_vals ->> (person || '.age'))::integer;
            age_path := person || '.age';
        END IF;
        IF age < (p_rules ->> 'mother_age_refused_below')::integer
           OR age > (p_rules ->> 'mother_age_refused_above')::integer THEN
            errs := errs || _act_problem(age_path, 'mother_age_implausible', jsonb_build_object(
                'age', age, 'low', (p_rules ->> 'mother_age_refused_below')::integer,
                'high', (p_rules ->> 'mother_age_refused_above')::integer));
        END IF;
        n := (p_vals ->> (person || '.children_born_alive'))::integer;
        m := (p_vals ->> (person || '.children_still_living'))::integer;
        IF m > n THEN
            errs := errs || _act_problem(person || '.children_still_living', 'more_living_than_born',
                                         jsonb_build_object('born', n));
        END IF;
        IF p_event = 'birth' AND n = 0 THEN
            errs := errs || _act_problem(person || '.children_born_alive',
                                         'children_born_alive_excludes_this_child');
        END IF;
        d := (p_vals ->> (person || '.last_live_birth_on'))::date;
        IF d > occurred THEN
            errs := errs || _act_problem(person || '.last_live_birth_on', 'after_occurrence',
                                         jsonb_build_object('occurred', occurred));
        END IF;
        path := p_vals ->> 'birth_type';
        n := (p_vals ->> 'rank_in_delivery')::integer;
        IF path IS NOT NULL AND path <> k ->> 'not_stated' THEN
            IF n IS NULL THEN
                IF path <> 'single' THEN
                    errs := errs || _act_problem('rank_in_delivery', 'rank_required');
                END IF;
            ELSIF n > (k -> 'rank_limits' ->> path)::integer THEN
                errs := errs || _act_problem('rank_in_delivery', 'rank_exceeds_birth_type',
                                             jsonb_build_object('rank', n, 'birth_type', path));
            END IF;
        END IF;
    END IF;
    -- _death
    IF p_event = 'death' THEN
        person := ev.principal_person;
        born := (p_vals ->> (person || '.birth_date'))::date;
        age := CASE WHEN born > occurred THEN NULL
                    WHEN born IS NOT NULL AND occurred IS NOT NULL THEN _act_years(born, occurred)
                    ELSE (p_vals ->> (person || '.age'))::integer END;
        IF p_vals ? 'pregnancy_related' AND NOT coalesce(born > occurred, false) AND NOT coalesce(
                p_vals ->> (person || '.sex') = 'F'
                AND age BETWEEN (p_rules ->> 'pregnancy_related_min_age')::integer
                            AND (p_rules ->> 'pregnancy_related_max_age')::integer, false) THEN
            errs := errs || _act_problem('pregnancy_related', 'pregnancy_related_not_applicable',
                jsonb_build_object('low', (p_rules ->> 'pregnancy_related_min_age')::integer,
                                   'high', (p_rules ->> 'pregnancy_related_max_age')::integer));
        END IF;
        IF 'infant' = ANY (p_objects) AND age >= 1 THEN
            errs := errs || _act_problem('infant', 'infant_not_applicable');
        END IF;
    END IF;
    -- _marriage
    IF p_event = 'marriage' THEN
        FOREACH path IN ARRAY p_objects LOOP
            CONTINUE WHEN left(path, length('spouses[')) <> 'spouses[';
            born := (p_vals ->> (path || '.birth_date'))::date;
            IF born > occurred THEN
                age := NULL;  -- born after the marriage: refused by _people
            ELSIF born IS NOT NULL AND occurred IS NOT NULL THEN
                age := _act_years(born, occurred);
                age_path := path || '.birth_date';
            ELSE
                age := (p_vals ->> (path || '.age'))::integer;
                age_path := path || '.age';
            END IF;
            IF age < (p_rules ->> 'marriage_min_age')::integer THEN
                errs := errs || _act_problem(age_path, 'below_marriage_age', jsonb_build_object(
                    'age', age, 'minimum', (p_rules ->> 'marriage_min_age')::integer));
            END IF;
            IF p_vals ->> (path || '.previous_marital_status') = 'married'
               AND NOT (p_rules ->> 'polygamy_allowed')::boolean THEN
                errs := errs || _act_problem(path || '.previous_marital_status',
                                             'polygamy_not_allowed');
            END IF;
        END LOOP;
        IF p_vals ? 'matrimonial_regime' AND NOT (p_rules ->> 'matrimonial_regime_applies')::boolean
        THEN
            errs := errs || _act_problem('matrimonial_regime', 'not_applicable_by_law');
        END IF;
        IF p_vals ? 'polygamy_option' AND NOT (p_rules ->> 'polygamy_allowed')::boolean THEN
            errs := errs || _act_problem('polygamy_option', 'not_applicable_by_law');
        END IF;
    END IF;
    -- _dissolution
    IF k -> 'dissolutions' ? p_event THEN
        d := (p_vals ->> 'marriage_date')::date;
        IF d IS NOT NULL THEN
            IF d > occurred THEN
                errs := errs || _act_problem('marriage_date', 'marriage_after_dissolution',
                                             jsonb_build_object('occurred', occurred));
            END IF;
            IF (p_vals ->> 'court.decision_date')::date < d THEN
                errs := errs || _act_problem('court.decision_date', 'decision_before_marriage',
                                             jsonb_build_object('married', d));
            END IF;
        END IF;
    END IF;
    -- _filiation
    IF k -> 'filiations' ? p_event THEN
        child_born := (p_vals ->> 'child.birth_date')::date;
        FOREACH path IN ARRAY p_objects LOOP
            CONTINUE WHEN left(path, length('parents[')) <> 'parents[';
            person := p_vals ->> (path || '.role');
            IF (person, p_vals ->> (path || '.sex')) IN (('mother', 'M'), ('father', 'F')) THEN
                errs := errs || _act_problem(path || '.role', 'role_sex_mismatch');
            END IF;
            IF person IN ('mother', 'father') THEN
                IF roles ? person AND p_event <> 'adoption' THEN
                    errs := errs || _act_problem(path || '.role', 'duplicate_parent_role');
                END IF;
                roles := roles || jsonb_build_object(person, path);
            END IF;
            born := (p_vals ->> (path || '.birth_date'))::date;
            IF born >= child_born THEN
                errs := errs || _act_problem(path || '.birth_date', 'parent_born_after_child',
                                             jsonb_build_object('born', child_born));
            END IF;
        END LOOP;
    END IF;
    RETURN jsonb_build_object('errors', errs, 'timeliness', category);
END $$;
REVOKE ALL ON FUNCTION ecr._act_plausibility(text, jsonb, jsonb, text[], text[], date, date, jsonb)
    FROM PUBLIC;
