"""API fixtures: a client and staff accounts with tokens."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.support import Api, make_user


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def clerk(app: Flask, client: FlaskClient) -> Api:
    return Api(client, make_user(app, "clerk-li", "clerk"))


@pytest.fixture
def clerk2(app: Flask, client: FlaskClient) -> Api:
    return Api(client, make_user(app, "clerk-wang", "clerk"))


@pytest.fixture
def scrutineer(app: Flask, client: FlaskClient) -> Api:
    return Api(client, make_user(app, "scrutineer-zhao", "scrutineer"))


@pytest.fixture
def deputy(client: FlaskClient) -> Api:
    return Api(client)
