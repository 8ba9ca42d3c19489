# Infra tools, each in its own virtualenv: the SAM CLI pins boto3 and pydantic differently from the
# project, and checkov pulls in a large tree of its own.
TOOLS := .tools
SAM := $(TOOLS)/sam/bin/sam
CFN_LINT := $(TOOLS)/sam/bin/cfn-lint
CHECKOV := $(TOOLS)/checkov/bin/checkov

$(SAM):
	$(PYTHON) -m venv $(TOOLS)/sam
	$(TOOLS)/sam/bin/pip install -q aws-sam-cli==1.170.0 cfn-lint==1.58.0

$(CHECKOV):
	$(PYTHON) -m venv $(TOOLS)/checkov
	$(TOOLS)/checkov/bin/pip install -q checkov==3.3.30

.PHONY: infra-tools sam-build
infra-tools: $(SAM) $(CHECKOV)

sam-build: $(SAM)
	SAM_CLI_TELEMETRY=0 $(SAM) build --template template.yaml
