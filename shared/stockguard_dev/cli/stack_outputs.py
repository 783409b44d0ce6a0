"""Find a deployed stack's resources from its CloudFormation outputs (for status and sync-index)."""

from __future__ import annotations

import boto3

# Output name -> the environment variable the runtime reads.
OUTPUT_ENV = {
    "StockStateTableName": "STOCK_TABLE_NAME",
    "DedupTableName": "DEDUP_TABLE_NAME",
    "AdsIndexTableName": "ADS_INDEX_TABLE_NAME",
    "LedgerTableName": "LEDGER_TABLE_NAME",
    "AuditTableName": "AUDIT_TABLE_NAME",
    "AdsCredentialsSecretArn": "ADS_CREDENTIALS_SECRET",
    "ConfigParameterName": "CONFIG_PARAMETER_NAME",
}


class StackError(RuntimeError):
    pass


def environment_from_stack(stack_name: str, *, region: str | None = None) -> dict[str, str]:
    try:
        stacks = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as error:
        raise StackError(f"cannot read stack {stack_name!r}: {error}") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    missing = [k for k in OUTPUT_ENV if k not in outputs]
    if missing:
        raise StackError(f"stack {stack_name!r} lacks outputs {', '.join(missing)}: is it a StockGuard stack?")
    return {env: outputs[key] for key, env in OUTPUT_ENV.items()}
