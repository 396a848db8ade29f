#!/usr/bin/env python3
"""Write the hand-authored CloudTrail sample logs under sample-logs/AWSLogs/.

Every record below is a literal written by hand (no randomness, no clock): rerunning the script
produces byte-identical files (gzip mtime=0, no file name in the gzip header, compact JSON with a
fixed key order). The digest's log-file hashes are SHA-256 of the uncompressed log files, computed
from the files this script writes; the digest's signature fields are deterministic placeholders.

Stories (see sample-logs/README.md):
  1. EC2 instance profile  app/WebAppInstanceRole  session i-0a1b2c3d4e5f67890, with a refresh
  2. Cross-account          Dev user alice -> Prod role ProdAdmin, session alice-prod (both copies)
  3. Lambda                 service-role/order-processor-role, session order-processor
  4. Findings               AccessDenied x4, root console login without MFA, IAM policy change,
                            security-group change
  5. One digest file        Production, 09:00-10:00
  6. Out-of-order delivery  alice-prod's S3 reads are in a Production file that sorts before the
                            file carrying the role owner's copy of her AssumeRole

Usage:  python3 scripts/make-sample-logs.py          (write, then validate)
        python3 scripts/make-sample-logs.py --check  (validate what is on disk only)
"""

import gzip
import hashlib
import io
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "sample-logs"

DEV = "111122223333"
PROD = "444455556666"
REGION = "us-east-1"
LOG_BUCKET = "acme-cloudtrail-logs"
TRAIL = "audit-trail"

# --- identities --------------------------------------------------------------------------------

# Story 1: EC2 instance profile (role with a path)
WEBAPP_ROLE_ARN = "arn:aws:iam::444455556666:role/app/WebAppInstanceRole"
WEBAPP_ROLE_ID = "AROAVRN4K7QZ2HJMD5XPT"
INSTANCE_ID = "i-0a1b2c3d4e5f67890"
INSTANCE_ARN = "arn:aws:ec2:us-east-1:444455556666:instance/i-0a1b2c3d4e5f67890"
EC2_KEY_1 = "ASIAVRN4K7QZHX3PLM2A"
EC2_CREATED_1 = "2026-11-20T08:04:17Z"
EC2_KEY_2 = "ASIAVRN4K7QZQ8TW5EJD"
EC2_CREATED_2 = "2026-11-20T09:07:33Z"

# Story 2: cross-account
ALICE_ARN = "arn:aws:iam::111122223333:user/alice"
ALICE_ID = "AIDAR7TQ2MXKL4PZN8C3V"
ALICE_KEY = "AKIAR7TQ2MXKCWJ6HV4N"
ALICE_IP = "198.51.100.23"
PRODADMIN_ARN = "arn:aws:iam::444455556666:role/ProdAdmin"
PRODADMIN_ID = "AROAVRN4K7QZ5TG9WY2BL"
ALICE_PROD_KEY = "ASIAVRN4K7QZJ2R6MK8F"
ALICE_PROD_CREATED = "2026-11-20T10:05:27Z"
ALICE_ASSUME_SHARED = "3a06da22-05ac-4306-85ba-a55cdb8fed91"
ALICE_ASSUME_REQUEST = "46b03a7d-b880-492f-a3c8-a52b7c3e6db5"

# Story 3: Lambda
LAMBDA_ROLE_ARN = "arn:aws:iam::444455556666:role/service-role/order-processor-role"
LAMBDA_ROLE_ID = "AROAVRN4K7QZ8DC3NF6QA"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:444455556666:function:order-processor"
LAMBDA_KEY = "ASIAVRN4K7QZV5YB9T3S"
LAMBDA_CREATED = "2026-11-20T14:20:07Z"
LOG_GROUP = "/aws/lambda/order-processor"
LOG_STREAM = "2026/11/20/[$LATEST]7b3e9f0c1d2a4b5c8e6f0a1b2c3d4e5f"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/444455556666/order-events"

# Story 4: the unknown outsider
OUTSIDER_ACCOUNT = "936482017355"
OUTSIDER_ID = "AIDAXN5G3WPKT7RQ2LB8E"
OUTSIDER_IP = "203.0.113.77"

CLI = ("aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-45-generic md/arch#x86_64 "
       "lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
       "md/distrib#ubuntu.24 md/prompt#off md/command#")
JAVA_S3 = ("[aws-sdk-java/2.28.16 Linux/6.1.112-124.190.amzn2023.x86_64 "
           "OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. "
           "md/io#sync md/http#Apache ua/2.1 m/E,D cfg/retry-mode#legacy]")
BOTO3_LAMBDA = ("Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 "
                "md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
                "cfg/retry-mode#legacy Botocore/1.34.145")
BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")


def tls(host):
    return {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host}


def alice_dev():
    return {"type": "IAMUser", "principalId": ALICE_ID, "arn": ALICE_ARN, "accountId": DEV,
            "accessKeyId": ALICE_KEY, "userName": "alice"}


def webapp_session(key, created):
    return {"type": "AssumedRole",
            "principalId": WEBAPP_ROLE_ID + ":" + INSTANCE_ID,
            "arn": "arn:aws:sts::444455556666:assumed-role/WebAppInstanceRole/" + INSTANCE_ID,
            "accountId": PROD, "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": WEBAPP_ROLE_ID, "arn": WEBAPP_ROLE_ARN,
                                  "accountId": PROD, "userName": "WebAppInstanceRole"},
                "webIdFederationData": {},
                "attributes": {"creationDate": created, "mfaAuthenticated": "false"},
                "ec2RoleDelivery": "2.0"},
            "inScopeOf": {"issuerType": "AWS::EC2::Instance", "credentialsIssuedTo": INSTANCE_ARN}}


def alice_prod():
    return {"type": "AssumedRole",
            "principalId": PRODADMIN_ID + ":alice-prod",
            "arn": "arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod",
            "accountId": PROD, "accessKeyId": ALICE_PROD_KEY,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": PRODADMIN_ID, "arn": PRODADMIN_ARN,
                                  "accountId": PROD, "userName": "ProdAdmin"},
                "webIdFederationData": {},
                "attributes": {"creationDate": ALICE_PROD_CREATED, "mfaAuthenticated": "false"}}}


def order_processor():
    return {"type": "AssumedRole",
            "principalId": LAMBDA_ROLE_ID + ":order-processor",
            "arn": "arn:aws:sts::444455556666:assumed-role/order-processor-role/order-processor",
            "accountId": PROD, "accessKeyId": LAMBDA_KEY,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": LAMBDA_ROLE_ID, "arn": LAMBDA_ROLE_ARN,
                                  "accountId": PROD, "userName": "order-processor-role"},
                "webIdFederationData": {},
                "attributes": {"creationDate": LAMBDA_CREATED, "mfaAuthenticated": "false"}},
            "inScopeOf": {"issuerType": "AWS::Lambda::Function", "credentialsIssuedTo": FUNCTION_ARN}}


def s3_object(bucket, key, owner):
    return [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::" + bucket + "/" + key},
            {"accountId": owner, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket}]


def s3_extra(bytes_out, amz_id2):
    return {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
            "AuthenticationMethod": "AuthHeader", "x-amz-id-2": amz_id2, "bytesTransferredOut": bytes_out}


def role_resource(arn, account):
    return [{"accountId": account, "type": "AWS::IAM::Role", "ARN": arn}]


# --- the log files -----------------------------------------------------------------------------
# (account, delivery stamp YYYYMMDDTHHMMZ, 16-character unique suffix, records)

FILES = []

# ============================ Development 111122223333 ============================

# alice looks around with her long-term key, and is refused a payroll object.
FILES.append((DEV, "20261120T1005Z", "Qm7TzK2pW9xLc4Rv", [
    {"eventVersion": "1.08",
     "userIdentity": alice_dev(),
     "eventTime": "2026-11-20T10:01:12Z", "eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "sts.get-caller-identity",
     "requestParameters": None, "responseElements": None,
     "requestID": "0197819f-3263-4fd6-aca4-5aeab58b85e1", "eventID": "bebc6b0f-5f9f-4dbb-a59c-7fd43aca8385",
     "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": DEV,
     "eventCategory": "Management", "tlsDetails": tls("sts.us-east-1.amazonaws.com")},
    {"eventVersion": "1.08",
     "userIdentity": alice_dev(),
     "eventTime": "2026-11-20T10:01:58Z", "eventSource": "iam.amazonaws.com", "eventName": "ListUsers",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "iam.list-users",
     "requestParameters": None, "responseElements": None,
     "requestID": "e75e31ac-bb24-43da-b753-11da0f101002", "eventID": "a9804914-548b-432c-8d18-47a9bc8d3426",
     "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": DEV,
     "eventCategory": "Management", "tlsDetails": tls("iam.amazonaws.com")},
    # FINDING: AccessDenied (Dev) s3:GetObject by alice
    {"eventVersion": "1.10",
     "userIdentity": alice_dev(),
     "eventTime": "2026-11-20T10:03:31Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": "[" + CLI + "s3api.get-object]",
     "errorCode": "AccessDenied", "errorMessage": "Access Denied",
     "requestParameters": {"bucketName": "dev-finance-reports",
                           "Host": "dev-finance-reports.s3.us-east-1.amazonaws.com",
                           "key": "payroll/2026-11.csv"},
     "responseElements": None,
     "additionalEventData": s3_extra(243, "pQ3vX8mZ1kR6tY2wN9cB4hJ7dF0sL5aG8eU3iO6qW1zT4xC7vB2nM9kP5rS8yD0fH3jK6lA="),
     "requestID": "T1J5Y3Q8D6K2W9XM", "eventID": "52185044-14c5-4ff3-a0a9-808613302ba3",
     "readOnly": True,
     "resources": s3_object("dev-finance-reports", "payroll/2026-11.csv", DEV),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": DEV,
     "eventCategory": "Data", "tlsDetails": tls("dev-finance-reports.s3.us-east-1.amazonaws.com")},
]))

# alice assumes ProdAdmin in Production (caller's copy), then is refused DescribeInstances.
FILES.append((DEV, "20261120T1010Z", "hB3nY8sE5dJ1uF6a", [
    {"eventVersion": "1.08",
     "userIdentity": alice_dev(),
     "eventTime": ALICE_PROD_CREATED, "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "sts.assume-role",
     "requestParameters": {"roleArn": PRODADMIN_ARN, "roleSessionName": "alice-prod", "durationSeconds": 3600},
     "responseElements": {
         "credentials": {"accessKeyId": ALICE_PROD_KEY, "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                         "expiration": "Nov 20, 2026, 11:05:27 AM"},
         "assumedRoleUser": {"assumedRoleId": PRODADMIN_ID + ":alice-prod",
                             "arn": "arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod"}},
     "requestID": ALICE_ASSUME_REQUEST, "eventID": "e9872c32-8ae4-442d-8307-1f8d61f822b1",
     "readOnly": True, "resources": role_resource(PRODADMIN_ARN, PROD),
     "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": DEV,
     "sharedEventID": ALICE_ASSUME_SHARED,
     "eventCategory": "Management", "tlsDetails": tls("sts.us-east-1.amazonaws.com")},
    # FINDING: Client.UnauthorizedOperation (Dev) ec2:DescribeInstances by alice
    {"eventVersion": "1.10",
     "userIdentity": alice_dev(),
     "eventTime": "2026-11-20T10:07:12Z", "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "ec2.describe-instances",
     "errorCode": "Client.UnauthorizedOperation",
     "errorMessage": ("You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/alice "
                      "is not authorized to perform: ec2:DescribeInstances because no identity-based policy "
                      "allows the ec2:DescribeInstances action"),
     "requestParameters": {"instancesSet": {}, "filterSet": {}},
     "responseElements": None,
     "requestID": "91e19d37-af08-4087-a1e8-b694040dbb44", "eventID": "3aaa044a-e3c1-4465-b161-9b4b1a1e8a55",
     "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": DEV,
     "eventCategory": "Management", "tlsDetails": tls("ec2.us-east-1.amazonaws.com")},
]))

FILES.append((DEV, "20261120T1035Z", "Zr4Kx9VwP2mT7cNq", [
    {"eventVersion": "1.08",
     "userIdentity": alice_dev(),
     "eventTime": "2026-11-20T10:31:20Z", "eventSource": "iam.amazonaws.com",
     "eventName": "ListAttachedUserPolicies",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "iam.list-attached-user-policies",
     "requestParameters": {"userName": "alice"}, "responseElements": None,
     "requestID": "8c201e79-491b-4744-a2fd-e72b9590b63c", "eventID": "75438c8d-e715-44fa-a9f7-cda42ee58614",
     "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": DEV,
     "eventCategory": "Management", "tlsDetails": tls("iam.amazonaws.com")},
]))

# ============================ Production 444455556666 ============================

# Story 1: EC2 gets instance-profile credentials and reads its configuration.
FILES.append((PROD, "20261120T0810Z", "a8GdL3qR7yW2nK5s", [
    {"eventVersion": "1.08",
     "userIdentity": {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
     "eventTime": EC2_CREATED_1, "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     "awsRegion": REGION, "sourceIPAddress": "ec2.amazonaws.com", "userAgent": "ec2.amazonaws.com",
     "requestParameters": {"roleArn": WEBAPP_ROLE_ARN, "roleSessionName": INSTANCE_ID},
     "responseElements": {"credentials": {"accessKeyId": EC2_KEY_1,
                                          "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                                          "expiration": "Nov 20, 2026, 2:29:52 PM"}},
     "requestID": "e57d75bd-1c65-4941-b621-fa4179f4ee2d", "eventID": "fec8d492-45a1-461b-bc2d-d19bf59830df",
     "readOnly": True, "resources": role_resource(WEBAPP_ROLE_ARN, PROD),
     "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "sharedEventID": "6c78d7f2-e989-46df-89c2-f590708302a7", "eventCategory": "Management"},
    {"eventVersion": "1.10",
     "userIdentity": webapp_session(EC2_KEY_1, EC2_CREATED_1),
     "eventTime": "2026-11-20T08:09:02Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": "10.0.12.34", "userAgent": JAVA_S3,
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "config/app.json"},
     "responseElements": None,
     "additionalEventData": s3_extra(1834, "Jm4nQ8rT2vX6zB1cF5hK9lP3sW7yD0gN4qU8tA2eI6oR1mC5vZ9bH3kL7pS0wE4jG8fY2d="),
     "requestID": "7QJ8XW3H2M5TKD9A", "eventID": "ec2217ab-f7cc-4be3-8213-4eb5e3a19e68",
     "readOnly": True, "resources": s3_object("my-app-bucket", "config/app.json", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "vpcEndpointId": "vpce-0d3c2b1a09f8e7d65", "vpcEndpointAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
]))

FILES.append((PROD, "20261120T0815Z", "Tf6Hp1Xz9Bv4Mc8J", [
    {"eventVersion": "1.10",
     "userIdentity": webapp_session(EC2_KEY_1, EC2_CREATED_1),
     "eventTime": "2026-11-20T08:13:27Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": "10.0.12.34", "userAgent": JAVA_S3,
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "config/feature-flags.json"},
     "responseElements": None,
     "additionalEventData": s3_extra(612, "Rt5yU9iO3pA7sD1fG6hJ0kL4zX8cV2bN5mQ9wE3rT7yU1iO6pA0sD4fG8hJ2kL5zX9cV3b="),
     "requestID": "B4N2R8YV6C1ZP3QE", "eventID": "510048c2-4bc8-4194-8243-4db0f3aceb71",
     "readOnly": True, "resources": s3_object("my-app-bucket", "config/feature-flags.json", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "vpcEndpointId": "vpce-0d3c2b1a09f8e7d65", "vpcEndpointAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
    {"eventVersion": "1.10",
     "userIdentity": webapp_session(EC2_KEY_1, EC2_CREATED_1),
     "eventTime": "2026-11-20T08:13:28Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": "10.0.12.34", "userAgent": JAVA_S3,
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "config/app.json"},
     "responseElements": None,
     "additionalEventData": s3_extra(1834, "Yh2uJ6iK0oL4pZ8xC3vB7nM1qW5eR9tY2uI6oP0aS4dF8gH3jK7lZ1xC5vB9nM2qW6eR0t="),
     "requestID": "K9T5W1F7H3X2M8VD", "eventID": "5d99a703-4d02-4c79-ad99-349abab46ce3",
     "readOnly": True, "resources": s3_object("my-app-bucket", "config/app.json", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "vpcEndpointId": "vpce-0d3c2b1a09f8e7d65", "vpcEndpointAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
]))

FILES.append((PROD, "20261120T0845Z", "e2Nq7Rk5Ws3Yd9Lu", [
    {"eventVersion": "1.10",
     "userIdentity": webapp_session(EC2_KEY_1, EC2_CREATED_1),
     "eventTime": "2026-11-20T08:41:50Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": "10.0.12.34", "userAgent": JAVA_S3,
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "templates/email/welcome.html"},
     "responseElements": None,
     "additionalEventData": s3_extra(5120, "Gb7nH1mJ5kL9zX3cV7bN1mQ5wE9rT3yU7iO1pA5sD9fG3hJ7kL1zX5cV9bN3mQ7wE1rT5y="),
     "requestID": "Q2Z6D8J4N1R7C5WB", "eventID": "ccf4d46b-98f3-4c26-a0bd-eac762959607",
     "readOnly": True, "resources": s3_object("my-app-bucket", "templates/email/welcome.html", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "vpcEndpointId": "vpce-0d3c2b1a09f8e7d65", "vpcEndpointAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
]))

# Story 1: credential refresh about an hour later: new key, new creationDate, same session name.
FILES.append((PROD, "20261120T0910Z", "V9cJ4mT1xH6pQ8bZ", [
    {"eventVersion": "1.08",
     "userIdentity": {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
     "eventTime": EC2_CREATED_2, "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     "awsRegion": REGION, "sourceIPAddress": "ec2.amazonaws.com", "userAgent": "ec2.amazonaws.com",
     "requestParameters": {"roleArn": WEBAPP_ROLE_ARN, "roleSessionName": INSTANCE_ID},
     "responseElements": {"credentials": {"accessKeyId": EC2_KEY_2,
                                          "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                                          "expiration": "Nov 20, 2026, 3:41:08 PM"}},
     "requestID": "d2f583ed-6950-442c-b042-309eae420fc2", "eventID": "0b2669e1-b3ea-47a0-9487-52a4b7267ee8",
     "readOnly": True, "resources": role_resource(WEBAPP_ROLE_ARN, PROD),
     "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "sharedEventID": "79a6bd14-0173-47fe-b058-64e6af1ad8c0", "eventCategory": "Management"},
]))

FILES.append((PROD, "20261120T0915Z", "k5Ls2Fw8Gn3Ar7Ey", [
    {"eventVersion": "1.10",
     "userIdentity": webapp_session(EC2_KEY_2, EC2_CREATED_2),
     "eventTime": "2026-11-20T09:12:50Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": "10.0.12.34", "userAgent": JAVA_S3,
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "config/app.json"},
     "responseElements": None,
     "additionalEventData": s3_extra(1834, "Nc4vB8nM2qW6eR0tY4uI8oP2aS6dF0gH4jK8lZ2xC6vB0nM4qW8eR2tY6uI0oP4aS8dF2g="),
     "requestID": "H8M3V6T2K9P4X1ZA", "eventID": "13880473-7517-4c06-a860-f5fea4c980a7",
     "readOnly": True, "resources": s3_object("my-app-bucket", "config/app.json", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "vpcEndpointId": "vpce-0d3c2b1a09f8e7d65", "vpcEndpointAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
]))

# Story 2, OUT OF ORDER: alice-prod's reads arrive in the 10:10 file; the role owner's copy of the
# 10:05:27 AssumeRole that created the session is only delivered in the 10:15 file below.
FILES.append((PROD, "20261120T1010Z", "M3xP8dZ6tU1qC9hW", [
    {"eventVersion": "1.10",
     "userIdentity": alice_prod(),
     "eventTime": "2026-11-20T10:06:03Z", "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": "[" + CLI + "s3api.list-buckets]",
     "requestParameters": {"Host": "s3.us-east-1.amazonaws.com"},
     "responseElements": None,
     "additionalEventData": s3_extra(486, "Wq1eR5tY9uI3oP7aS1dF5gH9jK3lZ7xC1vB5nM9qW3eR7tY1uI5oP9aS3dF7gH1jK5lZ9x="),
     "requestID": "W5C1Q9E7B3Y8N2RK", "eventID": "3e706d53-5f95-4dc7-a195-f58b6f9d55c2",
     "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "eventCategory": "Management", "tlsDetails": tls("s3.us-east-1.amazonaws.com")},
    {"eventVersion": "1.10",
     "userIdentity": alice_prod(),
     "eventTime": "2026-11-20T10:06:19Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": "[" + CLI + "s3api.get-object]",
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "exports/customers.csv"},
     "responseElements": None,
     "additionalEventData": s3_extra(918274, "Lp6kJ0hG4fD8sA2pO6iU0yT4rE8wQ2mN6bV0cX4zL8kJ2hG6fD0sA4pO8iU2yT6rE0wQ4m="),
     "requestID": "F3X7K2P8M6T1Q9JD", "eventID": "e1adfc24-96c3-43ab-b3ba-f475afcc3f2c",
     "readOnly": True, "resources": s3_object("my-app-bucket", "exports/customers.csv", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
    # the web app keeps working on its refreshed credentials in the same delivery
    {"eventVersion": "1.10",
     "userIdentity": webapp_session(EC2_KEY_2, EC2_CREATED_2),
     "eventTime": "2026-11-20T10:08:44Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
     "awsRegion": REGION, "sourceIPAddress": "10.0.12.34", "userAgent": JAVA_S3,
     "requestParameters": {"bucketName": "my-app-bucket", "Host": "my-app-bucket.s3.us-east-1.amazonaws.com",
                           "key": "config/app.json"},
     "responseElements": None,
     "additionalEventData": s3_extra(1834, "Xz3cV7bN1mQ5wE9rT3yU7iO1pA5sD9fG3hJ7kL1zX5cV9bN3mQ7wE1rT5yU9iO3pA7sD1f="),
     "requestID": "N6R4B9W2Z7H5C3VE", "eventID": "5714b485-8dc3-419f-8551-0c5e5a4962db",
     "readOnly": True, "resources": s3_object("my-app-bucket", "config/app.json", PROD),
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "vpcEndpointId": "vpce-0d3c2b1a09f8e7d65", "vpcEndpointAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("my-app-bucket.s3.us-east-1.amazonaws.com")},
]))

# Story 2: the role owner's copy of the AssumeRole (delayed), then alice-prod changes things.
FILES.append((PROD, "20261120T1015Z", "r7Yb2Kn4Jv9Sg5Lf", [
    {"eventVersion": "1.08",
     "userIdentity": {"type": "AWSAccount", "principalId": ALICE_ID, "accountId": DEV},
     "eventTime": ALICE_PROD_CREATED, "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "sts.assume-role",
     "requestParameters": {"roleArn": PRODADMIN_ARN, "roleSessionName": "alice-prod", "durationSeconds": 3600},
     "responseElements": {
         "credentials": {"accessKeyId": ALICE_PROD_KEY, "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                         "expiration": "Nov 20, 2026, 11:05:27 AM"},
         "assumedRoleUser": {"assumedRoleId": PRODADMIN_ID + ":alice-prod",
                             "arn": "arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod"}},
     "requestID": ALICE_ASSUME_REQUEST, "eventID": "b070dd3f-1726-4e9f-be74-f75218b7e7ec",
     "readOnly": True, "resources": role_resource(PRODADMIN_ARN, PROD),
     "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "sharedEventID": ALICE_ASSUME_SHARED,
     "eventCategory": "Management", "tlsDetails": tls("sts.us-east-1.amazonaws.com")},
    # FINDING: security-group change, tcp/22 opened to the world
    {"eventVersion": "1.11",
     "userIdentity": alice_prod(),
     "eventTime": "2026-11-20T10:11:48Z", "eventSource": "ec2.amazonaws.com",
     "eventName": "AuthorizeSecurityGroupIngress",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "ec2.authorize-security-group-ingress",
     "requestParameters": {
         "groupId": "sg-0f1e2d3c4b5a69788",
         "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
                                      "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
                                      "ipv6Ranges": {}, "prefixListIds": {}}]}},
     "responseElements": {
         "requestId": "1f2da993-6bb6-4bdd-a52c-9b8414eeb640", "_return": True,
         "securityGroupRuleSet": {"items": [{"groupOwnerId": PROD, "groupId": "sg-0f1e2d3c4b5a69788",
                                             "securityGroupRuleId": "sgr-0a9b8c7d6e5f43210", "isEgress": False,
                                             "ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                                             "cidrIpv4": "0.0.0.0/0"}]}},
     "requestID": "1f2da993-6bb6-4bdd-a52c-9b8414eeb640", "eventID": "33a6f6b4-4470-4172-bd95-a59267dc9af1",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "eventCategory": "Management", "tlsDetails": tls("ec2.us-east-1.amazonaws.com")},
    # FINDING: IAM policy change, an inline s3:* policy on the web app's role
    {"eventVersion": "1.08",
     "userIdentity": alice_prod(),
     "eventTime": "2026-11-20T10:13:05Z", "eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "iam.put-role-policy",
     "requestParameters": {
         "roleName": "WebAppInstanceRole", "policyName": "tmp-debug-access",
         "policyDocument": ("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n"
                            "      \"Effect\": \"Allow\",\n      \"Action\": \"s3:*\",\n"
                            "      \"Resource\": \"*\"\n    }\n  ]\n}")},
     "responseElements": None,
     "requestID": "10c197c9-9908-4c05-b31e-caba5847f7f7", "eventID": "2dcaf700-f6ae-4796-9e4e-1c6b9128b8bd",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "eventCategory": "Management", "tlsDetails": tls("iam.amazonaws.com")},
]))

# FINDING: AccessDenied (Prod) iam:CreateUser by alice-prod (explicit SCP deny)
FILES.append((PROD, "20261120T1020Z", "D1wE6aQ3zX8oT4mR", [
    {"eventVersion": "1.08",
     "userIdentity": alice_prod(),
     "eventTime": "2026-11-20T10:16:30Z", "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
     "awsRegion": REGION, "sourceIPAddress": ALICE_IP, "userAgent": CLI + "iam.create-user",
     "errorCode": "AccessDenied",
     "errorMessage": ("User: arn:aws:sts::444455556666:assumed-role/ProdAdmin/alice-prod is not authorized to "
                      "perform: iam:CreateUser on resource: arn:aws:iam::444455556666:user/break-glass-2 "
                      "with an explicit deny in a service control policy"),
     "requestParameters": {"userName": "break-glass-2"},
     "responseElements": None,
     "requestID": "ef0beeaa-7f8e-4e13-9bb8-737abb660f1c", "eventID": "417672a0-d8b7-45d1-a752-bd8b4af752c7",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "eventCategory": "Management", "tlsDetails": tls("iam.amazonaws.com")},
]))

# FINDING: AccessDenied (Prod) sts:AssumeRole on ProdAdmin from an unknown IP / unknown account.
# Only the role owner's copy exists here (the caller's account is not ours); no credentials issued.
FILES.append((PROD, "20261120T1125Z", "p4Hu9Cj2Lk7Vn1Bs", [
    {"eventVersion": "1.08",
     "userIdentity": {"type": "AWSAccount", "principalId": OUTSIDER_ID, "accountId": OUTSIDER_ACCOUNT},
     "eventTime": "2026-11-20T11:22:54Z", "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     "awsRegion": REGION, "sourceIPAddress": OUTSIDER_IP,
     "userAgent": "Boto3/1.26.165 Python/3.8.10 Linux/5.4.0-150-generic Botocore/1.29.165",
     "errorCode": "AccessDenied",
     "errorMessage": ("User: arn:aws:iam::936482017355:user/scanner is not authorized to perform: "
                      "sts:AssumeRole on resource: arn:aws:iam::444455556666:role/ProdAdmin"),
     "requestParameters": {"roleArn": PRODADMIN_ARN, "roleSessionName": "audit"},
     "responseElements": None,
     "requestID": "3abdc978-8e54-43f3-9fbb-b42ae23b17c8", "eventID": "aa2e7ea2-668f-4d81-b8b6-a595cb848abc",
     "readOnly": True, "resources": role_resource(PRODADMIN_ARN, PROD),
     "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "sharedEventID": "aeaa97c8-1878-40c4-b48d-45dfb65534d7",
     "eventCategory": "Management", "tlsDetails": tls("sts.amazonaws.com")},
]))

# Story 3: Lambda cold start (14:20) and a warm invocation (14:26). The function's own actions are
# exactly logs:CreateLogStream, logs:PutLogEvents, dynamodb:GetItem, sqs:SendMessage.
FILES.append((PROD, "20261120T1425Z", "G8sR5yM2eF9wK3tD", [
    {"eventVersion": "1.08",
     "userIdentity": {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
     "eventTime": LAMBDA_CREATED, "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     "awsRegion": REGION, "sourceIPAddress": "lambda.amazonaws.com", "userAgent": "lambda.amazonaws.com",
     "requestParameters": {"roleArn": LAMBDA_ROLE_ARN, "roleSessionName": "order-processor"},
     "responseElements": {"credentials": {"accessKeyId": LAMBDA_KEY,
                                          "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                                          "expiration": "Nov 21, 2026, 2:20:07 AM"}},
     "requestID": "27ed129c-862c-4769-9f0a-8f26fb8ca0f5", "eventID": "0453f7da-4056-46e5-82e2-c5cc6598100b",
     "readOnly": True, "resources": role_resource(LAMBDA_ROLE_ARN, PROD),
     "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "sharedEventID": "1abd7983-7e0f-46b4-abbb-f2a4b599258a", "eventCategory": "Management"},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:20:08Z", "eventSource": "logs.amazonaws.com", "eventName": "CreateLogStream",
     "awsRegion": REGION, "sourceIPAddress": "54.164.38.201", "userAgent": "awslambda-worker",
     "requestParameters": {"logGroupName": LOG_GROUP, "logStreamName": LOG_STREAM},
     "responseElements": None,
     "requestID": "a6efe63b-1b95-4000-9075-cb8d54e15428", "eventID": "4325d841-41a6-4d36-997b-36f9bc56b9a6",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": PROD,
     "eventCategory": "Management", "tlsDetails": tls("logs.us-east-1.amazonaws.com")},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:20:09Z", "eventSource": "logs.amazonaws.com", "eventName": "PutLogEvents",
     "awsRegion": REGION, "sourceIPAddress": "54.164.38.201", "userAgent": "awslambda-worker",
     "requestParameters": {"logGroupName": LOG_GROUP, "logStreamName": LOG_STREAM},
     "responseElements": None,
     "requestID": "91e27cc7-a9dd-4fc2-a2ac-6263ebd6f7ff", "eventID": "9928a995-8e04-44a4-83f7-94e2f9493235",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("logs.us-east-1.amazonaws.com")},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:20:09Z", "eventSource": "dynamodb.amazonaws.com", "eventName": "GetItem",
     "awsRegion": REGION, "sourceIPAddress": "3.236.94.17", "userAgent": BOTO3_LAMBDA,
     "requestParameters": {"tableName": "orders", "key": {"order_id": "ORD-20261120-0412"},
                           "consistentRead": False},
     "responseElements": None,
     "requestID": "M2J8QFV0K7T3NDR5GH1B9SLC4PVV4KQNSO5AEMVJF66Q9ASUAAJG",
     "eventID": "382ba0c4-7454-4a0b-a9a2-6a65a27d247b",
     "readOnly": True,
     "resources": [{"accountId": PROD, "type": "AWS::DynamoDB::Table",
                    "ARN": "arn:aws:dynamodb:us-east-1:444455556666:table/orders"}],
     "eventType": "AwsApiCall", "apiVersion": "2012-08-10", "managementEvent": False,
     "recipientAccountId": PROD, "eventCategory": "Data", "tlsDetails": tls("dynamodb.us-east-1.amazonaws.com")},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:20:10Z", "eventSource": "sqs.amazonaws.com", "eventName": "SendMessage",
     "awsRegion": REGION, "sourceIPAddress": "3.236.94.17", "userAgent": BOTO3_LAMBDA,
     "requestParameters": {"queueUrl": QUEUE_URL, "messageBody": "HIDDEN_DUE_TO_SECURITY_REASONS"},
     "responseElements": {"mD5OfMessageBody": "5f0c0b1e8d6a4c3f9b2e7a1d0c8f6e4b",
                          "messageId": "af808f15-42fb-4644-8c16-61dc4dcf659e"},
     "requestID": "1de7d71c-317f-4873-8bd6-ee6b967c0482", "eventID": "85127eab-72aa-4acf-a338-24f1ee97a099",
     "readOnly": False,
     "resources": [{"accountId": PROD, "type": "AWS::SQS::Queue",
                    "ARN": "arn:aws:sqs:us-east-1:444455556666:order-events"}],
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("sqs.us-east-1.amazonaws.com")},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:20:10Z", "eventSource": "logs.amazonaws.com", "eventName": "PutLogEvents",
     "awsRegion": REGION, "sourceIPAddress": "54.164.38.201", "userAgent": "awslambda-worker",
     "requestParameters": {"logGroupName": LOG_GROUP, "logStreamName": LOG_STREAM},
     "responseElements": None,
     "requestID": "272c5ab5-6321-41d0-bd94-20c2dbfb97ee", "eventID": "bc13cc17-4e2a-4c2c-8edb-abf4237f8515",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("logs.us-east-1.amazonaws.com")},
]))

FILES.append((PROD, "20261120T1430Z", "x6Aq1Nz4Pb8Hj2Wc", [
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:26:41Z", "eventSource": "dynamodb.amazonaws.com", "eventName": "GetItem",
     "awsRegion": REGION, "sourceIPAddress": "3.236.94.17", "userAgent": BOTO3_LAMBDA,
     "requestParameters": {"tableName": "orders", "key": {"order_id": "ORD-20261120-0419"},
                           "consistentRead": False},
     "responseElements": None,
     "requestID": "QK4T9B2ZV7N1HD6MRC3LF8SJ0PVV4KQNSO5AEMVJF66Q9ASUAAJG",
     "eventID": "04fb92c1-7efe-4281-8c31-9253d35d2d19",
     "readOnly": True,
     "resources": [{"accountId": PROD, "type": "AWS::DynamoDB::Table",
                    "ARN": "arn:aws:dynamodb:us-east-1:444455556666:table/orders"}],
     "eventType": "AwsApiCall", "apiVersion": "2012-08-10", "managementEvent": False,
     "recipientAccountId": PROD, "eventCategory": "Data", "tlsDetails": tls("dynamodb.us-east-1.amazonaws.com")},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:26:41Z", "eventSource": "sqs.amazonaws.com", "eventName": "SendMessage",
     "awsRegion": REGION, "sourceIPAddress": "3.236.94.17", "userAgent": BOTO3_LAMBDA,
     "requestParameters": {"queueUrl": QUEUE_URL, "messageBody": "HIDDEN_DUE_TO_SECURITY_REASONS"},
     "responseElements": {"mD5OfMessageBody": "c2a9e47d1f0b8e35a6d4c9b7e0f2a183",
                          "messageId": "fa6b6c5d-bf2a-4169-9ffd-09ee505932b7"},
     "requestID": "319c0ea7-e179-4eae-ab99-58a228a7b723", "eventID": "90d428b8-8380-457a-bb1b-561942ed714e",
     "readOnly": False,
     "resources": [{"accountId": PROD, "type": "AWS::SQS::Queue",
                    "ARN": "arn:aws:sqs:us-east-1:444455556666:order-events"}],
     "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("sqs.us-east-1.amazonaws.com")},
    {"eventVersion": "1.09",
     "userIdentity": order_processor(),
     "eventTime": "2026-11-20T14:26:42Z", "eventSource": "logs.amazonaws.com", "eventName": "PutLogEvents",
     "awsRegion": REGION, "sourceIPAddress": "54.164.38.201", "userAgent": "awslambda-worker",
     "requestParameters": {"logGroupName": LOG_GROUP, "logStreamName": LOG_STREAM},
     "responseElements": None,
     "requestID": "0727ad79-b7d1-43e6-885b-021a97e1d26b", "eventID": "58f45638-0d2a-4aac-bc20-e8f3d26c7fe5",
     "readOnly": False, "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": PROD,
     "eventCategory": "Data", "tlsDetails": tls("logs.us-east-1.amazonaws.com")},
]))

# FINDING: root console sign-in without MFA
FILES.append((PROD, "20261120T1725Z", "U2fT7gL9rC5kY3vM", [
    {"eventVersion": "1.09",
     "userIdentity": {"type": "Root", "principalId": PROD, "arn": "arn:aws:iam::444455556666:root",
                      "accountId": PROD, "accessKeyId": ""},
     "eventTime": "2026-11-20T17:21:09Z", "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
     "awsRegion": REGION, "sourceIPAddress": "192.0.2.146", "userAgent": BROWSER,
     "requestParameters": None,
     "responseElements": {"ConsoleLogin": "Success"},
     "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home",
                             "MobileVersion": "No", "MFAUsed": "No"},
     "eventID": "4455906a-b9d8-436c-a4d8-9c162e52481d",
     "readOnly": False, "eventType": "AwsConsoleSignIn", "managementEvent": True, "recipientAccountId": PROD,
     "eventCategory": "Management", "tlsDetails": tls("signin.aws.amazon.com")},
]))

# --- the digest --------------------------------------------------------------------------------

DIGEST_END = "20261120T100000Z"
DIGEST_START_TIME = "2026-11-20T09:00:00Z"
DIGEST_END_TIME = "2026-11-20T10:00:00Z"
PREVIOUS_DIGEST_END = "20261120T090000Z"
PUBLIC_KEY_FINGERPRINT = "6d1f5c8a0e3b47d29c4a7e8b1f0d3c65"


def log_key(account, stamp, suffix):
    day = stamp[:8]
    return ("AWSLogs/%s/CloudTrail/%s/%s/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz"
            % (account, REGION, day[:4], day[4:6], day[6:8], account, REGION, stamp, suffix))


def digest_key(account, stamp):
    day = stamp[:8]
    return ("AWSLogs/%s/CloudTrail-Digest/%s/%s/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz"
            % (account, REGION, day[:4], day[4:6], day[6:8], account, REGION, TRAIL, REGION, stamp))


def delivery_time(stamp):
    """'20261120T0910Z' -> '2026-11-20T09:10:00Z' (string comparison works for this format)."""
    return "%s-%s-%sT%s:%s:00Z" % (stamp[:4], stamp[4:6], stamp[6:8], stamp[9:11], stamp[11:13])


def to_json(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def write():
    out = ROOT / "AWSLogs"
    if out.exists():
        shutil.rmtree(out)
    hashes = {}
    for account, stamp, suffix, records in FILES:
        key = log_key(account, stamp, suffix)
        raw = to_json({"Records": records})
        path = ROOT / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gz(raw))
        times = sorted(r["eventTime"] for r in records)
        hashes[key] = (hashlib.sha256(raw).hexdigest(), times[0], times[-1], account, stamp)

    # Production digest for 09:00-10:00: every Production log file delivered in that hour.
    covered = [(k, v) for k, v in sorted(hashes.items())
               if v[3] == PROD and DIGEST_START_TIME <= delivery_time(v[4]) < DIGEST_END_TIME]
    digest = {
        "awsAccountId": PROD,
        "digestStartTime": DIGEST_START_TIME,
        "digestEndTime": DIGEST_END_TIME,
        "digestS3Bucket": LOG_BUCKET,
        "digestS3Object": digest_key(PROD, DIGEST_END),
        "digestPublicKeyFingerprint": PUBLIC_KEY_FINGERPRINT,
        "digestSignatureAlgorithm": "SHA256withRSA",
        "newestEventTime": max(v[2] for _, v in covered),
        "oldestEventTime": min(v[1] for _, v in covered),
        "previousDigestS3Bucket": LOG_BUCKET,
        "previousDigestS3Object": digest_key(PROD, PREVIOUS_DIGEST_END),
        # Placeholders: the 08:00-09:00 digest is not part of the sample set. Deterministic, not real.
        "previousDigestHashValue": hashlib.sha256(b"trail sample previous digest 20261120T090000Z").hexdigest(),
        "previousDigestHashAlgorithm": "SHA-256",
        "previousDigestSignature": hashlib.shake_256(b"trail sample previous digest signature").hexdigest(256),
        "logFiles": [{"s3Bucket": LOG_BUCKET, "s3Object": k, "hashValue": v[0], "hashAlgorithm": "SHA-256",
                      "newestEventTime": v[2], "oldestEventTime": v[1]} for k, v in covered],
    }
    path = ROOT / digest_key(PROD, DIGEST_END)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gz(to_json(digest)))


# --- validation --------------------------------------------------------------------------------

LOG_NAME = re.compile(r"^AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
                      r"(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_([A-Za-z0-9]{16})\.json\.gz$")
DIGEST_NAME = re.compile(r"^AWSLogs/(\d{12})/CloudTrail-Digest/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
                         r"(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_([A-Za-z0-9-]+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)\.json\.gz$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^2026-11-20T(0[89]|1[0-7]):[0-5]\d:[0-5]\dZ$")
KEY = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$")
UNIQUE_ID = re.compile(r"^(AIDA|AROA)[A-Z0-9]{17}$")


def check():
    problems = []

    def bad(where, msg):
        problems.append("%s: %s" % (where, msg))

    logs, digests = [], []
    for path in sorted(ROOT.rglob("*.json.gz")):
        rel = path.relative_to(ROOT).as_posix()
        try:
            doc = json.loads(gzip.decompress(path.read_bytes()))
        except Exception as e:  # noqa: BLE001
            bad(rel, "not gzip JSON: %s" % e)
            continue
        (digests if "/CloudTrail-Digest/" in rel else logs).append((rel, path, doc))

    records = []  # (file, record)
    for rel, _, doc in logs:
        m = LOG_NAME.match(rel)
        if not m:
            bad(rel, "name does not follow the CloudTrail layout")
            continue
        account, region, y, mo, d, account2, region2, stamp, _ = m.groups()
        if account != account2 or region != region2 or stamp[:8] != y + mo + d:
            bad(rel, "directory and file name disagree")
        if not isinstance(doc, dict) or list(doc) != ["Records"] or not doc["Records"]:
            bad(rel, "not a non-empty {\"Records\":[...]} document")
            continue
        for r in doc["Records"]:
            where = "%s %s" % (rel.rsplit("/", 1)[1], r.get("eventID"))
            records.append((rel, r))
            if r.get("recipientAccountId") != account:
                bad(where, "recipientAccountId differs from the account in the path")
            if r.get("awsRegion") != region:
                bad(where, "awsRegion differs from the region in the path")
            if r.get("eventVersion") not in ("1.08", "1.09", "1.10", "1.11"):
                bad(where, "eventVersion %r" % r.get("eventVersion"))
            if not TIME.match(r.get("eventTime", "")):
                bad(where, "eventTime %r outside 2026-11-20 08:00-18:00" % r.get("eventTime"))
            elif r["eventTime"] > delivery_time(stamp):
                bad(where, "eventTime after the file's delivery time")
            if not UUID.match(r.get("eventID", "")):
                bad(where, "eventID is not a v4 UUID")
            for field in ("eventSource", "eventName", "sourceIPAddress", "userAgent", "eventType",
                          "eventCategory", "userIdentity"):
                if field not in r:
                    bad(where, "missing " + field)
            for field in ("requestParameters", "responseElements", "readOnly", "managementEvent"):
                if field not in r:
                    bad(where, "missing " + field)
            data = r.get("eventCategory") == "Data"
            if data == r.get("managementEvent"):
                bad(where, "managementEvent disagrees with eventCategory")
            ui = r.get("userIdentity", {})
            if ui.get("accessKeyId") and not KEY.match(ui["accessKeyId"]):
                bad(where, "bad accessKeyId")
            pid = ui.get("principalId", "")
            if ui.get("type") in ("IAMUser", "AssumedRole", "AWSAccount") and not UNIQUE_ID.match(pid.split(":")[0]):
                bad(where, "bad principalId %r" % pid)
            if ui.get("type") == "AWSService" and "tlsDetails" in r:
                bad(where, "tlsDetails on a service-made call")

    ids = [r["eventID"] for _, r in records]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        bad(dup, "duplicate eventID")

    # Issuances: successful AssumeRole records, indexed by (recipient account, session ARN, eventTime).
    issuances = {}
    for rel, r in records:
        if r["eventName"] != "AssumeRole" or "errorCode" in r:
            continue
        rp, re_ = r["requestParameters"], r["responseElements"]
        role_name = rp["roleArn"].rsplit("/", 1)[1]
        role_account = rp["roleArn"].split(":")[4]
        session_arn = "arn:aws:sts::%s:assumed-role/%s/%s" % (role_account, role_name, rp["roleSessionName"])
        if "assumedRoleUser" in re_ and re_["assumedRoleUser"]["arn"] != session_arn:
            bad(r["eventID"], "assumedRoleUser.arn disagrees with roleArn/roleSessionName")
        if r["userIdentity"].get("type") == "AWSService" and "assumedRoleUser" in re_:
            bad(r["eventID"], "service-issued AssumeRole carries assumedRoleUser")
        issuances.setdefault((r["recipientAccountId"], session_arn, r["eventTime"]), []).append((rel, r))

    # Every usage session must find its issuing AssumeRole (same account, same ARN, creationDate ==
    # eventTime to the second) and use the key it issued.
    used = set()
    for rel, r in records:
        ui = r["userIdentity"]
        if ui.get("type") != "AssumedRole":
            continue
        sc = ui["sessionContext"]
        created = sc["attributes"]["creationDate"]
        found = issuances.get((r["recipientAccountId"], ui["arn"], created))
        if not found:
            bad(r["eventID"], "no AssumeRole at %s issued %s" % (created, ui["arn"]))
            continue
        used.add((r["recipientAccountId"], ui["arn"], created))
        _, issue = found[0]
        if issue["responseElements"]["credentials"]["accessKeyId"] != ui["accessKeyId"]:
            bad(r["eventID"], "accessKeyId is not the key the AssumeRole issued")
        if sc["sessionIssuer"]["arn"] != issue["requestParameters"]["roleArn"]:
            bad(r["eventID"], "sessionIssuer.arn is not the assumed roleArn")
        aru = issue["responseElements"].get("assumedRoleUser")
        if aru and aru["assumedRoleId"] != ui["principalId"]:
            bad(r["eventID"], "principalId is not the issued assumedRoleId")
        if not ui["principalId"].startswith(sc["sessionIssuer"]["principalId"] + ":"):
            bad(r["eventID"], "principalId does not start with the role id")
        if sc["attributes"]["mfaAuthenticated"] != "false":
            bad(r["eventID"], "mfaAuthenticated should be \"false\" in these samples")
    for key in issuances:
        if key[0] == PROD and key not in used and key[1].split("/")[-1] != "alice-prod":
            bad(key[1], "issued at %s but never used" % key[2])

    # Cross-account pair: both copies, same sharedEventID and requestID, different eventIDs.
    pair = [r for _, r in records if r.get("sharedEventID") == ALICE_ASSUME_SHARED]
    if sorted(r["recipientAccountId"] for r in pair) != [DEV, PROD]:
        bad("alice AssumeRole", "expected one copy in each account")
    elif len({r["requestID"] for r in pair}) != 1 or len({r["eventID"] for r in pair}) != 2:
        bad("alice AssumeRole", "copies must share requestID and differ in eventID")

    # Out-of-order delivery: alice-prod usage sorts before the role owner's copy of the issuance.
    usage_files = sorted(rel for rel, r in records
                         if r["userIdentity"].get("arn", "").endswith("assumed-role/ProdAdmin/alice-prod"))
    owner_file = [rel for rel, r in records
                  if r.get("sharedEventID") == ALICE_ASSUME_SHARED and r["recipientAccountId"] == PROD]
    if not usage_files or not owner_file or not usage_files[0] < owner_file[0]:
        bad("out-of-order", "the alice-prod reads do not sort before the owner's AssumeRole copy")

    # Lambda least privilege: exactly four actions.
    actions = sorted({r["eventSource"].split(".")[0] + ":" + r["eventName"] for _, r in records
                      if r["userIdentity"].get("arn", "").endswith("assumed-role/order-processor-role/order-processor")})
    if actions != ["dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"]:
        bad("order-processor", "actions are %s" % actions)

    # Digest: names, and hashes of the uncompressed log files it lists.
    for rel, _, doc in digests:
        m = DIGEST_NAME.match(rel)
        if not m:
            bad(rel, "digest name does not follow the CloudTrail layout")
        if doc.get("digestS3Object") != rel:
            bad(rel, "digestS3Object is not the file's own key")
        for lf in doc.get("logFiles", []):
            p = ROOT / lf["s3Object"]
            if not p.exists():
                bad(rel, "lists a missing log file " + lf["s3Object"])
            elif hashlib.sha256(gzip.decompress(p.read_bytes())).hexdigest() != lf["hashValue"]:
                bad(rel, "hash mismatch for " + lf["s3Object"])
        if not doc.get("logFiles"):
            bad(rel, "lists no log files")

    for p in problems:
        print("PROBLEM", p, file=sys.stderr)
    print("%d log files, %d records, %d digest file(s)%s"
          % (len(logs), len(records), len(digests), "" if problems else ", all checks passed"))
    for rel, _, doc in logs:
        print("  %2d  %s" % (len(doc["Records"]), rel))
    for rel, _, doc in digests:
        print("  %2s  %s (lists %d log files)" % ("-", rel, len(doc.get("logFiles", []))))
    return not problems


if __name__ == "__main__":
    if "--check" not in sys.argv[1:]:
        write()
    sys.exit(0 if check() else 1)
