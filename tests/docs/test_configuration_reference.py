"""docs/configuration.md is generated from what the code reads (tools/docs_reference.py): every
environment variable the package reads is documented, nothing documented is unread, and the
committed page is what the generator makes."""

from pathlib import Path

from saleor_mautomation.project.settings_reference import Doc
from tools.docs_reference import (
    CONFIGURATION,
    ROOT,
    configuration_problems,
    render_configuration,
    scan_module,
    scan_package,
)

SAMPLE = """
import os

env = os.environ
REQUIRED = ("SECRET_KEY", "DATABASE_URL")


def _flag(name, default=False):
    value = env.get(name)
    return default if value is None else value == "1"


PORT = int(env.get("PORT", "8080"))
LIMIT = int(env.get("LIMIT", str(256 * 1024)))
HOME = env.get("HOME_DIR", Path.cwd() / "var")
KEY = env.get("KEY") or make_key()
TOKEN = env["TOKEN"] if env.get("TOKEN") else None
DEBUG = _flag("DEBUG")
STRICT = _flag("STRICT", True)
OTHER = os.getenv("OTHER", "x")
MISSING = [name for name in REQUIRED if not env.get(name)]
COMPUTED = env.get(f"PREFIX_{PORT}")
env["WRITTEN"] = "1"
"""


def test_the_scan_finds_every_kind_of_read_with_its_default():
    # when
    scan = scan_module(SAMPLE, "sample.py")

    # then
    assert [(r.name, r.line, r.default, r.computed) for r in scan.reads] == [
        ("PORT", 13, "8080", False),
        ("LIMIT", 14, "262144", False),
        ("HOME_DIR", 15, None, True),
        ("KEY", 16, None, True),
        ("TOKEN", 17, None, False),
        ("TOKEN", 17, None, False),
        ("DEBUG", 18, False, False),
        ("STRICT", 19, True, False),
        ("OTHER", 20, "x", False),
        ("DATABASE_URL", 21, None, False),
        ("SECRET_KEY", 21, None, False),
    ]
    assert scan.dynamic == ["sample.py:22"]


TABLE = {
    "PORT": Doc("the port"),
    "LIMIT": Doc("the limit", unit="bytes"),
    "HOME_DIR": Doc("the home", default="`var/`"),
    "KEY": Doc("the key", default="generated"),
    "TOKEN": Doc("the token"),
    "DEBUG": Doc("debug"),
    "STRICT": Doc("strict"),
    "OTHER": Doc("other"),
    "DATABASE_URL": Doc("the database"),
    "SECRET_KEY": Doc("the secret"),
}


def test_a_fully_documented_module_has_only_its_computed_name_as_a_problem():
    # when
    problems = configuration_problems(scan_module(SAMPLE, "sample.py"), TABLE)

    # then
    assert problems == ["an environment variable whose name is computed: sample.py:22"]


def test_an_undocumented_read_and_an_unread_entry_are_both_named():
    # given: OTHER no longer documented, a documented variable nothing reads
    table = {name: doc for name, doc in TABLE.items() if name != "OTHER"}
    table["GONE"] = Doc("gone")

    # when
    problems = configuration_problems(scan_module(SAMPLE, "sample.py"), table)

    # then
    assert problems == [
        "OTHER is read (sample.py:20) but not documented: add it to "
        "saleor_mautomation/project/settings_reference.py, then run make docs",
        "GONE is documented in settings_reference.py but no longer read: remove it",
        "an environment variable whose name is computed: sample.py:22",
    ]


def test_a_default_given_twice_or_missing_is_named():
    # given: the table repeats the code's literal default of PORT, and says nothing of the
    # default KEY's code computes
    table = {**TABLE, "PORT": Doc("the port", default="`8080`"), "KEY": Doc("the key")}

    # when
    problems = configuration_problems(scan_module(SAMPLE, "sample.py"), table)

    # then
    assert problems == [
        "an environment variable whose name is computed: sample.py:22",
        "KEY: the code computes its default: say what it is in settings_reference.py "
        "(Doc(default=...))",
        "PORT: settings_reference.py gives a default, the code has one ('8080'): "
        "remove the table's",
    ]


def test_the_package_reads_only_documented_variables_and_every_documented_one():
    # when
    problems = configuration_problems(scan_package())

    # then
    assert problems == [], "\n".join(problems)


def test_the_page_shows_the_codes_defaults_with_their_units():
    # when
    page = render_configuration(scan_package())

    # then
    assert "| `INTAKE_BATCH_SIZE` | `200` | stored deliveries the drain claims at a time |" in page
    assert "| `SALEOR_HTTP_TIMEOUT` | `10` s |" in page
    assert "| `GRAPHQL_MAX_BODY_BYTES_STOREFRONT` | `262144` bytes |" in page
    assert "| `DEBUG` | off |" in page
    assert "| `SECRET_KEY` | generated under `MAUTOMATION_VAR_DIR` |" in page


def test_the_committed_page_is_what_the_generator_makes():
    committed = (Path(ROOT) / CONFIGURATION).read_text(encoding="utf-8")

    assert committed == render_configuration(scan_package()), "run make docs"
