import time, boto3
from moto import mock_aws
from stockguard.state.dynamo import reset_clients, dynamodb_resource
from tests.support.stack import local_stack
from tests.integration.pipeline.conftest import build_world
from stockguard.pipeline.batch import process_batch
from tests.support.notifications import fba, sqs_event

def wipe(tables):
    res = dynamodb_resource()
    for name in tables.values():
        t = res.Table(name)
        keys = [k["AttributeName"] for k in t.key_schema]
        for item in t.scan(ProjectionExpression=", ".join(keys))["Items"]:
            t.delete_item(Key={k: item[k] for k in keys})

def test_probe():
    with mock_aws():
        reset_clients()
        stack = local_stack()
        t=time.time()
        for i in range(10):
            wipe(stack.tables)
            w = build_world(stack)
            process_batch(sqs_event(fba("B00001ABCD", "SELLERSKU-1", 0, minutes=0, nid="x"))["Records"], w.services)
            process_batch(sqs_event(fba("B00001ABCD", "SELLERSKU-1", 10, minutes=60, nid="y"))["Records"], w.services)
        print("per iteration", (time.time()-t)/10)
