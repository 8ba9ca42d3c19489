"""Reporting: read models kept from DynamoDB Streams (Fast Lead analytics) and export jobs (CSV/XLSX in S3)."""
