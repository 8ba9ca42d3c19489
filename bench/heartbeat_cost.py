"""The AWS cost of one million heartbeats, from the calls measured per request (bench/aws_calls.py)
and AWS list prices (us-east-1, on-demand, after the November 2024 DynamoDB on-demand price cut)."""

from __future__ import annotations

PRICES = {  # USD
    "http_api_per_million": 1.00,
    "lambda_request_per_million": 0.20,
    "lambda_arm_gb_second": 0.0000133334,
    "sqs_request_per_million": 0.40,
    "dynamodb_write_unit_per_million": 0.625,
    # SnapStart for Python: per GB restored. Its cache (0.0000015046 per GB-second, about 1.95 a month for
    # the 512 MB endpoint) is paid per month whatever the traffic, so it is not a per-heartbeat cost.
    "snapstart_restore_gb": 0.0001397998,
}
ASSUMPTIONS = {
    "endpoint_ms": 20,  # warm endpoint duration at 512 MB (verify two signatures, sign the receipt, SendMessage)
    "endpoint_gb": 0.5,
    "worker_batch": 100,  # SQS batch size of the worker
    "worker_ms_per_batch": 800,
    "worker_gb": 0.5,
    "write_units_per_heartbeat": 1,  # ≤ 1 UpdateItem of an item under 1 KB; coalescing only lowers it
    "restores_per_million": 100,  # new endpoint environments (SnapStart restores) per million heartbeats
}


def cost_per_million(sqs_calls_per_request: int) -> tuple[float, list[tuple[str, float]]]:
    p, a = PRICES, ASSUMPTIONS
    batches = 1_000_000 / a["worker_batch"]
    lines = [
        ("API Gateway HTTP API requests", p["http_api_per_million"]),
        ("endpoint Lambda requests", p["lambda_request_per_million"]),
        ("endpoint Lambda duration",
         1_000_000 * a["endpoint_ms"] / 1000 * a["endpoint_gb"] * p["lambda_arm_gb_second"]),
        ("endpoint SnapStart restores", a["restores_per_million"] * a["endpoint_gb"] * p["snapstart_restore_gb"]),
        ("SQS SendMessage", sqs_calls_per_request * p["sqs_request_per_million"]),
        ("SQS receive + delete (batched)", 2 * batches / 1_000_000 * p["sqs_request_per_million"]),
        ("worker Lambda requests + duration", batches / 1_000_000 * p["lambda_request_per_million"]
         + batches * a["worker_ms_per_batch"] / 1000 * a["worker_gb"] * p["lambda_arm_gb_second"]),
        ("DynamoDB writes", a["write_units_per_heartbeat"] * p["dynamodb_write_unit_per_million"]),
    ]
    return sum(cost for _, cost in lines), lines
