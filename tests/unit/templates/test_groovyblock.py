"""Multi-line script literals: shape and escapes (groovy itself decodes them in the
integration tests)."""

from jenkinsbridge.render.groovyblock import groovy_script


def test_one_line_is_a_plain_literal() -> None:
    assert groovy_script("echo 'a' $B") == "'echo \\'a\\' $B'"


def test_block_keeps_lines_and_escapes_backslashes_and_closing_quotes() -> None:
    out = groovy_script("a \\\nb '''\n'")
    assert out == "'''\\\na \\\\\nb \\'\\''\n\\''''"


def test_non_ascii_is_escaped() -> None:
    assert groovy_script("é\n😀") == "'''\\\n\\u00e9\n\\ud83d\\ude00'''"
