"""Load stage: YAML files on disk -> typed, validated model objects."""

from carepress.load.project import Project, load_project

__all__ = ["Project", "load_project"]
