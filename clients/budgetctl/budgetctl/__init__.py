"""budgetctl: deploys of IT Budget Manager to clients' servers from the `deployments` repository
(seed 001): its model and validation, the Compose and Helm packages rendered per client and release."""
