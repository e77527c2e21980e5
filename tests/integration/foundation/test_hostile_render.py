"""Hostile values in every free-text field render into files that Jenkins and groovy read,
and groovy sees each value as one intact string constant: nothing injects."""

from __future__ import annotations

from pathlib import Path

import yaml
from defusedxml import ElementTree

from jenkinsbridge.render import render_spec, write_rendered
from jenkinsbridge.spec import load_spec_text
from tests.support.groovy import GroovyChecker

CONSTANTS = Path(__file__).parent / "groovy" / "constants.groovy"
RUN = "echo '${HOME}' \"$HOME\" \\\\ \\u0027 '''\ncat <<'EOF'\n]]>\nEOF"
STAGE = "st'a\"ge ${x}"
VALUES = {
    "p1_default": "'''${x}\\u0027", "p1_description": "\"]]>&amp;\\", "choice1": "'", "choice2": "\\",
    "choice3": "${x}", "p3_default": "l1\nl2 '''", "evil": "'; sh('rm -rf /') //",
    "e2": "\\u0027 ''' \"\"\" $(id) `id` ]]> é 😀", "run": RUN, "stage": STAGE, "junit": "r/'*.xml",
    "archive": "a\\b", "artifacts": "d'ist/*", "email": "o'brien@example.com",
}
DESCRIPTION = "]]></description><x/>'''\"\"\" ${env.X} \\u0027 \\ \n second line 😀"
SPEC = {"version": 1, "jobs": [{
    "name": "hostile (é) + {x} ~ =,", "folder": "a b/c(d)", "description": DESCRIPTION,
    "language": "python", "source": {"url": "https://git.example.com/acme/x.git", "provider": "github"},
    "parameters": [
        {"name": "P1", "default": VALUES["p1_default"], "description": VALUES["p1_description"]},
        {"name": "P2", "type": "choice", "choices": [VALUES["choice1"], VALUES["choice2"], VALUES["choice3"]]},
        {"name": "P3", "type": "text", "default": VALUES["p3_default"]}],
    "environment": {"EVIL": VALUES["evil"], "E2": VALUES["e2"]},
    "stages": [{"name": STAGE, "run": RUN, "junit": VALUES["junit"], "archive": VALUES["archive"]},
               {"name": "two", "run": "true", "needs": [STAGE]}],
    "artifacts": VALUES["artifacts"], "notify": {"email": [VALUES["email"]]},
}]}


def test_hostile_values_stay_values(tmp_path: Path, groovy: GroovyChecker) -> None:
    spec = load_spec_text(yaml.safe_dump(SPEC, allow_unicode=True), "hostile.yaml")
    write_rendered(render_spec(spec), tmp_path)
    job_dir = tmp_path / "a b" / "c(d)" / "hostile (é) + {x} ~ =,"
    jenkinsfile = job_dir / "Jenkinsfile"
    config = ElementTree.parse(job_dir / "config.xml").getroot()
    assert config.findtext("definition/script") == jenkinsfile.read_text(encoding="utf-8")
    assert config.findtext("description", "").startswith(DESCRIPTION)
    assert [e.tag for e in config.iter("x")] == []
    for folder in ("a b", "a b/c(d)"):
        ElementTree.parse(tmp_path / folder / "config.xml")

    groovy.assert_parses([jenkinsfile])
    proc = groovy.run_script(CONSTANTS, str(jenkinsfile), timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    constants = {bytes.fromhex(line.split(":", 1)[1]).decode("utf-16-be", "surrogatepass")
                 .encode("utf-16", "surrogatepass").decode("utf-16")
                 for line in proc.stdout.splitlines()}
    missing = {k: v for k, v in VALUES.items() if v not in constants}
    assert not missing, f"not one intact string constant in the Jenkinsfile: {missing}"
