from tessera.licensing.service import violations

LIMITS = {"users": {"value": 200, "mode": "soft", "overage_ratio": 1.1, "alert_thresholds": [80, 100]},
          "departments": {"value": 20, "mode": "hard", "overage_ratio": 1.0, "alert_thresholds": [80, 100]},
          "api_rate": {"value": 300, "mode": "advisory", "overage_ratio": 1.0, "alert_thresholds": [100]}}


def test_thresholds_and_enforcement_modes() -> None:
    assert violations({"users": 100, "departments": 5}, LIMITS) == []
    found = {v.limit: v for v in violations({"users": 170, "departments": 21, "api_rate": 900}, LIMITS)}
    assert (found["users"].threshold, found["users"].over) == (80, False)
    assert (found["departments"].over, found["departments"].allowed_up_to) == (True, 20)
    assert (found["api_rate"].over, found["api_rate"].threshold) == (False, 100)  # advisory never blocks
    soft = {v.limit: v for v in violations({"users": 215}, LIMITS)}["users"]
    assert (soft.over, soft.allowed_up_to, soft.threshold) == (False, 220, 100)  # within the 10 % overage
    assert {v.limit: v for v in violations({"users": 221}, LIMITS)}["users"].over is True
