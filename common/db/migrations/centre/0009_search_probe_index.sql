-- Centre database, part 9: the per-act probe of name search is index-only.
--
-- When a search has several name words, the first drives and each other word
-- is checked per candidate act with EXISTS on ecr.act_person_keys by act_id;
-- covering (act_id, role, part, key) answers it from the index alone.
DROP INDEX ecr.act_person_keys_act;
CREATE INDEX act_person_keys_act ON ecr.act_person_keys (act_id, role, part, key);
