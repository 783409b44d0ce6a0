"""Read template.yaml (CloudFormation short tags included) and resolve intrinsic functions.

The test harness and the demo read the real template, so that the template and the code cannot drift
apart: handler paths, environment variables and resources all come from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TAGS = [
    "Ref",
    "GetAtt",
    "Sub",
    "Join",
    "If",
    "Equals",
    "Select",
    "Split",
    "FindInMap",
    "Not",
    "And",
    "Or",
    "Condition",
    "ImportValue",
    "Base64",
    "Cidr",
    "GetAZs",
]


class _CfnLoader(yaml.SafeLoader):
    pass


def _constructor(tag: str):
    def construct(loader: yaml.Loader, node: yaml.Node) -> dict:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        key = tag if tag in ("Ref", "Condition") else f"Fn::{tag}"
        return {key: value}

    return construct


for _tag in _TAGS:
    _CfnLoader.add_constructor(f"!{_tag}", _constructor(_tag))


def load_template(path: str | Path) -> dict:
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_CfnLoader)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: str
    handler: str
    environment: dict[str, Any]
    timeout: int
    events: dict[str, Any]
    policies: list[Any]

    @property
    def module_file(self) -> str:
        module = self.handler.rsplit(".", 1)[0]
        return str(Path(self.code_uri) / (module.replace(".", "/") + ".py"))

    @property
    def function_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


def functions(template: dict) -> dict[str, FunctionSpec]:
    """Every AWS::Serverless::Function with Globals merged (Environment variables, Timeout)."""
    globals_ = template.get("Globals", {}).get("Function", {})
    out: dict[str, FunctionSpec] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        env = dict(globals_.get("Environment", {}).get("Variables", {}))
        env.update(props.get("Environment", {}).get("Variables", {}))
        out[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_uri=props.get("CodeUri", globals_.get("CodeUri", "")),
            handler=props.get("Handler", globals_.get("Handler", "")),
            environment=env,
            timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
            events=props.get("Events", {}),
            policies=list(props.get("Policies", [])),
        )
    return out


def parameter_defaults(template: dict) -> dict[str, str]:
    return {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}


@dataclass
class Resolver:
    """Resolves Ref / GetAtt / Sub / If / Join / Select / Split / Equals / Not for a provisioned stack."""

    template: dict
    parameters: Mapping[str, str]
    refs: Mapping[str, str]  # logical id -> physical id (what Ref returns)
    attributes: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (logical id, attr) -> value
    pseudo: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {k: self.resolve(v) for k, v in value.items()}
        ((key, arg),) = value.items()
        if key == "Ref":
            return self._ref(arg)
        if key == "Fn::GetAtt":
            logical, attr = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.attributes[(logical, attr)]
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], {k: self.resolve(v) for k, v in arg[1].items()})
            return re.sub(r"\$\{([^}!][^}]*)\}", lambda m: self._sub_value(m.group(1), variables), text).replace("${!", "${")
        if key == "Fn::Join":
            sep, items = arg
            return sep.join(str(self.resolve(i)) for i in self.resolve(items))
        if key == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if key == "Fn::Split":
            sep, text = arg
            return str(self.resolve(text)).split(sep)
        if key == "Fn::If":
            name, when_true, when_false = arg
            return self.resolve(when_true if self.condition(name) else when_false)
        if key == "Fn::Equals":
            a, b = arg
            return str(self.resolve(a)) == str(self.resolve(b))
        if key == "Fn::Not":
            return not self.resolve(arg[0])
        if key == "Fn::And":
            return all(self.resolve(a) for a in arg)
        if key == "Fn::Or":
            return any(self.resolve(a) for a in arg)
        if key == "Condition":
            return self.condition(arg)
        return {k: self.resolve(v) for k, v in value.items()}

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template.get("Conditions", {})[name]))

    def _ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self.refs[name]

    def _sub_value(self, name: str, variables: Mapping[str, Any]) -> str:
        """A Sub placeholder: its own variable map first (an empty string is a value), then Ref/GetAtt."""
        return str(variables[name]) if name in variables else str(self._sub_var(name))

    def _sub_var(self, name: str) -> str:
        if "." in name:
            logical, attr = name.split(".", 1)
            return self.attributes[(logical, attr)]
        return self._ref(name)
