"""Deploys of client installations from the portal (issue 12): releases, installations, deploy runs
driven by statemachines/deploy.asl.json, and the commands the installation's agent fetches."""
