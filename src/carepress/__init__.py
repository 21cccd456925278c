"""carepress: printable, clinic-branded patient leaflets from YAML handouts that quote sources.

The public API is small: load a project, then build or check it.

    >>> project = load_project(Path("."))
    >>> report = build(project, Path("dist"))
"""

from carepress.build import BuildReport, Filters, build, check, plan
from carepress.errors import CarepressError, Diagnostic, UsageError
from carepress.load import Project, load_project

__version__ = "0.1.0"

__all__ = ["BuildReport", "CarepressError", "Diagnostic", "Filters", "Project", "UsageError",
           "__version__", "build", "check", "load_project", "plan"]
