"""Vital statistics: typed analysis views, UN tabulations and derived measures.

The SQL lives in PostgreSQL views so that statisticians read them directly
(psql, R, pandas, a spreadsheet) as the read-only role ``ecr_stats``.  All of it
is defined over ONE source relation, ``stats_source.acts(act_id, centre_code,
event_type, status, registered_on, occurred_on, timeliness, data jsonb)``: the
centre creates it over its own act table, the SCEC over its central table, and
the same generated SQL then builds the same views at both levels.

* ``views``        typed per-event views, generated from the data dictionary;
* ``tabulations``  the P&R Rev.3 minimum tabulations (LB-, DE-, MA-, DI-, ST-);
* ``measures``     timeliness, completeness, rates, ratios, shares;
* ``catalogue``    every published table with its title, for the CLI and GUI;
* ``sqlgen``       assembles the generated migration (``tools/gen_stats_sql.py``);
* ``reader``       reads a published table through a connection or a session;
* ``charts``       matplotlib figures of the main tables (no GUI toolkit).

This package never imports a GUI toolkit and never opens a connection itself.
"""
