# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files AWX and ansible-builder import: surveys, the ZVM API credential type, the EE definition."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import re

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SURVEYS = sorted(glob.glob(os.path.join(ROOT, "awx", "surveys", "*.json")))
PLAYBOOKS = ("preflight", "pre_upgrade", "post_upgrade", "rollout", "rollback")
QUESTION_TYPES = ("text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect")
QUESTION_KEYS = {"question_name", "question_description", "required", "type", "variable", "min", "max", "default",
                 "choices", "new_question"}
SECRET_WORDS = ("password", "secret", "token")
VARIABLE = re.compile(r"^zerto_billing_[a-z0-9_]+$")


def load_json(path):
    with open(path) as handle:
        return json.load(handle)


def load_yaml(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def test_one_survey_per_playbook():
    assert sorted(os.path.basename(path)[:-5] for path in SURVEYS) == sorted(PLAYBOOKS)


@pytest.mark.parametrize("path", SURVEYS, ids=os.path.basename)
def test_survey_is_importable(path):
    survey = load_json(path)
    assert set(survey) == {"name", "description", "spec"}
    assert survey["name"] and isinstance(survey["description"], str)
    variables = [question["variable"] for question in survey["spec"]]
    assert len(variables) == len(set(variables)), "a variable is asked twice"
    for question in survey["spec"]:
        where = "%s: %s" % (os.path.basename(path), question.get("variable"))
        assert set(question) == QUESTION_KEYS, where
        assert VARIABLE.match(question["variable"]), where
        assert question["type"] in QUESTION_TYPES, where
        assert question["question_name"] and question["question_description"], where
        assert isinstance(question["required"], bool), where
        if any(word in question["variable"] for word in SECRET_WORDS):
            assert question["type"] == "password", where
        if question["type"] in ("multiplechoice", "multiselect"):
            assert isinstance(question["choices"], list) and question["choices"], where
            assert question["default"] in question["choices"] + [""], where
        if question["type"] == "integer":
            assert isinstance(question["min"], int) and isinstance(question["max"], int), where
            assert question["default"] == "" or question["min"] <= question["default"] <= question["max"], where


def test_every_survey_asks_for_the_targets():
    for path in SURVEYS:
        assert "zerto_billing_targets" in [q["variable"] for q in load_json(path)["spec"]], path


def test_no_interactive_gate_in_awx():
    gate = [q for q in load_json(os.path.join(ROOT, "awx", "surveys", "rollout.json"))["spec"]
            if q["variable"] == "zerto_billing_upgrade_gate"][0]
    assert "pause" not in gate["choices"]


def test_zvm_api_credential_type():
    credential = load_json(os.path.join(ROOT, "awx", "credential_types", "zvm_api.json"))
    assert set(credential) == {"name", "description", "kind", "inputs", "injectors"}
    assert credential["kind"] == "cloud"
    fields = dict((field["id"], field) for field in credential["inputs"]["fields"])
    assert list(fields) == ["api_url", "username", "password", "client_id", "client_secret"]
    for field_id, field in fields.items():
        assert field["label"] and field["type"] == "string", field_id
        assert field.get("secret", False) == (field_id in ("password", "client_secret")), field_id
    assert set(credential["inputs"]["required"]) <= set(fields)
    assert set(credential["injectors"]) == {"extra_vars"}
    injected = credential["injectors"]["extra_vars"]
    assert sorted(injected) == sorted([
        "zerto_billing_zvm_api_url_default", "zerto_billing_zvm_api_username", "zerto_billing_zvm_api_password",
        "zerto_billing_zvm_api_client_id", "zerto_billing_zvm_api_client_secret"])
    for variable, template in injected.items():
        assert VARIABLE.match(variable)
        referenced = re.findall(r"\{\{\s*(\w+)\s*\}\}", template)
        assert referenced and set(referenced) <= set(fields), variable


def test_execution_environment_definition():
    definition = load_yaml("execution-environment.yml")
    assert definition["version"] == 3
    assert definition["images"]["base_image"]["name"]
    dependencies = definition["dependencies"]
    with open(os.path.join(ROOT, dependencies["python"])) as handle:
        assert re.search(r"^requests\b", handle.read(), re.M)
    galaxy = load_yaml(dependencies["galaxy"])
    assert "zerto_msp.billing" in [collection["name"] for collection in galaxy["collections"]]


def test_collection_metadata_for_ansible_builder():
    meta = load_yaml(os.path.join("meta", "execution-environment.yml"))
    assert meta["version"] == 1
    for entry, path in meta["dependencies"].items():
        assert not os.path.isabs(path), entry
        assert os.path.isfile(os.path.join(ROOT, path)), path


def test_ansible_builder_reads_requests_from_the_collection():
    introspect = pytest.importorskip("ansible_builder._target_scripts.introspect")
    python, system = introspect.process_collection(ROOT)
    assert [line for line in python if line.startswith("requests")]
    assert system == []
