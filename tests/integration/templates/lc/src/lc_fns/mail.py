import boto3


def handler(event, context):
    ses = boto3.client("sesv2")
    sent = ses.send_email(
        FromEmailAddress="noreply@lc.example",
        Destination={"ToAddresses": [event["to"]]},
        Content={"Simple": {"Subject": {"Data": event["subject"]},
                            "Body": {"Html": {"Data": event["html"]}}}},
    )
    return {"message_id": sent["MessageId"]}
