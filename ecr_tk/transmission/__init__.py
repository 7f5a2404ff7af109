"""The centre's transmission to the SCEC: outbox → containers → MQTT or T2D → receipts.

``core`` decides (sans-IO), ``store`` is the database adapter, ``sealing`` holds
the centre's keys, ``transmitter`` is the MQTT loop, ``t2d`` the removable-media
carrier and ``service`` the composition used by the CLI and the desktop
application.  Protocol: docs/protocol.md.
"""
