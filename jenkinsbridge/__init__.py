"""jenkinsbridge: delivery pipelines on Jenkins and Docker from a small spec."""

__version__ = "0.1.0"

__all__ = ["__version__"]
