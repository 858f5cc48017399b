"""The one published vote the bundle tests share (``bundle_support``): built once per session, on each database."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.exports.bundle_support import (
    FORM_PATHS,
    BarePython,
    Published,
    download,
    download_form,
    make_bare_python,
    run_tie_break,
)
from tests.support.api import Api, make_user, set_up
from tests.support.databases import fresh_database
from voting.web import create_app


@pytest.fixture(scope="session")
def published(db_kind: str, _template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    tmp = tmp_path_factory.mktemp("bundle-vote")
    with fresh_database(db_kind, _template, tmp) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOTING_INSTANCE_PATH", str(tmp / "instance"))
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
        client = app.test_client()
        token = make_user(app, "clerk-li", "clerk")
        clerk, deputy = Api(client, token), Api(client)
        sitting = set_up(clerk, size=10)
        run_tie_break(sitting, deputy)
        # The public never gets the bundle (it carries the audit log); staff get an UNOFFICIAL one before publication.
        download(client, sitting.vote_id, status=401)
        _, early_name, _ = download(client, sitting.vote_id, token)
        assert early_name == f"vote{sitting.vote_id}-bundle-UNOFFICIAL.zip"
        started = time.perf_counter()
        clerk.post(f"/api/v1/votes/{sitting.vote_id}/publish")
        publish_seconds = time.perf_counter() - started
        download(client, sitting.vote_id, status=401)
        data, file_name, content_type = download(client, sitting.vote_id, token)
        forms = {path: [download_form(client, sitting.vote_id, path) for _ in range(2)] for path in FORM_PATHS}
        yield Published(
            data,
            download(client, sitting.vote_id, token)[0],
            file_name,
            content_type,
            clerk.get(f"/api/v1/votes/{sitting.vote_id}"),
            deputy.get(f"/api/v1/votes/{sitting.vote_id}/result"),
            forms,
            clerk.get(f"/api/v1/audit?vote_id={sitting.vote_id}"),
            publish_seconds,
        )
        app.extensions["voting.db"].dispose()


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> BarePython:
    return make_bare_python(tmp_path_factory.mktemp("bare-python") / "venv")
