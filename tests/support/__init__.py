"""Test support: real-service helpers shared by the test suites."""
