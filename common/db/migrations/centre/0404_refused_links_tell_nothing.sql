-- Centre database: a refused link tells nothing of the act it names (issue 11, F4).
--
-- When a link of an act names an act held here that disagrees (another person,
-- another type), ecr._refuse_act used to give, with the rule, what the linked
-- act says (its child's sex, given names or date of birth, its event type).
-- The refusal rolls back the transaction, the database's read of that act
-- included, so nothing in the audit trail would show it: an agent could read
-- acts by drafting deaths.  The refusal now keeps the rule and the field, and
-- leaves the linked act's values out; the agent who wants to compare opens the
-- linked act, a read that is audited.  (The dictionary's sentences have a form
-- without the value: common/acts/messages.py.)
CREATE OR REPLACE FUNCTION ecr._refuse_act(p_event text, p_errors jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    told jsonb := (SELECT jsonb_agg(CASE WHEN e ->> 'rule' LIKE 'link\_%'
                                         THEN jsonb_set(e, '{params}', (e -> 'params') - 'linked')
                                         ELSE e END ORDER BY o)
                   FROM jsonb_array_elements(p_errors) WITH ORDINALITY AS x(e, o) WHERE o <= 20);
BEGIN
    PERFORM _refuse('EC009', told -> 0 ->> 'rule', told -> 0 ->> 'path',
                    jsonb_build_object('event_type', p_event, 'params', told -> 0 -> 'params',
                                       'errors', told));
END $$;
REVOKE ALL ON FUNCTION ecr._refuse_act(text, jsonb) FROM PUBLIC;
