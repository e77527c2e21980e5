"""Every golden case renders byte for byte to its expected config.xml and Jenkinsfile,
or fails with the one-line message of its .error file."""

import defusedxml.ElementTree as ET
import pytest

from jenkinsbridge.errors import JenkinsbridgeError
from jenkinsbridge.render import render_job
from jenkinsbridge.spec import load_specs
from tests.support.fixtures import Case, case_params, check_golden


@pytest.mark.parametrize("case", case_params())
def test_golden(case: Case) -> None:
    if case.expected("error").is_file():
        with pytest.raises(JenkinsbridgeError) as failed:
            render_job(*load_specs([case.spec]).jobs)
        return check_golden(f"{failed.value}\n", case.expected("error"))
    (job,) = load_specs([case.spec]).jobs
    rendered = render_job(job)
    ET.fromstring(rendered.config_xml.encode("utf-8"))
    check_golden(rendered.config_xml, case.expected("config.xml"))
    check_golden(rendered.jenkinsfile, case.expected("Jenkinsfile"))
