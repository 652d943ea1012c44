"""Helpers shared by the dashboard's tests (test client and browser)."""

from __future__ import annotations

import re

from moderation.dashboard import accounts

PASSWORD = "correct-horse-battery"


def make_moderator(r, email: str = "claire@exemple.fr", role: str = "moderator") -> str:
    accounts.create_moderator(r, email, PASSWORD, role)
    return email


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    token = csrf_of(client.get("/dashboard/login").get_data(as_text=True))
    return client.post("/dashboard/login", data={"email": email, "password": password, "csrf_token": token})


def page_token(client, path: str = "/dashboard/queues") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))
