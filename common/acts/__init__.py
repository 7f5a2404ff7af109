"""Civil-status acts: the data dictionary, validation, NIU, timeliness, act JSON.

Pure code: this package imports no I/O library (no database, broker, file or GUI
library) and never performs I/O; callers pass in everything it needs.  Import
the modules themselves (``from common.acts.dictionary import EVENTS, event``).
"""
