"""The PDF renderer: a resolved Leaflet + Layout -> PDF bytes (ReportLab).

ReportLab is imported here and nowhere earlier, so that `carepress --help`, `list` and
`check` stay fast.
"""

from carepress.typeset.reportlab_import import import_paragraph_module

import_paragraph_module()  # before anything below imports ReportLab's platypus

from carepress.typeset.document import typeset  # noqa: E402 - after the line above

__all__ = ["typeset"]
