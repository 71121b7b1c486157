"""Assertions shared by the API tests."""


def assert_error_body(response, code: str) -> None:
    """The API's one error shape: {"error": {"code", "message", "fields"}} with the given code."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
