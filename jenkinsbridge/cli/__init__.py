"""The jenkinsbridge command line."""
