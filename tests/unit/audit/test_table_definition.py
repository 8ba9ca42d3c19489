"""The test table and template.yaml's AuditTable must not drift apart."""

from __future__ import annotations

import pytest

from tests.unit.audit.tables import definition
from tests.unit.conftest import ROOT


def test_template_declares_the_table_the_tests_use() -> None:
    from localcloud.template import load_yaml

    resource = load_yaml(ROOT / "template.yaml")["Resources"].get("AuditTable")
    if resource is None:
        pytest.skip("AuditTable is not in template.yaml yet")
    props, expected = resource["Properties"], definition()
    assert sorted(props["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
    assert props["KeySchema"] == expected["KeySchema"]
    indexes = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in props["GlobalSecondaryIndexes"]}
    assert indexes == {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in expected["GlobalSecondaryIndexes"]}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "DataKey"}
