"""The country's PKI: certificate authority, centre keys, enrollment, revocation.

``authority`` makes certificates and revocation lists, ``keys`` stores private
keys encrypted at rest, ``centre`` is a centre's keys folder, ``enrollment`` the
messages of online/offline enrollment, ``verify`` the offline checks (also used
for printed copies).  See ``docs/pki.md``.
"""
