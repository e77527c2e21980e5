"""The provisioner <-> reaper contract on node names and descriptions: what one writes
the other reads."""

from __future__ import annotations

from jenkinsbridge.agents.nodes import (
    describe_node,
    node_name,
    node_prefix,
    parse_node_description,
    placeholder_prefix,
)


def test_a_description_round_trips() -> None:
    text = describe_node(template="py", item=42, owner="ci-7", created=1_700_000_123.6)
    parsed = parse_node_description(text)
    assert parsed is not None
    assert (parsed.owner, parsed.created) == ("ci-7", 1_700_000_124.0)


def test_no_creation_time_means_unknown() -> None:
    assert parse_node_description("a node someone made by hand") is None
    assert parse_node_description(None) is None
    assert parse_node_description("recreated 12 times") is None


def test_names_carry_the_prefix_and_placeholders_do_not() -> None:
    name = node_name("ci-7", "py", 3, "abc123")
    assert name.startswith(node_prefix("ci-7")) and name.endswith("py-3-abc123")
    assert not placeholder_prefix("ci-7").startswith(node_prefix("ci-7"))
