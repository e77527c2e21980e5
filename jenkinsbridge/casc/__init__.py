"""Configuration as code for the Jenkins controller: JCasC YAML from a spec."""
