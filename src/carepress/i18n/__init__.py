"""Translations: units, staleness, review status, gettext PO export and import.

The translator's loop: `carepress i18n export --lang es` writes a PO file that any
translation tool opens (`--template`: the POT of the English alone); `carepress i18n
import FILE.po` merges it back into ``handouts/translations/es/*.yaml`` and
``layouts/strings/es.yaml``; `carepress i18n status` shows what is missing or stale.
"""
