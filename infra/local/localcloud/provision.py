"""Create the template's resources in moto, in dependency order, and record the physical ids moto
hands out (key ids, stream ARNs, queue URLs, secret ARNs) so intrinsics resolve to them."""

from __future__ import annotations

import json
import secrets
import string
import time
from collections.abc import Callable
from typing import Any

import boto3

from localcloud.template import REGION, Template, TemplateError


def _client(service: str, endpoint_url: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint_url, region_name=REGION)


def provision(template: Template, endpoint_url: str, log: Callable[[str], None] = print) -> None:
    started = time.perf_counter()
    _keys(template, endpoint_url)
    _tables(template, endpoint_url)
    _queues(template, endpoint_url)
    _topics(template, endpoint_url)
    _buckets(template, endpoint_url)
    _email(template, endpoint_url)
    _secrets(template, endpoint_url)
    _state_machines(template, endpoint_url)
    _alarms(template, endpoint_url)
    log(f"localcloud: provisioned {len(template.tables)} tables, {len(template.queues)} queues, "
        f"{len(template.topics)} topics, {len(template.keys)} keys, {len(template.buckets)} buckets, "
        f"{len(template.secrets)} secrets, {len(template.state_machines)} state machines, "
        f"{len(template.alarms)} alarms in {time.perf_counter() - started:.2f} s")


def _fail(logical_id: str, exc: Exception) -> TemplateError:
    return TemplateError(f"{logical_id}: could not be created locally: {exc}")


def _keys(template: Template, endpoint_url: str) -> None:
    kms = _client("kms", endpoint_url)
    for key in template.keys.values():
        try:
            meta = kms.create_key(KeySpec=key.key_spec, KeyUsage=key.key_usage, Description=key.description)
        except Exception as exc:
            raise _fail(key.logical_id, exc) from exc
        key_id, arn = meta["KeyMetadata"]["KeyId"], meta["KeyMetadata"]["Arn"]
        template.names.update(key.logical_id, ref=key_id, Arn=arn, KeyId=key_id)
        for alias in key.aliases:
            kms.create_alias(AliasName=alias, TargetKeyId=key_id)


def _tables(template: Template, endpoint_url: str) -> None:
    dynamodb = _client("dynamodb", endpoint_url)
    for table in template.tables.values():
        try:
            described = dynamodb.create_table(**template.table_create_args(table.logical_id))["TableDescription"]
            if table.ttl_attribute:
                dynamodb.update_time_to_live(TableName=table.name, TimeToLiveSpecification={
                    "Enabled": True, "AttributeName": table.ttl_attribute})
        except Exception as exc:
            raise _fail(table.logical_id, exc) from exc
        attributes = {"Arn": described["TableArn"]}
        if described.get("LatestStreamArn"):
            attributes["StreamArn"] = described["LatestStreamArn"]
        template.names.update(table.logical_id, **attributes)


def _queues(template: Template, endpoint_url: str) -> None:
    sqs = _client("sqs", endpoint_url)
    pending = dict(template.queues)
    while pending:
        progressed = False
        for logical_id, queue in list(pending.items()):
            redrive = (queue.attributes.get("RedrivePolicy") or {})
            target = redrive.get("deadLetterTargetArn")
            dlq = target["Fn::GetAtt"][0] if isinstance(target, dict) and "Fn::GetAtt" in target else None
            if dlq in pending:
                continue  # its DLQ first
            props = template.resolve(queue.attributes, where=logical_id)
            attributes: dict[str, str] = {}
            for prop in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
                         "ReceiveMessageWaitTimeSeconds", "FifoQueue", "ContentBasedDeduplication"):
                if prop in props:
                    value = props[prop]
                    attributes[prop] = str(value).lower() if isinstance(value, bool) else str(value)
            if props.get("RedrivePolicy"):
                attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
            try:
                url = sqs.create_queue(QueueName=queue.name, Attributes=attributes)["QueueUrl"]
            except Exception as exc:
                raise _fail(logical_id, exc) from exc
            template.names.update(logical_id, ref=url, QueueUrl=url)
            del pending[logical_id]
            progressed = True
        if not progressed:
            raise TemplateError(f"queues {sorted(pending)}: their dead-letter queues form a cycle")


def _topics(template: Template, endpoint_url: str) -> None:
    """Topics, and for each subscribed function a delivery queue of the cloud's own: moto delivers SNS to
    SQS itself, and the event pollers turn what arrives into Lambda's SNS events."""
    sns, sqs = _client("sns", endpoint_url), _client("sqs", endpoint_url)
    for topic in template.topics.values():
        try:
            arn = sns.create_topic(Name=topic.name)["TopicArn"]
        except Exception as exc:
            raise _fail(topic.logical_id, exc) from exc
        template.names.update(topic.logical_id, ref=arn, TopicArn=arn)
    for index, source in enumerate(template.sns_sources):
        queue = f"{template.stack_name}-sns-{index}-{source.function}"[:80]
        try:
            url = sqs.create_queue(QueueName=queue)["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            attributes = {}
            if source.filter_policy:
                attributes = {"FilterPolicy": json.dumps(source.filter_policy),
                              "FilterPolicyScope": source.filter_policy_scope}
            subscription = sns.subscribe(TopicArn=template.names.get(source.topic).ref,  # type: ignore[union-attr]
                                         Protocol="sqs", Endpoint=queue_arn, Attributes=attributes,
                                         ReturnSubscriptionArn=True)["SubscriptionArn"]
        except Exception as exc:
            raise _fail(f"{source.function} (SNS event of {source.topic})", exc) from exc
        source.delivery_queue_url, source.subscription_arn = url, subscription


def _alarms(template: Template, endpoint_url: str) -> None:
    """Alarms exist locally (their state can be set; nothing evaluates metrics here), so alarm actions can
    be tried end to end: the event pollers publish a state change to the alarm's topics."""
    cloudwatch = _client("cloudwatch", endpoint_url)
    for alarm in template.alarms.values():
        props = template.resolve(alarm.properties, where=alarm.logical_id)
        try:
            cloudwatch.put_metric_alarm(**props)
        except Exception as exc:
            raise _fail(alarm.logical_id, exc) from exc


def _buckets(template: Template, endpoint_url: str) -> None:
    s3 = _client("s3", endpoint_url)
    for bucket in template.buckets.values():
        try:
            props = template.resolve(bucket.properties, where=bucket.logical_id)
            s3.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION},
                             ObjectLockEnabledForBucket=bool(props.get("ObjectLockEnabled")))
            cors = (props.get("CorsConfiguration") or {}).get("CorsRules")
            if cors:
                rules = [{k: v for k, v in {
                    "AllowedOrigins": rule.get("AllowedOrigins"), "AllowedMethods": rule.get("AllowedMethods"),
                    "AllowedHeaders": rule.get("AllowedHeaders"), "ExposeHeaders": rule.get("ExposedHeaders"),
                    "MaxAgeSeconds": rule.get("MaxAge"),
                }.items() if v is not None} for rule in cors]
                s3.put_bucket_cors(Bucket=bucket.name, CORSConfiguration={"CORSRules": rules})
            if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
                s3.put_bucket_versioning(Bucket=bucket.name, VersioningConfiguration={"Status": "Enabled"})
            lock = props.get("ObjectLockConfiguration")
            if lock:
                s3.put_object_lock_configuration(Bucket=bucket.name, ObjectLockConfiguration=lock)
        except Exception as exc:
            raise _fail(bucket.logical_id, exc) from exc


def _email(template: Template, endpoint_url: str) -> None:
    ses, sesv2 = _client("ses", endpoint_url), _client("sesv2", endpoint_url)
    for logical_id, name in template.configuration_sets.items():
        try:
            ses.create_configuration_set(ConfigurationSet={"Name": name})
        except Exception as exc:
            raise _fail(logical_id, exc) from exc
    for identity in template.email_identities.values():
        value = str(template.resolve(identity.raw_identity, where=identity.logical_id))
        try:
            sesv2.create_email_identity(EmailIdentity=value)
            if "@" in value:
                ses.verify_email_identity(EmailAddress=value)
            else:
                ses.verify_domain_identity(Domain=value)
        except Exception as exc:
            raise _fail(identity.logical_id, exc) from exc


def _generate(spec: dict[str, Any]) -> str:
    length = int(spec.get("PasswordLength", 32))
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation", False):
        alphabet += "!#$%&()*+,-.:;<=>?[]^_{|}~"
    excluded = set(spec.get("ExcludeCharacters", ""))
    alphabet = "".join(c for c in alphabet if c not in excluded)
    value = "".join(secrets.choice(alphabet) for _ in range(length))
    if spec.get("SecretStringTemplate") and spec.get("GenerateStringKey"):
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = value
        return json.dumps(document)
    return value


def _secrets(template: Template, endpoint_url: str) -> None:
    client = _client("secretsmanager", endpoint_url)
    for secret in template.secrets.values():
        props = template.resolve(secret.properties, where=secret.logical_id)
        value = props.get("SecretString")
        if value is None:
            value = _generate(props.get("GenerateSecretString") or {})
        try:
            arn = client.create_secret(Name=secret.name, SecretString=value,
                                       Description=str(props.get("Description", "")))["ARN"]
        except Exception as exc:
            raise _fail(secret.logical_id, exc) from exc
        template.names.update(secret.logical_id, ref=arn, Arn=arn, Id=arn)


def _state_machines(template: Template, endpoint_url: str) -> None:
    sfn = _client("stepfunctions", endpoint_url)
    for machine in template.state_machines.values():
        definition = template.definition(machine.logical_id)
        try:
            sfn.create_state_machine(
                name=machine.name, definition=json.dumps(definition),
                roleArn=f"arn:aws:iam::123456789012:role/{machine.name}-role",
            )
        except Exception as exc:
            raise _fail(machine.logical_id, exc) from exc
