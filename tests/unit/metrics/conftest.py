from tests.unit.cli.conftest import cli

__all__ = ["cli"]
